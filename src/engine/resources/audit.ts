/**
 * The resources audit (issue 10, item 4): the account's IAM OIDC providers, the region's identity
 * pools and the roles that trust cognito-identity.amazonaws.com, read with the Resources tree's
 * session (./session: one limiter, ListIdentityPools 60 a page, ListRoles pages), each with
 * findings. `auditResources()` is what `auth0-cognito resources` prints and what decorates the
 * tree (`findingsByResource()`: findings per provider ARN, pool id and role ARN).
 *
 * Costs: 1 ListOpenIDConnectProviders, ceil(pools / 60) ListIdentityPools, the ListRoles pages,
 * then per provider 1 GetOpenIDConnectProvider, per pool DescribeIdentityPool +
 * GetIdentityPoolRoles, and GetRole only for a role a pool names that the ListRoles scan did not
 * return as trusting Cognito (missing, or not trusting it); at most `concurrency` AWS calls in
 * flight (the session's limiter). Thumbprints: one TLS handshake per distinct provider host that
 * has thumbprints pinned, at most 4 at a time, each within the timeout.
 *
 * Every text taken from AWS or a TLS peer is bounded and, in messages, escaped (control and
 * bidirectional characters shown as \u escapes): resource names come from outside.
 *
 * Importing this file loads no SDK.
 */
import { accountOfArn, providerName, roleNameOf } from '../aws/names';
import type { IdentityPoolConfig, IdentityPoolRolesConfig } from '../aws/sdk';
import { evaluateTrustPolicy, type TrustStatement } from '../aws/trustPolicy';
import { describeError, isCancelled, isNotFound, throwIfAborted } from '../errors';
import { taggedSetup } from '../setup/tags';
import { computeThumbprint } from '../thumbprint';
import type { ResourceSession, RoleSummary } from './session';

// ---------------------------------------------------------------------------------------------
// Findings

export type FindingSeverity = 'error' | 'warning' | 'info';

/**
 * The finding codes, stable (documented in `auth0-cognito resources --help`). Providers:
 * thumbprint-drift, thumbprint-unchecked, provider-unused, provider-unreadable. Pools:
 * pool-no-provider, pool-provider-missing, pool-no-authenticated-role, pool-role-missing,
 * pool-role-untrusted, pool-guest-access, pool-unreadable. Roles: trust-any-pool,
 * trust-several-pools, trust-pool-not-pinned, trust-guests, trust-unreadable, role-unused.
 */
export const FINDING_CODES = {
  'thumbprint-drift': 'warning',
  'thumbprint-unchecked': 'info',
  'provider-unused': 'info',
  'provider-unreadable': 'warning',
  'pool-no-provider': 'warning',
  'pool-provider-missing': 'error',
  'pool-no-authenticated-role': 'warning',
  'pool-role-missing': 'error',
  'pool-role-untrusted': 'error',
  'pool-guest-access': 'info',
  'pool-unreadable': 'warning',
  'trust-any-pool': 'error',
  'trust-several-pools': 'warning',
  'trust-pool-not-pinned': 'warning',
  'trust-guests': 'warning',
  'trust-unreadable': 'warning',
  'role-unused': 'info',
} as const satisfies Record<string, FindingSeverity>;

export type FindingCode = keyof typeof FINDING_CODES;

export interface Finding {
  code: FindingCode;
  severity: FindingSeverity;
  /** One paragraph: what is wrong and what to do. Outside text in it is bounded and escaped. */
  message: string;
}

export interface AuditedProvider {
  arn: string;
  /** As IAM stores it: host/path without https://. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  /** The setup tag's value (auth0-cognito-bridge:setup), when the extension created it. */
  setup: string | undefined;
  /** The thumbprint the URL's host presents now (undefined: not fetched, or could not be). */
  currentThumbprint: string | undefined;
  /** Identity pools of the region that list the provider. */
  pools: string[];
  findings: Finding[];
}

export interface AuditedPool {
  id: string;
  name: string;
  /** OIDC provider ARNs the pool lists. */
  providers: string[];
  authenticatedRole: string | null;
  unauthenticatedRole: string | null;
  allowUnauthenticated: boolean | undefined;
  setup: string | undefined;
  findings: Finding[];
}

