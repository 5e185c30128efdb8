/**
 * The resources behind the sidebar tree: the account's IAM OIDC providers, the region's Cognito
 * identity pools and the IAM roles that trust cognito-identity.amazonaws.com, listed a page at a
 * time, with details on demand and the actions on them (plan first, then apply).
 *
 *   const s = new ResourceSession(awsConfig);          // no SDK loaded yet
 *   const page = await s.pools.next(signal);            // the first 50 pools (1 ListIdentityPools call of 60)
 *   if (!s.pools.done) await s.pools.next(signal);      // "Load more"
 *   const d = await s.poolDetails(page[0].id, signal);  // DescribeIdentityPool + GetIdentityPoolRoles
 *   s.stats                                             // every AWS call this session made, by action
 *
 * Costs, by design:
 *  - OIDC providers: ONE ListOpenIDConnectProviders call lists them all (IAM does not page it);
 *    the label (URL) comes from the ARN, so listing needs no GetOpenIDConnectProvider. Details
 *    (client IDs, thumbprints, creation date) are one GetOpenIDConnectProvider on expand.
 *  - Identity pools: ListIdentityPools pages of 60 with NextToken; a tree page of 50 costs at most
 *    one call (the rest of an AWS page is kept for the next tree page). Details on expand:
 *    DescribeIdentityPool + GetIdentityPoolRoles.
 *  - Roles trusting Cognito: ListRoles pages (MaxItems 100, Marker); the trust policy comes with
 *    each role (URL-encoded), so filtering needs no GetRole. A tree page scans at most 10 ListRoles
 *    pages (1,000 roles) before it returns what it found, so an account with thousands of roles
 *    and few Cognito ones never makes one expansion run away.
 *  - Every call of the session goes through one limiter: at most `concurrency` (4) requests are
 *    in flight, however many nodes VS Code expands at once.
 *
 * The actions on them are ./actions.ts; the trust summary ./trust.ts; the limiter and the pager
 * ./paging.ts.
 *
 * Importing this file loads no SDK: the AWS chunk is required on the first call.
 */
import { loadAws, type AwsConfig, type AwsModule } from '../aws/config';
import { accountOfArn, providerName, providerNameFromArn } from '../aws/names';
import type { AwsClients, IdentityPoolConfig, IdentityPoolRolesConfig, ListedRole, OidcProviderDetails, PrincipalTagAttributeMap, RoleDetails } from '../aws/sdk';
import { describeError, isCancelled } from '../errors';
import { computeThumbprint } from '../thumbprint';
import { Lister, Limiter, type CallStats } from './paging';
import { analyzeCognitoTrust, type CognitoTrust } from './trust';

// ---------------------------------------------------------------------------------------------
// Summaries (what a list shows without detail calls)

export interface ProviderSummary {
  arn: string;
  /** host/path as IAM stores it (from the ARN: no call needed). */
  url: string;
  account: string;
}

export interface PoolSummary {
  id: string;
  name: string;
}

export interface RoleSummary extends ListedRole {
  trust: CognitoTrust;
}

export interface PoolDetails {
  pool: IdentityPoolConfig;
  /** undefined when GetIdentityPoolRoles failed (rolesError says why). */
  roles: IdentityPoolRolesConfig | undefined;
  rolesError: string | undefined;
}

export interface ResourceSessionOptions {
  /** Reuse these clients (tests instrument them); otherwise created from the config on first use. */
  clients?: AwsClients | undefined;
  /** Most AWS requests in flight at once (default 4). */
  concurrency?: number;
  /** Items per page of each list (default 50). */
  pageSize?: number;
  /** MaxResults of ListIdentityPools (1..60, default 60). */
  poolsPerCall?: number;
  /** MaxItems of ListRoles (1..1000, default 100). */
  rolesPerCall?: number;
  /** ListRoles calls one page of "Roles trusting Cognito" may make (default 10). */
  maxRoleCallsPerPage?: number;
}

export interface ThumbprintCheck {
  arn: string;
  /** host[:port] the certificate chain was read from. */
  target: string;
  /** The thumbprint the host's chain gives now (lowercase hex). */
  current: string;
  /** The provider's thumbprint list. */
  listed: string[];
  /** current: listed; drift: the list lacks it; empty: no thumbprints (IAM checks the root CA itself). */
  status: 'current' | 'drift' | 'empty';
  message: string;
}

