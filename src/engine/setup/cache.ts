/**
 * The setup wizard's memo between calls (AWS clients, discovery, caller identity, Management API
 * session). Its own file so that ./types.ts and ./core.ts both use it without importing each other.
 */
import { createHash } from 'node:crypto';
import { loadAws, type AwsConfig } from '../aws/config';
import type { AwsClients } from '../aws/sdk';

/**
 * Memo of slow or rate-limited reads that do not change during a wizard session: AWS clients,
 * the OIDC discovery document, the caller identity, the Management API session (Auth0 limits
 * machine-to-machine tokens). Failures are not kept. Create a new cache when the connection
 * settings change (the keys include them anyway).
 */
export class SetupCache {
  private readonly memo = new Map<string, { at: number; value: Promise<unknown> }>();
  private readonly clientMap = new Map<string, AwsClients>();

  /** The value of `fn`, computed once per key (kept `ttlMs`; failures are forgotten). */
  memoize<T>(key: string, fn: () => Promise<T>, ttlMs = 30 * 60_000): Promise<T> {
    const hit = this.memo.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = fn();
    this.memo.set(key, { at: Date.now(), value });
    value.catch(() => {
      if (this.memo.get(key)?.value === value) this.memo.delete(key);
    });
    return value;
  }

  clients(cfg: AwsConfig): AwsClients {
    const cas = createHash('sha256').update((cfg.trust?.extraCaPems ?? []).join('\n')).digest('hex').slice(0, 16);
    const key = JSON.stringify([cfg.region, cfg.profile ?? '', cfg.endpoint ?? '', cfg.credentials?.accessKeyId ?? '', cfg.timeoutMs ?? 0, cas]);
    let c = this.clientMap.get(key);
    if (!c) {
      c = loadAws().createAwsClients(cfg);
      this.clientMap.set(key, c);
    }
    return c;
  }

  /** Forget everything (e.g. after the user changed credentials). */
  clear(): void {
    this.memo.clear();
    this.clientMap.clear();
  }
}

export function createSetupCache(): SetupCache {
  return new SetupCache();
}