export interface AuditedRole {
  arn: string;
  name: string;
  /** Identity pools of the region that use the role (authenticated or unauthenticated). */
  pools: string[];
  /** Who may assume it, in one line (the tree's summary). */
  trust: string;
  /** Pool ids its trust policy names in aud conditions. */
  trustedPools: string[];
  findings: Finding[];
}

export interface ResourcesAudit {
  region: string;
  providers: AuditedProvider[];
  pools: AuditedPool[];
  roles: AuditedRole[];
  /** true when the pool list was cut at maxPools. */
  truncated: boolean;
  /** Findings by severity, over everything. */
  counts: Record<FindingSeverity, number>;
  /** AWS calls the audit made, by action. */
  calls: Record<string, number>;
}

export interface AuditOptions {
  signal?: AbortSignal | undefined;
  /** Extra CAs for the thumbprint fetch (default: the session config's trust). */
  extraCaPems?: readonly string[] | undefined;
  /** Timeout of each TLS handshake, ms (default: the session config's timeoutMs, else 15 s). */
  timeoutMs?: number | undefined;
  /** TLS handshakes at once (default 4). */
  thumbprintConcurrency?: number | undefined;
  /** Skip the thumbprint fetch (no network beyond AWS). */
  skipThumbprints?: boolean | undefined;
  /** Most identity pools audited (default 10,000); more sets `truncated`. */
  maxPools?: number | undefined;
  /** Read details again even if the session has them (default true). */
  fresh?: boolean | undefined;
  /** Progress, for a UI: a short sentence. */
  onProgress?: ((message: string) => void) | undefined;
}

// ---------------------------------------------------------------------------------------------
// Bounded, escaped text

/** Longest outside string kept in a JSON field. */
export const MAX_FIELD_CHARS = 512;
/** Longest outside string shown inside a message. */
const MAX_SHOWN_CHARS = 160;
/** Most entries kept of an outside list (IAM: 100 client IDs, 5 thumbprints). */
const MAX_LIST = 100;
// C0/C1 controls, line/paragraph separators, bidirectional embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A string from outside cut to `max` characters (with an ellipsis when cut). */
export function bounded(s: unknown, max = MAX_FIELD_CHARS): string {
  const text = typeof s === 'string' ? s : s === undefined || s === null ? '' : String(s);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A string from outside made safe to print on one line: bounded, control and bidi characters as \u escapes. */
export function printable(s: unknown, max = MAX_SHOWN_CHARS): string {
  return bounded(s, max).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const show = (s: unknown): string => `"${printable(s)}"`;
const boundedList = (xs: readonly unknown[] | undefined, max = MAX_LIST): string[] => (xs ?? []).slice(0, max).map((x) => bounded(x));

function finding(code: FindingCode, message: string): Finding {
  return { code, severity: FINDING_CODES[code], message: bounded(message, 2000) };
}

// ---------------------------------------------------------------------------------------------
// The audit

/** Runs `fn` over `items`, at most `n` at a time, in order of start (the thumbprint fetches: 4). */
export async function eachLimit<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
    while (next < items.length) {
      const x = items[next++] as T;
      await fn(x);
    }
  }));
}

const lower = (s: string): string => s.toLowerCase();
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A pool id that no real pool has, in `region`: whether a trust statement lets it in tells "any pool" from "some pools". */
const probePool = (region: string): string => `${region}:a0c0a0c0-0000-4000-8000-00000000a0c0`;

/**
 * Lists the OIDC providers, the identity pools (all pages) and the roles trusting Cognito with
 * `session`, reads their details, fetches the current thumbprints, and returns each with its
 * findings. Throws only when a list cannot be read (or on cancellation); a detail that cannot be
 * read is a finding.
 */