export class ResourceSession {
  readonly stats: CallStats = { calls: 0, byAction: {}, inFlight: 0, maxInFlight: 0 };
  readonly pageSize: number;
  private readonly limiter: Limiter;
  private madeClients: AwsClients | undefined;
  private readonly details = new Map<string, Promise<unknown>>();
  private readonly opts: ResourceSessionOptions;
  providers!: Lister<ProviderSummary>;
  pools!: Lister<PoolSummary>;
  roles!: Lister<RoleSummary>;
  /** Roles ListRoles returned so far (trusting Cognito or not). */
  rolesScanned = 0;

  constructor(readonly config: AwsConfig, opts: ResourceSessionOptions = {}) {
    this.opts = opts;
    this.madeClients = opts.clients;
    this.pageSize = opts.pageSize ?? 50;
    this.limiter = new Limiter(Math.max(1, opts.concurrency ?? 4), this.stats);
    this.resetList('providers');
    this.resetList('pools');
    this.resetList('roles');
  }

  get aws(): AwsModule {
    return loadAws();
  }

  /** The SDK clients (loads the AWS chunk on first use). */
  get clients(): AwsClients {
    this.madeClients ??= this.aws.createAwsClients(this.config);
    return this.madeClients;
  }

  get region(): string {
    return this.config.region;
  }

  /** Makes one AWS call through the limiter, counted under `action`. */
  call<T>(action: string, signal: AbortSignal | undefined, fn: (clients: AwsClients) => Promise<T>): Promise<T> {
    return this.limiter.run(signal, () => {
      this.stats.calls++;
      this.stats.byAction[action] = (this.stats.byAction[action] ?? 0) + 1;
      return fn(this.clients);
    });
  }

  /** Forgets what a list loaded: the next next() starts again from its first page. */
  resetList(kind: 'providers' | 'pools' | 'roles'): void {
    if (kind === 'providers') this.providers = this.newProviderLister();
    else if (kind === 'pools') this.pools = this.newPoolLister();
    else {
      this.rolesScanned = 0;
      this.roles = this.newRoleLister((n) => {
        this.rolesScanned += n;
      });
    }
  }

  /** ListOpenIDConnectProviders: one call lists them all (sorted by URL), served a page at a time. */
  newProviderLister(): Lister<ProviderSummary> {
    return new Lister(async (_token, signal) => {
      const arns = await this.call('ListOpenIDConnectProviders', signal, (c) => this.aws.listOidcProviderArns(c, signal));
      return { items: arns.map(providerSummary).sort((a, b) => a.url.localeCompare(b.url)), token: undefined };
    }, this.pageSize);
  }

  /** ListIdentityPools with NextToken (MaxResults 60). A lister of its own for scans, so the tree's is left alone. */
  newPoolLister(): Lister<PoolSummary> {
    const per = this.opts.poolsPerCall ?? 60;
    return new Lister(async (token, signal) => {
      const r = await this.call('ListIdentityPools', signal, (c) => this.aws.listIdentityPoolsPage(c, token, per, signal));
      return { items: r.pools, token: r.nextToken };
    }, this.pageSize);
  }

  /** ListRoles with Marker (MaxItems 100), keeping the roles whose trust policy trusts cognito-identity.amazonaws.com. */
  newRoleLister(onScanned?: (n: number) => void): Lister<RoleSummary> {
    const per = this.opts.rolesPerCall ?? 100;
    return new Lister(async (marker, signal) => {
      const r = await this.call('ListRoles', signal, (c) => this.aws.listRolesPage(c, marker, per, signal));
      onScanned?.(r.roles.length);
      const items: RoleSummary[] = [];
      for (const role of r.roles) {
        const trust = analyzeCognitoTrust(role.assumeRolePolicyDocument);
        if (trust) items.push({ ...role, trust });
      }
      return { items, token: r.marker };
    }, this.pageSize, this.opts.maxRoleCallsPerPage ?? 10);
  }

  /** Forgets cached details (all, or those of one resource). */
  forget(key?: string): void {
    if (key === undefined) this.details.clear();
    else for (const k of [...this.details.keys()]) if (k.endsWith(`:${key}`)) this.details.delete(k);
  }

