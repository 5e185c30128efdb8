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

/**
 * The reads of ONE inspect / plan / apply run (inspectAll, planAll, applyAll; one build of a step
 * run alone): each AWS read (and the thumbprint, the JWKS, the Auth0 application) is made once and
 * shared by every step and re-plan of the run that needs it. A write forgets exactly what it
 * changes (core.ts `afterWrite`); a create call's response is put in place of reading it back.
 * Never kept between runs: a plan shown earlier is re-checked against fresh reads.
 */
export class RunReads {
  private readonly memo = new Map<string, Promise<unknown>>();

  /** The value of `fn`, read once per key for the run (failures are forgotten). */
  read<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const hit = this.memo.get(key);
    if (hit) return hit as Promise<T>;
    return this.put(key, fn());
  }

  /** What a write returned, in place of reading it back. */
  set<T>(key: string, value: T): void {
    void this.put(key, Promise.resolve(value));
  }

  /** Changes a value already read (e.g. adds a created resource to a list); a key not read stays unread. */
  update<T>(key: string, fn: (v: T) => T): void {
    const hit = this.memo.get(key) as Promise<T> | undefined;
    if (hit) void this.put(key, hit.then(fn));
  }

  forget(...keys: string[]): void {
    for (const k of keys) this.memo.delete(k);
  }

  /** Forgets every key starting with `prefix`. */
  forgetPrefix(prefix: string): void {
    for (const k of [...this.memo.keys()]) if (k.startsWith(prefix)) this.memo.delete(k);
  }

  clear(): void {
    this.memo.clear();
  }

  private put<T>(key: string, value: Promise<T>): Promise<T> {
    this.memo.set(key, value);
    value.catch(() => {
      if (this.memo.get(key) === value) this.memo.delete(key);
    });
    return value;
  }
}

/** The keys of RunReads (one place, so that a write forgets what the reads stored). */
export const READ_KEYS = {
  providerArns: () => 'iam:ListOpenIDConnectProviders',
  provider: (arn: string) => `iam:GetOpenIDConnectProvider|${arn}`,
  poolList: (region: string) => `cognito-identity:ListIdentityPools|${region}`,
  pool: (poolId: string) => `cognito-identity:DescribeIdentityPool|${poolId}`,
  poolRoles: (poolId: string) => `cognito-identity:GetIdentityPoolRoles|${poolId}`,
  role: (name: string) => `iam:GetRole|${name}`,
  rolePermissions: (name: string) => `iam:ListRolePolicies+ListAttachedRolePolicies|${name}`,
  thumbprint: (host: string) => `tls:thumbprint|${host}`,
  jwks: (uri: string) => `https:jwks|${uri}`,
  auth0App: (clientId: string) => `auth0:application|${clientId}`,
} as const;