export async function auditResources(session: ResourceSession, opts: AuditOptions = {}): Promise<ResourcesAudit> {
  const signal = opts.signal;
  const fresh = opts.fresh ?? true;
  const region = session.region;
  const before = { ...session.stats.byAction };
  const progress = (m: string) => opts.onProgress?.(m);

  // 1. The three lists (own listers: the tree's are left alone).
  progress('Listing OIDC providers, identity pools and roles…');
  const maxPools = opts.maxPools ?? 10_000;
  const poolLister = session.newPoolLister();
  const [providerList, poolList, roleList] = await Promise.all([
    session.newProviderLister().all(signal),
    poolLister.all(signal, maxPools),
    session.newRoleLister().all(signal),
  ]);
  const truncated = poolList.length > maxPools || !poolLister.done;
  // By name, then id (ListIdentityPools has no stable order): runs of the audit diff cleanly.
  const byName = (a: { name: string; id?: string; arn?: string }, b: { name: string; id?: string; arn?: string }) =>
    a.name.localeCompare(b.name) || (a.id ?? a.arn ?? '').localeCompare(b.id ?? b.arn ?? '');
  const poolSummaries = poolList.slice(0, maxPools).sort(byName);

  // 2. Details: providers and pools (the limiter bounds the calls in flight).
  progress(`Reading ${plural(providerList.length, 'provider')} and ${plural(poolSummaries.length, 'identity pool')}…`);
  const providerDetails = new Map<string, Awaited<ReturnType<ResourceSession['providerDetails']>> | { error: string }>();
  const poolDetails = new Map<string, { pool: IdentityPoolConfig; roles: IdentityPoolRolesConfig | undefined; rolesError: string | undefined } | { error: string }>();
  await Promise.all([
    ...providerList.map(async (p) => {
      try {
        providerDetails.set(p.arn, await session.providerDetails(p.arn, signal, fresh));
      } catch (e) {
        if (isCancelled(e) || signal?.aborted) throw e;
        providerDetails.set(p.arn, { error: describeError(e).message });
      }
    }),
    ...poolSummaries.map(async (p) => {
      try {
        poolDetails.set(p.id, await session.poolDetails(p.id, signal, fresh));
      } catch (e) {
        if (isCancelled(e) || signal?.aborted) throw e;
        poolDetails.set(p.id, { error: describeError(e).message });
      }
    }),
  ]);

  // 3. Thumbprints: one handshake per host with thumbprints pinned, at most 4 at once.
  const current = new Map<string, { thumbprint: string; target: string } | { error: string }>();
  if (!opts.skipThumbprints) {
    const hosts = new Set<string>();
    for (const d of providerDetails.values()) if (!('error' in d) && d.thumbprints.length) hosts.add(hostOf(d.url));
    if (hosts.size) progress(`Reading the certificate chains of ${plural(hosts.size, 'provider host')}…`);
    const extraCaPems = opts.extraCaPems ?? session.config.trust?.extraCaPems ?? [];
    const timeoutMs = opts.timeoutMs ?? session.config.timeoutMs ?? 15_000;
    await eachLimit([...hosts], opts.thumbprintConcurrency ?? 4, async (host) => {
      throwIfAborted(signal);
      try {
        const r = await computeThumbprint(`https://${host}`, { extraCaPems, timeoutMs, ...(signal ? { signal } : {}) });
        current.set(host, { thumbprint: r.thumbprint.toLowerCase(), target: r.target });
      } catch (e) {
        if (isCancelled(e) || signal?.aborted) throw e;
        current.set(host, { error: describeError(e).message });
      }
    });
  }

  // 4. Who uses what.
  const roleByArn = new Map<string, RoleSummary>(roleList.map((r) => [lower(r.arn), r]));
  const providerArns = new Set(providerList.map((p) => lower(p.arn)));
  const poolsOfProvider = new Map<string, string[]>();
  const poolsOfRole = new Map<string, string[]>();
  const guestRoles = new Set<string>();
  const add = (m: Map<string, string[]>, k: string, v: string) => m.set(k, [...(m.get(k) ?? []), v]);
  for (const [id, d] of poolDetails) {
    if ('error' in d) continue;
    for (const arn of d.pool.openIdConnectProviderArns) add(poolsOfProvider, lower(arn), id);
    const auth = d.roles?.roles.authenticated;
    const unauth = d.roles?.roles.unauthenticated;
    if (auth) add(poolsOfRole, lower(auth), id);
    if (unauth && lower(unauth) !== lower(auth ?? '')) add(poolsOfRole, lower(unauth), id);
    if (unauth) guestRoles.add(lower(unauth));
  }

  // 5. Roles the pools name that the scan did not return: GetRole (missing, or not trusting Cognito).
  let account: Promise<string> | undefined;
  const callerAccount = (): Promise<string> => {
    account ??= (async () => {
      const known = [...providerList.map((p) => p.arn), ...roleList.map((r) => r.arn)].map(accountOfArn).find(Boolean);
      if (known) return known;
      return (await session.call('GetCallerIdentity', signal, (c) => session.aws.getCallerIdentity(c, signal))).account;
    })();
    return account;
  };
  const otherRoles = new Map<string, { doc: string } | { missing: true } | { error: string } | { otherAccount: true }>();
  const unlisted = [...poolsOfRole.keys()].filter((arn) => !roleByArn.has(arn));
  if (unlisted.length) {
    const acct = await callerAccount();
    await Promise.all(unlisted.map(async (arn) => {
      if (accountOfArn(arn) !== acct) {
        otherRoles.set(arn, { otherAccount: true });
        return;
      }
      try {
        const r = await session.roleDetails(roleNameOf(arn), signal, fresh);
        otherRoles.set(arn, lower(r.arn) === arn || !r.arn ? { doc: r.assumeRolePolicyDocument } : { missing: true });
      } catch (e) {
        if (isCancelled(e) || signal?.aborted) throw e;
        otherRoles.set(arn, isNotFound(e) ? { missing: true } : { error: describeError(e).message });
      }
    }));
  }
  const missingProviderAccount = [...poolsOfProvider.keys()].some((arn) => !providerArns.has(arn)) ? await callerAccount() : undefined;

  // 6. Findings.
  const providers: AuditedProvider[] = providerList.map((p) => {
    const d = providerDetails.get(p.arn);
    const findings: Finding[] = [];
    const pools = poolsOfProvider.get(lower(p.arn)) ?? [];
    let url = p.url;
    let clientIds: string[] = [];
    let thumbprints: string[] = [];
    let setup: string | undefined;
    let now: string | undefined;
    if (!d || 'error' in d) {
      findings.push(finding('provider-unreadable', `The provider could not be read (GetOpenIDConnectProvider): ${printable(d && 'error' in d ? d.error : 'no answer', 400)} Check the permission iam:GetOpenIDConnectProvider.`));
    } else {
      url = d.url || p.url;
      clientIds = boundedList(d.clientIds);
      thumbprints = boundedList(d.thumbprints, 5).map(lower);
      setup = taggedSetup(d.tags);
      if (thumbprints.length && !opts.skipThumbprints) {
        const c = current.get(hostOf(url));
        if (c && 'error' in c) {
          findings.push(finding('thumbprint-unchecked', `The thumbprints could not be checked, the certificate chain of ${show(url)} could not be read from here: ${printable(c.error, 400)} IAM may still reach the host; check from a machine that can (auth0-cognito thumbprint ${printable(hostOf(url))}).`));
        } else if (c) {
          now = c.thumbprint;
          if (!thumbprints.includes(c.thumbprint)) {
            findings.push(finding('thumbprint-drift', `Thumbprint drift: ${printable(c.target)} now presents a chain whose last certificate has the thumbprint ${c.thumbprint}, which the provider does not list (${thumbprints.join(', ')}). When IAM cannot validate the certificate through its trusted root CAs it compares thumbprints, and STS then rejects tokens ("OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"). Add ${c.thumbprint} to the provider's thumbprints (iam update-open-id-connect-provider-thumbprint), or use the Resources view's "Check thumbprint".`));
          }
        }
      }
    }
    if (!pools.length) {
      findings.push(finding('provider-unused', `No identity pool in ${region} lists this provider. If nothing else uses it (pools in other regions, roles trusting it directly), it can be deleted.`));
    }
    return { arn: bounded(p.arn), url: bounded(url), clientIds, thumbprints, setup: setup === undefined ? undefined : bounded(setup, 256), currentThumbprint: now, pools, findings };
  });

  const pools: AuditedPool[] = poolSummaries.map((s) => {
    const d = poolDetails.get(s.id);
    const findings: Finding[] = [];
    if (!d || 'error' in d) {
      findings.push(finding('pool-unreadable', `The identity pool could not be read (DescribeIdentityPool): ${printable(d && 'error' in d ? d.error : 'no answer', 400)} Check the permission cognito-identity:DescribeIdentityPool.`));
      return { id: bounded(s.id), name: bounded(s.name, 256), providers: [], authenticatedRole: null, unauthenticatedRole: null, allowUnauthenticated: undefined, setup: undefined, findings };
    }
    const pool = d.pool;
    const oidc = boundedList(pool.openIdConnectProviderArns);
    const auth = d.roles?.roles.authenticated ?? null;
    const unauth = d.roles?.roles.unauthenticated ?? null;
    const others = pool.cognitoIdentityProviders.length + pool.samlProviderArns.length + Object.keys(pool.supportedLoginProviders).length + (pool.developerProviderName ? 1 : 0);
    if (!oidc.length && !others) {
      findings.push(finding('pool-no-provider', `The pool has no identity provider (no OpenID Connect provider, user pool, SAML or social provider), so nobody can sign in through it${pool.allowUnauthenticated ? ' (only guests get credentials)' : ''}. Attach the IAM OIDC provider of your Auth0 domain (setup, or the Resources view's "Attach provider").`));
    }
    for (const arn of oidc) {
      if (!providerArns.has(lower(arn)) && accountOfArn(arn) === missingProviderAccount) {
        findings.push(finding('pool-provider-missing', `The pool lists the OIDC provider ${show(arn)}, which does not exist in the account: sign-ins with it fail ("Token is not from a supported provider of this identity pool"). Create the provider again (setup) or remove it from the pool.`));
      }
    }
    if (d.rolesError !== undefined) {
      findings.push(finding('pool-unreadable', `The pool's roles could not be read (GetIdentityPoolRoles): ${printable(d.rolesError, 400)} Check the permission cognito-identity:GetIdentityPoolRoles.`));
    } else if (!auth && (oidc.length || others)) {
      findings.push(finding('pool-no-authenticated-role', 'The pool has no authenticated role: signed-in users get an identity but no AWS credentials ("Invalid identity pool configuration. Check assigned IAM roles for this pool."). Attach a role whose trust policy pins this pool (setup, authenticated role step).'));
    }
    for (const [kind, arn] of [['authenticated', auth], ['unauthenticated', unauth]] as const) {
      if (!arn) continue;
      const key = lower(arn);
      const listed = roleByArn.get(key);
      const other = otherRoles.get(key);
      if (other && 'missing' in other) {
        findings.push(finding('pool-role-missing', `The ${kind} role ${show(arn)} does not exist (GetRole: NoSuchEntity): ${kind === 'authenticated' ? 'signed-in users' : 'guests'} get no credentials. Create the role again (setup) or attach another one.`));
        continue;
      }
      const doc = listed?.assumeRolePolicyDocument ?? (other && 'doc' in other ? other.doc : undefined);
      if (doc === undefined) continue; // another account, or GetRole failed: not judged
      const ev = evaluateTrustPolicy(doc, pool.poolId);
      const blocking = (kind === 'authenticated' ? [ev.principal, ev.aud, ev.amr] : [ev.principal, ev.aud]).find((v) => v.blocks);
      if (blocking) {
        findings.push(finding('pool-role-untrusted', `The ${kind} role ${show(roleNameOf(arn))} does not let this pool's ${kind === 'authenticated' ? 'signed-in users' : 'guests'} in: ${printable(blocking.message, 600)} Cognito refuses them ("Invalid identity pool configuration"). Give the role the trust policy that pins this pool.`));
      }
    }
    if (pool.allowUnauthenticated) {
      findings.push(finding('pool-guest-access', `Guest (unauthenticated) access is on: anyone can get ${unauth ? 'the unauthenticated role\'s' : 'an identity (and any unauthenticated role\'s)'} credentials without signing in. Turn it off unless the app needs it.`));
    }
    return {
      id: bounded(pool.poolId || s.id),
      name: bounded(pool.poolName || s.name, 256),
      providers: oidc,
      authenticatedRole: auth === null ? null : bounded(auth),
      unauthenticatedRole: unauth === null ? null : bounded(unauth),
      allowUnauthenticated: pool.allowUnauthenticated,
      setup: ((t) => (t === undefined ? undefined : bounded(t, 256)))(taggedSetup(pool.tags)),
      findings,
    };
  });

  const probes = [...new Set([probePool(region), probePool('us-east-1')])];
  const roles: AuditedRole[] = [...roleList].sort(byName).map((r) => {
    const findings: Finding[] = [];
    const usedBy = poolsOfRole.get(lower(r.arn)) ?? [];
    if (r.trust.warnings.some((w) => w.kind === 'notParsed')) {
      findings.push(finding('trust-unreadable', `The trust policy mentions cognito-identity.amazonaws.com but could not be read: ${printable(r.trust.warnings[0]?.message, 400)}`));
    } else {
      findings.push(...trustFindings(r.assumeRolePolicyDocument, probes, guestRoles.has(lower(r.arn))));
    }
    if (!usedBy.length) {
      findings.push(finding('role-unused', `No identity pool in ${region} uses this role. If nothing else does (pools in other regions), its trust to Cognito can be removed.`));
    }
    return { arn: bounded(r.arn), name: bounded(r.name, 256), pools: usedBy, trust: bounded(r.trust.summary), trustedPools: boundedList(r.trust.audPools), findings };
  });

  const counts: Record<FindingSeverity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of [...providers, ...pools, ...roles].flatMap((x) => x.findings)) counts[f.severity]++;
  const calls: Record<string, number> = {};
  for (const [k, v] of Object.entries(session.stats.byAction)) if (v - (before[k] ?? 0) > 0) calls[k] = v - (before[k] ?? 0);
  return { region, providers, pools, roles, truncated, counts, calls };
}

