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
 * Importing this file loads no SDK: the AWS chunk is required on the first call.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAws, type AwsConfig, type AwsModule } from './aws';
import type {
  AwsClients,
  IdentityPoolConfig,
  IdentityPoolRolesConfig,
  ListedRole,
  OidcProviderDetails,
  RoleDetails,
} from './chunks/aws';
import { EngineError, cancelledError, describeError, isCancelled, throwIfAborted, isEngineError } from './errors';
import { applyFix, planFix } from './fixes';
import { applyPlanned, planCall, type Outcome, type Plan, type PlanCall, type PlanChange, type PlanStep } from './plan';
import { providerName, providerNameFromArn, type FixAction } from './preflight';
import { AMR_KEY, AUD_KEY, evaluateTrustPolicy, type TrustStatement } from './trustPolicy';
import { computeThumbprint } from './thumbprint';

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

export type TrustWarningKind = 'noAud' | 'audWildcard' | 'noAmr' | 'notParsed';

export interface TrustWarning {
  kind: TrustWarningKind;
  message: string;
}

/** What a role's trust policy says about cognito-identity.amazonaws.com. */
export interface CognitoTrust {
  /** Allow statements whose Principal.Federated is cognito-identity.amazonaws.com. */
  statements: number;
  /** Identity pool ids named in aud conditions (any statement). */
  audPools: string[];
  /** amr values ('authenticated', 'unauthenticated', ...) named in amr conditions. */
  amr: string[];
  /** One line: who may assume the role. */
  summary: string;
  warnings: TrustWarning[];
  /** The parsed policy (undefined when it did not parse). */
  policy: unknown;
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

export interface CallStats {
  /** AWS requests made (one per SDK call, retries of one call not counted again). */
  calls: number;
  byAction: Record<string, number>;
  /** Requests in flight now, and the most there ever were at once. */
  inFlight: number;
  maxInFlight: number;
}

// ---------------------------------------------------------------------------------------------
// Trust policies

/**
 * Reads a trust policy (as IAM returns it: URL-encoded JSON; or plain JSON, or an object) and says
 * whether it trusts cognito-identity.amazonaws.com and how tightly, judged by ./trustPolicy (every
 * Allow statement IAM would evaluate, not just the first that matches): undefined when no Allow
 * statement names cognito-identity.amazonaws.com or lets any principal call
 * sts:AssumeRoleWithWebIdentity. A policy that does not parse but mentions cognito-identity is
 * returned with a 'notParsed' warning.
 */
export function analyzeCognitoTrust(doc: unknown): CognitoTrust | undefined {
  const ev = evaluateTrustPolicy(doc);
  if (ev.error !== undefined) {
    let raw = typeof doc === 'string' ? doc : '';
    try {
      raw = decodeURIComponent(raw);
    } catch {
      // as it is
    }
    if (!/cognito-identity\.amazonaws\.com/i.test(raw)) return undefined;
    return { statements: 0, audPools: [], amr: [], summary: 'trust policy not readable', policy: undefined, warnings: [{ kind: 'notParsed', message: ev.error }] };
  }
  const ours = ev.statements.filter((st) => st.effect === 'Allow' && (st.counts || st.principal === 'cognito'));
  if (!ours.length) return undefined;
  const counted = ours.filter((st) => st.counts);
  const names = (ss: TrustStatement[]) => ss.map((st) => st.label).join(', ');
  const noAud = counted.filter((st) => st.aud.unrestricted);
  const audLoose = counted.filter((st) => !st.aud.unrestricted && !st.aud.pinned && st.aud.exactPools === undefined);
  const amrLoose = counted.filter((st) => st.amr.unrestricted || st.amr.admitsEmpty || (st.amr.admitsGuests && st.amr.admitsAuthenticated));
  const warnings: TrustWarning[] = [];
  if (noAud.length) {
    warnings.push({ kind: 'noAud', message: `No aud condition in ${names(noAud)} (${noAud.map((st) => st.admits).join('; ')}): ANY identity pool, in any account, can get credentials for this role. Add "StringEquals": { "${AUD_KEY}": "<identity pool id>" }.` });
  }
  if (audLoose.length) {
    warnings.push({ kind: 'audWildcard', message: `The aud condition in ${names(audLoose)} is not an exact pin (${audLoose.map((st) => st.aud.text).join('; ')}): it can match other identity pools. Use "StringEquals" with the identity pool id.` });
  }
  if (amrLoose.length) {
    warnings.push({ kind: 'noAmr', message: `No usable amr condition in ${names(amrLoose)} (${amrLoose.map((st) => st.amr.text).join('; ')}): guest (unauthenticated) identities can assume the role as well as signed-in ones. Add "ForAnyValue:StringLike": { "${AMR_KEY}": "authenticated" }.` });
  }
  const pools = [...new Set(ours.flatMap((st) => st.aud.pools))];
  const amr = [...new Set(ours.flatMap((st) => st.amr.values))];
  if (!counted.length) {
    return { statements: ours.length, audPools: pools, amr, policy: ev.policy, warnings, summary: 'names cognito-identity.amazonaws.com, but no statement allows sts:AssumeRoleWithWebIdentity' };
  }
  const who = amr.length ? amr.join(' or ') : 'any';
  const poolText = noAud.length ? 'any identity pool' : pools.length === 1 ? `pool ${pools[0]}` : `${pools.length} pools`;
  return { statements: ours.length, audPools: pools, amr, policy: ev.policy, warnings, summary: `${poolText} · ${who} identities` };
}

// ---------------------------------------------------------------------------------------------
// Bounded concurrency

class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number, private readonly stats: CallStats) {}

  async run<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    this.stats.inFlight = this.running;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.running);
    try {
      throwIfAborted(signal);
      return await fn();
    } finally {
      this.running--;
      this.stats.inFlight = this.running;
      this.waiting.shift()?.();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Page-at-a-time lists

/**
 * A list read a page at a time. `next()` returns the next `pageSize` items (fewer at the end, or
 * when a page hit its call budget), making only the AWS calls needed: what an AWS page returned
 * beyond the tree page is kept for the next one. Concurrent next() calls share one fetch.
 */
export class Lister<T> {
  /** Everything returned so far, in order. */
  readonly items: T[] = [];
  private buffer: T[] = [];
  private token: string | undefined;
  private started = false;
  private exhausted = false;
  private pending: Promise<T[]> | undefined;
  /** AWS calls this list made. */
  calls = 0;

  constructor(
    private readonly fetch: (token: string | undefined, signal: AbortSignal | undefined) => Promise<{ items: T[]; token: string | undefined }>,
    readonly pageSize: number,
    /** At most this many AWS calls per next() (then it returns what it has, possibly nothing, and done stays false). */
    private readonly maxCallsPerPage = Number.POSITIVE_INFINITY,
  ) {}

  /** Nothing more to load. */
  get done(): boolean {
    return this.started && this.exhausted && this.buffer.length === 0;
  }

  get loading(): boolean {
    return this.pending !== undefined;
  }

  next(signal?: AbortSignal): Promise<T[]> {
    this.pending ??= this.load(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Loads pages until done or `limit` items are loaded; returns all items loaded. */
  async all(signal?: AbortSignal, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
    while (!this.done && this.items.length < limit) await this.next(signal);
    return this.items;
  }

  private async load(signal: AbortSignal | undefined): Promise<T[]> {
    let calls = 0;
    while (this.buffer.length < this.pageSize && !(this.started && this.exhausted) && calls < this.maxCallsPerPage) {
      throwIfAborted(signal);
      const r = await this.fetch(this.token, signal);
      calls++;
      this.calls++;
      this.started = true;
      this.buffer.push(...r.items);
      this.token = r.token;
      if (!r.token) this.exhausted = true;
    }
    const page = this.buffer.splice(0, this.pageSize);
    this.items.push(...page);
    return page;
  }
}

// ---------------------------------------------------------------------------------------------
// The session

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
  return { arn, url: providerNameFromArn(arn) ?? arn, account: arn.split(':')[4] ?? '' };
}

// ---------------------------------------------------------------------------------------------
// Actions: plan, then apply (the one plan model, ./plan)

export type ResourceAction =
  | { kind: 'addClientId'; providerArn: string; clientId: string }
  | { kind: 'updateThumbprint'; providerArn: string }
  | { kind: 'deleteProvider'; providerArn: string }
  | { kind: 'deletePool'; poolId: string }
  | { kind: 'deleteRole'; roleName: string };

/** What a resource plan is about: the action and the resource, named for a confirmation. */
export interface ResourceSubject {
  kind: 'resource';
  action: ResourceAction;
  /** The resource the action is about, named for a confirmation ("the IAM OIDC provider tenant.auth0.com"). */
  resource: string;
}

export interface PlanOptions {
  signal?: AbortSignal | undefined;
  /** deleteProvider: how many identity pools of the region to check for the provider (default 100; 0: none). */
  poolScanLimit?: number;
  onProgress?: (message: string) => void;
}

type Step = PlanStep;

interface Built {
  plan: Plan<ResourceSubject>;
  steps: Step[];
}

const TITLES: Record<ResourceAction['kind'], string> = {
  addClientId: 'Add a client ID to the IAM OIDC provider',
  updateThumbprint: 'Update the thumbprints of the IAM OIDC provider',
  deleteProvider: 'Delete the IAM OIDC provider',
  deletePool: 'Delete the identity pool',
  deleteRole: 'Delete the IAM role',
};

const listText = (xs: readonly string[]): string => (xs.length ? xs.join(', ') : '(none)');

function isNotFound(e: unknown): boolean {
  return isEngineError(e) && /\b(NoSuchEntity(Exception)?|ResourceNotFoundException)\b/.test(e.message);
}


function built(action: ResourceAction, resource: string, p: { summary: string; alreadyDone: boolean; changes?: PlanChange[]; warnings?: string[] }, steps: Step[] = []): Built {
  return {
    plan: {
      subject: { kind: 'resource', action, resource },
      title: TITLES[action.kind],
      summary: p.summary,
      changes: p.alreadyDone ? [] : (p.changes ?? []),
      calls: p.alreadyDone ? [] : steps.map((s) => s.call),
      preconditions: [],
      alreadyDone: p.alreadyDone,
      warnings: p.warnings ?? [],
    },
    steps: p.alreadyDone ? [] : steps,
  };
}

function iamCall(action: string, params: Record<string, unknown>): PlanCall {
  return planCall('iam', action, params);
}

/** Pages through a marker-paged IAM list (at most 100 pages). */
async function allPages<T>(page: (marker: string | undefined) => Promise<{ items: T[]; marker: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  for (let i = 0; i < 100; i++) {
    const r = await page(marker);
    out.push(...r.items);
    marker = r.marker;
    if (!marker) break;
  }
  return out;
}

function providerLabel(arn: string, url?: string): string {
  return `the IAM OIDC provider ${providerName(url || providerNameFromArn(arn) || arn)}`;
}

async function planUpdateThumbprint(s: ResourceSession, action: Extract<ResourceAction, { kind: 'updateThumbprint' }>, o: PlanOptions): Promise<Built> {
  const arn = action.providerArn;
  let check: ThumbprintCheck;
  try {
    check = await s.checkThumbprint(arn, o.signal);
  } catch (e) {
    if (isNotFound(e)) throw new EngineError('AWS', `The IAM OIDC provider ${arn} does not exist (it may have been deleted).`, 'Refresh the resources view.');
    throw e;
  }
  const label = providerLabel(arn, check.target);
  if (check.status === 'current') {
    return built(action, label, { alreadyDone: true, summary: `${label[0]?.toUpperCase()}${label.slice(1)} already lists the current thumbprint of ${check.target} (${check.current}).` });
  }
  const kept = [...new Set(check.listed)].filter((t) => t !== check.current);
  const dropped = kept.length >= 5 ? kept.slice(0, kept.length - 4) : [];
  const list = [...kept.slice(-4), check.current];
  const warnings = dropped.length ? [`IAM keeps at most 5 thumbprints: the oldest, ${dropped.join(', ')}, ${dropped.length > 1 ? 'are' : 'is'} dropped.`] : [];
  if (check.status === 'empty') warnings.push('The provider has no thumbprints now, so IAM validates the host through its trusted root CAs; with a list, the list is the fallback when that is not possible.');
  const step: Step = {
    call: iamCall('UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: arn, ThumbprintList: list }),
    pending: `Set the thumbprints of ${label} to ${list.join(', ')}.`,
    async run() {
      await s.call('UpdateOpenIDConnectProviderThumbprint', o.signal, (c) => s.aws.updateOidcProviderThumbprints(c, arn, list, o.signal));
      s.forget(arn);
      return `Set the thumbprints of ${label} to ${list.join(', ')}.`;
    },
  };
  return built(action, label, {
    alreadyDone: false,
    summary: `Add the current thumbprint of ${check.target} (${check.current}) to ${label}${dropped.length ? ', dropping the oldest' : ', keeping the others'}.`,
    changes: [{ what: `Thumbprints of ${label}`, from: listText(check.listed), to: listText(list) }],
    warnings,
  }, [step]);
}

async function planDeleteProvider(s: ResourceSession, action: Extract<ResourceAction, { kind: 'deleteProvider' }>, o: PlanOptions, forApply: boolean): Promise<Built> {
  const arn = action.providerArn;
  let p: OidcProviderDetails;
  try {
    p = await s.providerDetails(arn, o.signal, true);
  } catch (e) {
    if (isNotFound(e)) return built(action, providerLabel(arn), { alreadyDone: true, summary: `${arn} does not exist (already deleted).` });
    throw e;
  }
  const label = providerLabel(arn, p.url);
  const warnings: string[] = [];
  const limit = o.poolScanLimit ?? 100;
  if (!forApply && limit > 0) {
    // Which identity pools of this region list the provider: they stop accepting its tokens.
    o.onProgress?.('Checking which identity pools use the provider…');
    const lister = s.newPoolLister();
    const pools = await lister.all(o.signal, limit);
    const ids = pools.slice(0, limit).map((x) => x.id);
    const described = await s.describePools(ids, o.signal, (n, total) => o.onProgress?.(`Checking identity pools (${n}/${total})…`));
    const users = ids.filter((id) => {
      const d = described.get(id);
      return d && !('error' in d) && d.openIdConnectProviderArns.includes(arn);
    }).map((id) => {
      const d = described.get(id) as IdentityPoolConfig;
      return d.poolName ? `${d.poolName} (${id})` : id;
    });
    const unread = ids.filter((id) => { const d = described.get(id); return !d || 'error' in d; }).length;
    if (users.length) {
      warnings.push(`${users.length === 1 ? 'The identity pool' : `${users.length} identity pools`} ${users.join(', ')} list${users.length === 1 ? 's' : ''} this provider: after the delete Cognito rejects its tokens there ("Token is not from a supported provider of this identity pool") until it is created again.`);
    }
    const more = pools.length > limit || !lister.done;
    const notes = [
      more ? `only the first ${ids.length} identity pools of ${s.region} were checked` : `all ${ids.length} identity pools of ${s.region} were checked`,
      unread ? `${unread} could not be read` : '',
      'pools in other regions were not checked (IAM providers are global)',
    ].filter(Boolean);
    warnings.push(`${notes.join('; ')}.`.replace(/^./, (c) => c.toUpperCase()));
  }
  warnings.push('Roles whose trust policy names this provider directly (sts:AssumeRoleWithWebIdentity without Cognito) stop working too.');
  const step: Step = {
    call: iamCall('DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: arn }),
    pending: `Delete ${label}.`,
    async run() {
      await s.call('DeleteOpenIDConnectProvider', o.signal, (c) => s.aws.deleteOidcProvider(c, arn, o.signal));
      s.forget(arn);
      return `Deleted ${label} (${arn}).`;
    },
  };
  return built(action, label, {
    alreadyDone: false,
    summary: `Delete ${label} (${arn}).`,
    changes: [{ what: label.replace(/^t/, 'T'), from: `${arn}: client IDs ${listText(p.clientIds)}; thumbprints ${listText(p.thumbprints)}`, to: '(deleted)' }],
    warnings,
  }, [step]);
}

async function planDeletePool(s: ResourceSession, action: Extract<ResourceAction, { kind: 'deletePool' }>, o: PlanOptions): Promise<Built> {
  const id = action.poolId;
  let d: PoolDetails;
  try {
    d = await s.poolDetails(id, o.signal, true);
  } catch (e) {
    if (isNotFound(e)) return built(action, `the identity pool ${id}`, { alreadyDone: true, summary: `The identity pool ${id} does not exist (already deleted).` });
    throw e;
  }
  const label = `the identity pool ${d.pool.poolName ? `${d.pool.poolName} (${id})` : id}`;
  const roles = Object.entries(d.roles?.roles ?? {}).map(([k, v]) => `${k}: ${v}`);
  const warnings = [
    'Every identity in the pool is deleted with it; apps that use the pool stop getting AWS credentials.',
    roles.length ? `Its roles stay in IAM (${roles.join('; ')}): delete them separately if nothing else uses them.` : '',
    d.rolesError ? `Its roles could not be read (${d.rolesError}).` : '',
  ].filter(Boolean);
  const step: Step = {
    call: planCall('cognito-identity', 'DeleteIdentityPool', { IdentityPoolId: id }),
    pending: `Delete ${label}.`,
    async run() {
      await s.call('DeleteIdentityPool', o.signal, (c) => s.aws.deleteIdentityPool(c, id, o.signal));
      s.forget(id);
      return `Deleted ${label}.`;
    },
  };
  return built(action, label, {
    alreadyDone: false,
    summary: `Delete ${label} in ${s.region}.`,
    changes: [{
      what: label.replace(/^t/, 'T'),
      from: `providers ${listText(d.pool.openIdConnectProviderArns)}; guest access ${d.pool.allowUnauthenticated ? 'on' : 'off'}; roles ${listText(roles)}`,
      to: '(deleted)',
    }],
    warnings,
  }, [step]);
}

async function planDeleteRole(s: ResourceSession, action: Extract<ResourceAction, { kind: 'deleteRole' }>, o: PlanOptions): Promise<Built> {
  const name = action.roleName;
  let role: RoleDetails;
  try {
    role = await s.roleDetails(name, o.signal, true);
  } catch (e) {
    if (isNotFound(e)) return built(action, `the IAM role ${name}`, { alreadyDone: true, summary: `The IAM role ${name} does not exist (already deleted).` });
    throw e;
  }
  const label = `the IAM role ${name}`;
  const sig = o.signal;
  // IAM refuses DeleteRole (DeleteConflict) while the role is in an instance profile or has policies.
  const [profiles, inline, attached] = await Promise.all([
    allPages((m) => s.call('ListInstanceProfilesForRole', sig, (c) => s.aws.listInstanceProfilesForRolePage(c, name, m, sig)).then((r) => ({ items: r.names, marker: r.marker }))),
    allPages((m) => s.call('ListRolePolicies', sig, (c) => s.aws.listRolePolicyNamesPage(c, name, m, sig)).then((r) => ({ items: r.names, marker: r.marker }))),
    allPages((m) => s.call('ListAttachedRolePolicies', sig, (c) => s.aws.listAttachedRolePoliciesPage(c, name, m, sig)).then((r) => ({ items: r.policies, marker: r.marker }))),
  ]);
  const steps: Step[] = [];
  for (const ip of profiles) {
    steps.push({
      call: iamCall('RemoveRoleFromInstanceProfile', { InstanceProfileName: ip, RoleName: name }),
      pending: `Remove ${label} from the instance profile ${ip}.`,
      async run() {
        await s.call('RemoveRoleFromInstanceProfile', sig, (c) => s.aws.removeRoleFromInstanceProfile(c, name, ip, sig));
        return `Removed ${label} from the instance profile ${ip}.`;
      },
    });
  }
  for (const policy of inline) {
    steps.push({
      call: iamCall('DeleteRolePolicy', { RoleName: name, PolicyName: policy }),
      pending: `Delete the inline policy ${policy} of ${label}.`,
      async run() {
        await s.call('DeleteRolePolicy', sig, (c) => s.aws.deleteRolePolicy(c, name, policy, sig));
        return `Deleted the inline policy ${policy} of ${label}.`;
      },
    });
  }
  for (const p of attached) {
    steps.push({
      call: iamCall('DetachRolePolicy', { RoleName: name, PolicyArn: p.arn }),
      pending: `Detach the managed policy ${p.name} from ${label}.`,
      async run() {
        await s.call('DetachRolePolicy', sig, (c) => s.aws.detachRolePolicy(c, name, p.arn, sig));
        return `Detached the managed policy ${p.name} (${p.arn}) from ${label}.`;
      },
    });
  }
  steps.push({
    call: iamCall('DeleteRole', { RoleName: name }),
    pending: `Delete ${label}.`,
    async run() {
      await s.call('DeleteRole', sig, (c) => s.aws.deleteRole(c, name, sig));
      s.forget(name);
      return `Deleted ${label} (${role.arn}).`;
    },
  });
  const trust = analyzeCognitoTrust(role.assumeRolePolicyDocument);
  const warnings: string[] = [];
  if (inline.length) warnings.push(`The inline polic${inline.length > 1 ? 'ies' : 'y'} ${inline.join(', ')} ${inline.length > 1 ? 'are' : 'is'} deleted for good (${inline.length > 1 ? 'they exist' : 'it exists'} only in this role).`);
  if (attached.length) warnings.push(`The managed polic${attached.length > 1 ? 'ies' : 'y'} ${attached.map((p) => p.name).join(', ')} ${attached.length > 1 ? 'are' : 'is'} only detached; ${attached.length > 1 ? 'they stay' : 'it stays'} in IAM.`);
  if (profiles.length) warnings.push(`The instance profile${profiles.length > 1 ? 's' : ''} ${profiles.join(', ')} ${profiles.length > 1 ? 'stay' : 'stays'}, without a role: instances using ${profiles.length > 1 ? 'them' : 'it'} lose these permissions.`);
  if (trust?.audPools.length) {
    warnings.push(`Its trust policy names the identity pool${trust.audPools.length > 1 ? 's' : ''} ${trust.audPools.join(', ')}: if this is a role of ${trust.audPools.length > 1 ? 'those pools' : 'that pool'}, Cognito answers "Invalid identity pool configuration. Check assigned IAM roles for this pool." until another role is set.`);
  }
  const detach = steps.length - 1;
  return built(action, label, {
    alreadyDone: false,
    summary: detach
      ? `Delete ${label} (${role.arn}): first ${[profiles.length ? `remove it from ${profiles.length} instance profile${profiles.length > 1 ? 's' : ''}` : '', inline.length ? `delete ${inline.length} inline polic${inline.length > 1 ? 'ies' : 'y'}` : '', attached.length ? `detach ${attached.length} managed polic${attached.length > 1 ? 'ies' : 'y'}` : ''].filter(Boolean).join(', ')}, as IAM requires, then delete the role.`
      : `Delete ${label} (${role.arn}); it has no policies and is in no instance profile.`,
    changes: [{ what: label.replace(/^t/, 'T'), from: `${role.arn}; trust: ${trust?.summary ?? 'not Cognito'}; inline policies ${listText(inline)}; managed policies ${listText(attached.map((p) => p.name))}`, to: '(deleted)' }],
    warnings,
  }, steps);
}

function toFixAction(a: Extract<ResourceAction, { kind: 'addClientId' }>): FixAction {
  return { kind: 'addClientIdToProvider', providerArn: a.providerArn, clientId: a.clientId.trim() };
}

async function build(action: ResourceAction, s: ResourceSession, o: PlanOptions, forApply: boolean): Promise<Built> {
  if (o.signal?.aborted) throw cancelledError();
  switch (action.kind) {
    case 'updateThumbprint':
      return planUpdateThumbprint(s, action, o);
    case 'deleteProvider':
      return planDeleteProvider(s, action, o, forApply);
    case 'deletePool':
      return planDeletePool(s, action, o);
    case 'deleteRole':
      return planDeleteRole(s, action, o);
    case 'addClientId':
      throw new EngineError('INTERNAL', 'addClientId is planned by planFix.', 'Please report this with the log output.');
    default: {
      const never: never = action;
      throw new EngineError('INVALID_INPUT', `Unknown action ${JSON.stringify(never)}.`, 'Please report this with the log output.');
    }
  }
}

/**
 * Plans an action: reads the current state (no writes) and returns the exact write calls, what
 * changes, and warnings. Adding a client ID is the preflight's own fix (./fixes.ts), reused.
 */
export async function planResourceAction(action: ResourceAction, s: ResourceSession, o: PlanOptions = {}): Promise<Plan<ResourceSubject>> {
  if (action.kind === 'addClientId') {
    const { subject: _fix, ...rest } = await planFix(toFixAction(action), { aws: s.config, clients: s.clients, signal: o.signal });
    return { ...rest, subject: { kind: 'resource', action, resource: providerLabel(action.providerArn) } };
  }
  return (await build(action, s, o, false)).plan;
}

/**
 * Applies a plan with ./plan's applyPlanned: plans again (reads only); already done -> nothing;
 * other calls needed than planned -> nothing, and the new plan (with the checks a shown plan
 * has) comes back; otherwise the planned calls in order, stopping at the first failure.
 */
export async function applyResourceAction(planned: Plan<ResourceSubject>, s: ResourceSession, o: PlanOptions = {}): Promise<Outcome<ResourceSubject>> {
  const { action, resource } = planned.subject;
  if (action.kind === 'addClientId') {
    const { subject: _s, ...rest } = planned;
    const r = await applyFix({ ...rest, subject: { kind: 'fix', fix: toFixAction(action) } }, { aws: s.config, clients: s.clients, signal: o.signal });
    s.forget(action.providerArn);
    const { newPlan, ...out } = r;
    if (!newPlan) return out;
    const { subject: _f, ...np } = newPlan;
    return { ...out, newPlan: { ...np, subject: { kind: 'resource', action, resource } } };
  }
  return applyPlanned(planned, () => build(action, s, o, true), {
    signal: o.signal,
    unit: 'step',
    retry: 'Planning again',
    planToShow: async () => (await build(action, s, o, false)).plan,
  });
}

// ---------------------------------------------------------------------------------------------
// AWS console links

function consoleDomain(region: string): string {
  if (region.startsWith('cn-')) return 'console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'console.amazonaws-us-gov.com';
  return 'console.aws.amazon.com';
}

export type ConsoleTarget =
  | { kind: 'provider'; arn: string }
  | { kind: 'role'; name: string }
  | { kind: 'pool'; poolId: string };

/**
 * The AWS console page of a resource. IAM is global but its console lives under a region's host
 * like the others; an identity pool's page is in the pool's own region (the prefix of its id).
 */
export function consoleUrl(t: ConsoleTarget, region: string): string {
  const host = (r: string) => `https://${r}.${consoleDomain(r)}`;
  switch (t.kind) {
    case 'provider':
      return `${host(region)}/iam/home?region=${region}#/identity_providers/details/OPENID/${encodeURIComponent(t.arn)}`;
    case 'role':
      return `${host(region)}/iam/home?region=${region}#/roles/details/${encodeURIComponent(t.name)}?section=permissions`;
    case 'pool': {
      const r = /^([a-z]{2}(?:-[a-z]+)+-\d+):/.exec(t.poolId)?.[1] ?? region;
      return `${host(r)}/cognito/v2/identity/identity-pools/${t.poolId}/user-statistics?region=${r}`;
    }
    default: {
      const never: never = t;
      return String(never);
    }
  }
}

/** Regions for the region picker (commercial first; any other name can be typed). */
export const AWS_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'af-south-1',
  'ap-east-1', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'us-gov-east-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1',
];

// ---------------------------------------------------------------------------------------------
// Profiles from the shared config and credentials files (for the profile picker; no SDK needed)

export interface AwsProfileInfo {
  name: string;
  /** Where it is defined. */
  sources: ('config' | 'credentials')[];
  kind: 'sso' | 'keys' | 'assume-role' | 'process' | 'web-identity' | 'other';
  region: string | undefined;
}

/** Sections of an INI file: name -> key/value (keys lowercased; indented continuation lines ignored). */
export function parseIni(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) continue;
    const section = /^\s*\[([^\]]+)\]\s*(?:[#;].*)?$/.exec(raw);
    if (section) {
      const name = (section[1] ?? '').trim();
      current = out.get(name) ?? {};
      out.set(name, current);
      continue;
    }
    if (!current || /^\s/.test(raw)) continue; // a sub-setting (e.g. under s3 =)
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(raw);
    if (kv?.[1]) current[kv[1].trim().toLowerCase()] = (kv[2] ?? '').trim();
  }
  return out;
}

/**
 * The profiles of ~/.aws/config ([default], [profile NAME]) and ~/.aws/credentials ([NAME]), or of
 * the files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name. Missing files are no profiles.
 */
export async function listAwsProfiles(opts: { configFile?: string; credentialsFile?: string; env?: NodeJS.ProcessEnv } = {}): Promise<AwsProfileInfo[]> {
  const env = opts.env ?? process.env;
  const home = os.homedir();
  const expand = (p: string) => p.replace(/^~(?=$|[\\/])/, home);
  const configFile = opts.configFile ?? expand(env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'));
  const credentialsFile = opts.credentialsFile ?? expand(env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'));
  const read = (f: string) => fs.readFile(f, 'utf8').catch(() => '');
  const [config, credentials] = await Promise.all([read(configFile), read(credentialsFile)]);
  const profiles = new Map<string, { sources: Set<'config' | 'credentials'>; values: Record<string, string> }>();
  const add = (name: string, source: 'config' | 'credentials', values: Record<string, string>) => {
    const p = profiles.get(name) ?? { sources: new Set(), values: {} };
    p.sources.add(source);
    Object.assign(p.values, values);
    profiles.set(name, p);
  };
  for (const [section, values] of parseIni(config)) {
    if (section === 'default') add('default', 'config', values);
    else {
      const m = /^profile\s+(.+)$/.exec(section);
      if (m?.[1]) add(m[1].trim(), 'config', values);
    }
  }
  for (const [section, values] of parseIni(credentials)) add(section, 'credentials', values);
  return [...profiles.entries()].map(([name, p]) => {
    const v = p.values;
    const kind: AwsProfileInfo['kind'] = v.sso_session || v.sso_start_url ? 'sso'
      : v.role_arn && v.web_identity_token_file ? 'web-identity'
        : v.role_arn ? 'assume-role'
          : v.credential_process ? 'process'
            : v.aws_access_key_id ? 'keys' : 'other';
    return { name, sources: [...p.sources], kind, region: v.region || undefined };
  }).sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
}