  private cached<T>(key: string, fresh: boolean, load: () => Promise<T>): Promise<T> {
    if (fresh) this.details.delete(key);
    let p = this.details.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.details.set(key, p);
      // A failure (or a cancellation) is not kept: the next expand tries again.
      p.catch(() => {
        if (this.details.get(key) === p) this.details.delete(key);
      });
    }
    return p;
  }

  /** GetOpenIDConnectProvider (cached until forget() or `fresh`). */
  providerDetails(arn: string, signal?: AbortSignal, fresh = false): Promise<OidcProviderDetails> {
    return this.cached(`provider:${arn}`, fresh, () => this.call('GetOpenIDConnectProvider', signal, (c) => this.aws.getOidcProviderDetails(c, arn, signal)));
  }

  /** DescribeIdentityPool (cached). */
  describePool(poolId: string, signal?: AbortSignal, fresh = false): Promise<IdentityPoolConfig> {
    return this.cached(`describe:${poolId}`, fresh, () => this.call('DescribeIdentityPool', signal, (c) => this.aws.describeIdentityPoolConfig(c, poolId, signal)));
  }

  /** DescribeIdentityPool + GetIdentityPoolRoles, in parallel (cached). A failing GetIdentityPoolRoles leaves the description usable. */
  async poolDetails(poolId: string, signal?: AbortSignal, fresh = false): Promise<PoolDetails> {
    const rolesP = this.cached(`roles:${poolId}`, fresh, () => this.call('GetIdentityPoolRoles', signal, (c) => this.aws.getIdentityPoolRolesConfig(c, poolId, signal)));
    rolesP.catch(() => undefined);
    const pool = await this.describePool(poolId, signal, fresh);
    try {
      return { pool, roles: await rolesP, rolesError: undefined };
    } catch (e) {
      if (isCancelled(e)) throw e;
      return { pool, roles: undefined, rolesError: describeError(e).message };
    }
  }

  /**
   * GetPrincipalTagAttributeMap (cached) of one of the pool's providers (issue 13: attributes for
   * access control); undefined when the provider has no map.
   */
  principalTags(poolId: string, providerName: string, signal?: AbortSignal, fresh = false): Promise<PrincipalTagAttributeMap | undefined> {
    return this.cached(`tags:${providerName}:${poolId}`, fresh, () => this.call('GetPrincipalTagAttributeMap', signal, (c) => this.aws.getPrincipalTagAttributeMap(c, poolId, providerName, signal)));
  }

  /** GetRole (cached): last use, permissions boundary, tags. */
  roleDetails(roleName: string, signal?: AbortSignal, fresh = false): Promise<RoleDetails> {
    return this.cached(`role:${roleName}`, fresh, () => this.call('GetRole', signal, (c) => this.aws.getRoleDetails(c, roleName, signal)));
  }

  /**
   * DescribeIdentityPool for many pools, at most `concurrency` at a time (the session's limiter).
   * One failing pool does not fail the others.
   */
  async describePools(poolIds: readonly string[], signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<Map<string, IdentityPoolConfig | { error: string }>> {
    const out = new Map<string, IdentityPoolConfig | { error: string }>();
    let done = 0;
    await Promise.all(poolIds.map(async (id) => {
      try {
        out.set(id, await this.describePool(id, signal));
      } catch (e) {
        if (isCancelled(e)) throw e;
        out.set(id, { error: describeError(e).message });
      }
      onProgress?.(++done, poolIds.length);
    }));
    return out;
  }

  /**
   * Drift check: reads the certificate chain of the provider's host now and says whether its
   * thumbprint (the last certificate presented, as IAM documents) is in the provider's list.
   * One GetOpenIDConnectProvider (fresh) and one TLS handshake.
   */
  async checkThumbprint(arn: string, signal?: AbortSignal): Promise<ThumbprintCheck> {
    const p = await this.providerDetails(arn, signal, true);
    const url = p.url || providerNameFromArn(arn) || '';
    const tp = await computeThumbprint(`https://${providerName(url)}`, { extraCaPems: this.config.trust?.extraCaPems ?? [], timeoutMs: this.config.timeoutMs ?? 15_000, signal });
    const listed = p.thumbprints.map((t) => t.toLowerCase());
    const current = tp.thumbprint.toLowerCase();
    const status: ThumbprintCheck['status'] = listed.includes(current) ? 'current' : listed.length ? 'drift' : 'empty';
    const message = status === 'current'
      ? `The provider lists the current thumbprint of ${tp.target} (${current}).`
      : status === 'drift'
        ? `Drift: ${tp.target} now presents a chain whose thumbprint is ${current}, which the provider does not list (${listed.join(', ')}). When IAM cannot validate the certificate through its trusted root CAs it compares thumbprints, and STS then rejects tokens ("OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"). Update the thumbprint list.`
        : `The provider has no thumbprints: IAM validates ${tp.target} through its trusted root CAs (thumbprint ${current} would be the fallback).`;
    return { arn, target: tp.target, current, listed, status, message };
  }
}

function providerSummary(arn: string): ProviderSummary {
  return { arn, url: providerNameFromArn(arn) ?? arn, account: accountOfArn(arn) };
}