/** host[:port] of a provider URL (IAM's form, without https://; a path is dropped). */
function hostOf(url: string): string {
  return providerName(url).split('/')[0] ?? '';
}

/**
 * The "trust broader than one pool" findings of a role's trust policy, judged by the one trust
 * evaluator (../aws/trustPolicy): per Allow statement that lets Cognito in, no aud pin at all or
 * one that lets a made-up pool id in is trust-any-pool (error); one naming several pools is
 * trust-several-pools (warning); any other aud test than StringEquals (a narrower pattern,
 * IfExists, IgnoreCase) is trust-pool-not-pinned (warning); guests let in (when the role is nobody's unauthenticated role)
 * is trust-guests (warning).
 */
export function trustFindings(doc: unknown, probes: readonly string[], guestRole: boolean): Finding[] {
  const ev = evaluateTrustPolicy(doc);
  if (ev.error !== undefined) return [finding('trust-unreadable', `The trust policy could not be read: ${printable(ev.error, 400)}`)];
  const probed = probes.map((p) => evaluateTrustPolicy(doc, p));
  const admitsProbe = (s: TrustStatement) => probed.some((e) => e.statements[s.index - 1]?.aud.admitsPool === true);
  const out: Finding[] = [];
  const any = ev.allows.filter((s) => !s.aud.pinned && (s.aud.unrestricted || admitsProbe(s)));
  const several = ev.allows.filter((s) => !s.aud.pinned && !any.includes(s) && s.aud.exactPools !== undefined && s.aud.exactPools.length > 1);
  const loose = ev.allows.filter((s) => !s.aud.pinned && !any.includes(s) && !several.includes(s) && s.aud.exactPools === undefined);
  const describe = (ss: TrustStatement[]) => ss.map((s) => `${s.label} allows ${s.admits}`).join('; ');
  if (any.length) {
    out.push(finding('trust-any-pool', `Trust broader than one pool: ${printable(describe(any), 800)}. Any identity pool (in any account) can get credentials for this role. Pin every statement with "StringEquals": { "cognito-identity.amazonaws.com:aud": "<identity pool id>" }.`));
  }
  if (several.length) {
    out.push(finding('trust-several-pools', `Trust broader than one pool: ${printable(describe(several), 800)}. Each identity pool should have a role of its own, pinned with StringEquals to its id.`));
  }
  if (loose.length) {
    out.push(finding('trust-pool-not-pinned', `The aud condition is not an exact pin: ${printable(describe(loose), 800)}. It may match more than one identity pool; use "StringEquals": { "cognito-identity.amazonaws.com:aud": "<identity pool id>" }.`));
  }
  if (!guestRole && ev.amr.status === 'fail' && !ev.amr.blocks) {
    out.push(finding('trust-guests', `Guests can assume it: ${printable(ev.amr.message, 800)}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// For the tree and the CLI

/** The findings of each resource, keyed by provider ARN, pool id and role ARN (only resources with findings). */
export function findingsByResource(audit: Pick<ResourcesAudit, 'providers' | 'pools' | 'roles'>): Map<string, Finding[]> {
  const m = new Map<string, Finding[]>();
  for (const p of audit.providers) if (p.findings.length) m.set(p.arn, p.findings);
  for (const p of audit.pools) if (p.findings.length) m.set(p.id, p.findings);
  for (const r of audit.roles) if (r.findings.length) m.set(r.arn, r.findings);
  return m;
}

const RANK: Record<FindingSeverity, number> = { error: 3, warning: 2, info: 1 };

/** The most severe of some findings (undefined when there are none). */
export function worstSeverity(findings: readonly Finding[]): FindingSeverity | undefined {
  let worst: FindingSeverity | undefined;
  for (const f of findings) if (!worst || RANK[f.severity] > RANK[worst]) worst = f.severity;
  return worst;
}

/** The audit as JSON (the shape of `resources --json`; fields that are undefined, such as `setup` of an untagged resource, are left out). */
export function auditJson(audit: ResourcesAudit): string {
  return JSON.stringify(audit, null, 2);
}

/** The audit as text: a line per resource, its findings indented below it. Outside text escaped. */
export function formatAuditText(audit: ResourcesAudit): string {
  const lines: string[] = [];
  const f = (xs: Finding[]) => {
    const sorted = [...xs].sort((a, b) => RANK[b.severity] - RANK[a.severity]);
    for (const x of sorted) lines.push(`    ${x.severity.padEnd(7)} ${x.code}: ${printable(x.message, 2000)}`);
  };
  const setupText = (s: string | undefined) => (s === undefined ? '' : ` [setup: ${printable(s, 64)}]`);
  lines.push(`OIDC providers (${audit.providers.length}):`);
  if (!audit.providers.length) lines.push('  (none)');
  for (const p of audit.providers) {
    const tp = p.thumbprints.length ? `${plural(p.thumbprints.length, 'thumbprint')}` : 'no thumbprints';
    lines.push(`  ${printable(p.url)}  ${plural(p.clientIds.length, 'client ID')}, ${tp}, ${plural(p.pools.length, 'pool')}${setupText(p.setup)}`);
    f(p.findings);
  }
  lines.push('', `Identity pools in ${audit.region} (${audit.pools.length}${audit.truncated ? ', list cut' : ''}):`);
  if (!audit.pools.length) lines.push('  (none)');
  for (const p of audit.pools) {
    const role = p.authenticatedRole ? `role ${printable(roleNameOf(p.authenticatedRole), 64)}` : 'no authenticated role';
    lines.push(`  ${printable(p.name, 128)} (${printable(p.id, 80)})  ${plural(p.providers.length, 'OIDC provider')}, ${role}${setupText(p.setup)}`);
    f(p.findings);
  }
  lines.push('', `Roles trusting cognito-identity.amazonaws.com (${audit.roles.length}):`);
  if (!audit.roles.length) lines.push('  (none)');
  for (const r of audit.roles) {
    lines.push(`  ${printable(r.name, 64)}  ${printable(r.trust, 200)}; used by ${plural(r.pools.length, 'pool')}`);
    f(r.findings);
  }
  const c = audit.counts;
  lines.push('', `Findings: ${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${c.info} info.`);
  return lines.join('\n');
}
