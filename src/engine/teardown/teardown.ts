/**
 * Teardown (issue 10): removes what a setup made, in the reverse order of the setup, as one plan
 * of the one plan model (../plan):
 *
 *   1. the pool's roles (SetIdentityPoolRoles with none), then the pool (DeleteIdentityPool);
 *   2. the role's inline policy the setup put (DeleteRolePolicy), then the role (DeleteRole);
 *   3. the Auth0 application's client ID from the IAM OIDC provider
 *      (RemoveClientIDFromOpenIDConnectProvider), or the provider itself
 *      (DeleteOpenIDConnectProvider) when no other client ID remains and no other pool lists it.
 *
 * What it removes: only what carries the setup's tag (SETUP_TAG_KEY = the setup's name, put by the
 * setup's create calls: ../setup/tags.ts), or what the user names explicitly (`include`); anything
 * else it finds is "left alone" and the plan says why. It finds the resources the way the setup
 * steps do (../setup/core.ts: the pool by id or name, the provider by the tenant's issuer URL, the
 * role the pool uses or the setup's default role names), so it targets exactly what
 * `setup --apply` made, and, because each run plans from what exists now, a run that stopped
 * halfway is finished by the next one (a second run makes no call).
 *
 * Kept on purpose, and said so in every plan: the Auth0 application stays on RS256 (other apps,
 * APIs and SDKs may validate its tokens with RS256), and callback URLs the sign-in added stay.
 * A role with permissions the setup did not make is kept (unless named). A provider another pool
 * lists, or that has other client IDs, is kept. The teardown never calls the Management API.
 *
 * Importing this file loads no SDK.
 */
import { loadAws, type AwsModule } from '../aws/config';
import { awsEnv } from '../aws/env';
import { poolLabel, providerName, providerNameFromArn, regionOfPoolId, roleNameOf } from '../aws/names';
import type { AwsClients, IdentityPoolConfig, IdentityPoolRolesConfig } from '../aws/sdk';
import { describeError, EngineError, cancelledError, isCancelled, isNotFound } from '../errors';
import { authenticatedRoleName, normalizeProviderUrl } from '../fixes';
import { listText } from '../format';
import { applyPlanned, planCall, type Executable, type PlanChange, type PlanStep } from '../plan';
import { allPages } from '../resources/paging';
import { MINIMAL_POLICY_NAME } from '../setup/authenticatedRole';
import { READ_KEYS, RunReads } from '../setup/cache';
import { findPool, findProviderArn, makeEnv } from '../setup/core';
import { SETUP_TAG_KEY, setupName, taggedSetup } from '../setup/tags';
import type { PoolTeardownContext, TeardownContext, TeardownItem, TeardownOutcome, TeardownPlan, TeardownSubject } from './types';

/** The setup's default role names tried (Cognito_<pool>_Auth_Role, _2, ...), as the setup does. */
const MAX_DEFAULT_ROLE_NAMES = 20;

/** What the teardown says about the Auth0 application, in every plan. */
export const RS256_NOTE = 'The Auth0 application stays on RS256: the teardown does not switch it back. Other applications, APIs and SDKs may validate its ID tokens with RS256 (its public keys), and would fail if it went back to HS256; Cognito and IAM never accept HS256 tokens anyway. Change it by hand if you must (Dashboard > Applications > the application > Advanced Settings > OAuth).';
export const CALLBACK_NOTE = 'Callback URLs the sign-in helper added to the application (http://127.0.0.1:PORT/callback) stay in its Allowed Callback URLs; remove them in the Auth0 Dashboard if nothing signs in from this machine any more.';

/** The AWS side of one teardown build: fresh reads per build (a plan shown earlier is re-checked). */
interface TEnv {
  aws(): AwsModule;
  clients(): AwsClients;
  reads: RunReads;
  signal: AbortSignal | undefined;
  region: string;
}

type Step = PlanStep<Record<string, unknown>>;

/** Where the resources were found, before deciding what to remove. */
interface Discovered {
  setupName: string | undefined;
  target: TeardownSubject['target'];
  pools: IdentityPoolConfig[];
  /** Role names to look at; `linked`: the pool uses it or the config names it (listed even when untagged). */
  roles: { name: string; linked: boolean }[];
  providerArns: string[];
  clientId: string | undefined;
  found: string[];
  warnings: string[];
}

interface RolePerms {
  inline: string[];
  attached: { name: string; arn: string }[];
  profiles: string[];
}

function roleDetailsOnce(env: TEnv, name: string) {
  return env.reads.read(`${READ_KEYS.role(name)}|tags`, async () => {
    try {
      return await env.aws().getRoleDetails(env.clients(), name, env.signal);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  });
}

function providerDetailsOnce(env: TEnv, arn: string) {
  return env.reads.read(`${READ_KEYS.provider(arn)}|tags`, async () => {
    try {
      return await env.aws().getOidcProviderDetails(env.clients(), arn, env.signal);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  });
}

function describePoolOnce(env: TEnv, poolId: string): Promise<IdentityPoolConfig> {
  return env.reads.read(READ_KEYS.pool(poolId), () => env.aws().describeIdentityPoolConfig(env.clients(), poolId, env.signal));
}

async function poolRolesOnce(env: TEnv, poolId: string): Promise<IdentityPoolRolesConfig> {
  try {
    return await env.reads.read(READ_KEYS.poolRoles(poolId), () => env.aws().getIdentityPoolRolesConfig(env.clients(), poolId, env.signal));
  } catch (e) {
    if (isNotFound(e)) return { roles: {}, roleMappings: {} };
    throw e;
  }
}

async function rolePerms(env: TEnv, name: string): Promise<RolePerms> {
  const aws = env.aws();
  const c = env.clients();
  const sig = env.signal;
  const [profiles, inline, attached] = await Promise.all([
    allPages((m) => aws.listInstanceProfilesForRolePage(c, name, m, sig).then((r) => ({ items: r.names, marker: r.marker }))),
    allPages((m) => aws.listRolePolicyNamesPage(c, name, m, sig).then((r) => ({ items: r.names, marker: r.marker }))),
    allPages((m) => aws.listAttachedRolePoliciesPage(c, name, m, sig).then((r) => ({ items: r.policies, marker: r.marker }))),
  ]);
  return { inline, attached, profiles };
}

/** At most `limit` of `fn` at once. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Finding what the setup made

/** From a setup config: the pool by id or name, the provider for the tenant's issuer, the roles. */
async function discoverFromConfig(ctx: TeardownContext, env: TEnv & { config: TeardownContext['config'] }, setupEnv: ReturnType<typeof makeEnv>): Promise<Discovered> {
  const found: string[] = [];
  const warnings: string[] = [];
  const { poolName, poolId, roleName } = ctx.config.names;

  // The provider URL: the tenant's issuer, as the setup's provider step uses it (no Management API).
  let url: string;
  try {
    const disc = await setupEnv.discovery();
    const n = normalizeProviderUrl(disc.issuer);
    url = n.url;
    found.push(`The tenant's issuer is ${disc.issuer}: the IAM OIDC provider is looked for at ${url}.`);
  } catch (e) {
    if (isCancelled(e)) throw e;
    url = normalizeProviderUrl(`https://${setupEnv.domain}`).url;
    warnings.push(`The tenant's discovery document could not be read (${describeError(e).message.slice(0, 300)}), so the IAM OIDC provider is looked for at ${url}. If the tenant uses a custom domain, the provider may be under that one instead.`);
  }

  // The pool(s): by configured id, else every pool with the name (the setup refuses several; the teardown judges each by its tag).
  const pools: IdentityPoolConfig[] = [];
  if (poolId) {
    try {
      pools.push(await describePoolOnce(env, poolId));
    } catch (e) {
      if (!isNotFound(e)) throw e;
      found.push(`The identity pool ${poolId} (names.poolId) does not exist.`);
    }
  } else {
    const fp = await findPool(setupEnv);
    if (fp.kind === 'one') pools.push(fp.pool);
    else if (fp.kind === 'many') pools.push(...(await mapLimit(fp.ids, ctx.concurrency ?? 4, (id) => describePoolOnce(env, id))));
    else found.push(`No identity pool named "${poolName}" in ${env.region}.`);
  }

  const roles: Discovered['roles'] = [];
  if (roleName) roles.push({ name: roleNameOf(roleName), linked: true });
  // The setup's default names (the setup takes the first free one, or one made for the pool before).
  for (let n = 1; n <= MAX_DEFAULT_ROLE_NAMES; n++) {
    const name = authenticatedRoleName(poolName, n);
    if (!(await roleDetailsOnce(env, name))) break;
    roles.push({ name, linked: false });
  }

  const arn = await findProviderArn(setupEnv, url);
  if (!arn) found.push(`No IAM OIDC provider for ${url} exists.`);
  return {
    setupName: setupName(ctx.config),
    target: { by: 'config', poolName, region: env.region },
    pools,
    roles,
    providerArns: arn ? [arn] : [],
    clientId: ctx.config.auth0.clientId.trim(),
    found,
    warnings,
  };
}

/** From a pool id (the tree): the pool, its roles, its providers; the setup's name is the pool's tag. */
async function discoverFromPool(ctx: PoolTeardownContext, env: TEnv): Promise<Discovered> {
  const found: string[] = [];
  let pool: IdentityPoolConfig | undefined;
  try {
    pool = await describePoolOnce(env, ctx.poolId);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    found.push(`The identity pool ${ctx.poolId} does not exist.`);
  }
  const name = pool ? taggedSetup(pool.tags) : undefined;
  return {
    setupName: name,
    target: { by: 'pool', poolId: ctx.poolId, region: env.region },
    pools: pool ? [pool] : [],
    roles: [],
    providerArns: pool?.openIdConnectProviderArns ?? [],
    clientId: ctx.clientId?.trim() || undefined,
    found,
    warnings: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Deciding and planning

interface Judged {
  ours: boolean;
  why: string;
}

function judge(tags: Record<string, string> | undefined, name: string | undefined, included: boolean): Judged {
  const tag = taggedSetup(tags);
  if (name !== undefined && tag === name) return { ours: true, why: `tagged ${SETUP_TAG_KEY} = ${name}` };
  if (included) return { ours: true, why: 'named with --include' };
  if (tag !== undefined) return { ours: false, why: `left alone: tagged by another setup ("${tag}"), not by this one` };
  return { ours: false, why: 'left alone: not tagged by this setup' };
}

function gone(e: unknown): boolean {
  return isNotFound(e);
}

async function build(env: TEnv, d: Discovered, o: { include: readonly string[]; concurrency: number; onProgress?: ((m: string) => void) | undefined }): Promise<Executable<TeardownSubject, Record<string, unknown>>> {
  const aws = env.aws();
  const c = env.clients();
  const sig = env.signal;
  const name = d.setupName;
  const found = [...d.found];
  const warnings = [...d.warnings];
  const changes: PlanChange[] = [];
  const steps: Step[] = [];
  const items: TeardownItem[] = [];
  const include = [...new Set(o.include.map((x) => x.trim()).filter(Boolean))];
  const matched = new Set<string>();
  const named = (...keys: string[]): boolean => {
    const hit = keys.filter((k) => k && include.includes(k));
    for (const k of hit) matched.add(k);
    return hit.length > 0;
  };
  const keep = (item: Omit<TeardownItem, 'fate'>, extra = '') => {
    items.push({ ...item, fate: 'keep' });
    warnings.push(`Left alone: the ${item.kind} ${item.label}: ${item.why.replace(/^left alone: /, '')}${extra}.`);
  };

  if (name) found.push(`What this setup made carries the tag ${SETUP_TAG_KEY} = ${name}.`);

  // 1. Pools: SetIdentityPoolRoles (none), DeleteIdentityPool.
  const deleting = new Set<string>();
  const keptPools: { pool: IdentityPoolConfig; roles: IdentityPoolRolesConfig }[] = [];
  const roleCandidates = [...d.roles];
  for (const pool of d.pools) {
    const label = poolLabel(pool);
    const roles = await poolRolesOnce(env, pool.poolId);
    const roleArns = Object.values(roles.roles);
    found.push(`The identity pool ${label} exists: providers ${listText(pool.openIdConnectProviderArns)}; roles ${listText(Object.entries(roles.roles).map(([k, v]) => `${k} ${v}`))}; tags ${listText(Object.entries(pool.tags).map(([k, v]) => `${k} = ${v}`))}.`);
    for (const arn of roleArns) if (!roleCandidates.some((r) => r.name === roleNameOf(arn))) roleCandidates.unshift({ name: roleNameOf(arn), linked: true });
    const j = judge(pool.tags, name, named(pool.poolId));
    if (!j.ours) {
      keptPools.push({ pool, roles });
      keep({ kind: 'identity pool', id: pool.poolId, label, why: j.why }, include.length || j.why.includes('another') ? '' : ` (name it with --include ${pool.poolId} to remove it too)`);
      continue;
    }
    deleting.add(pool.poolId);
    items.push({ kind: 'identity pool', id: pool.poolId, label, fate: 'remove', why: j.why });
    if (roleArns.length || Object.keys(roles.roleMappings).length) {
      steps.push({
        call: planCall('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: pool.poolId, Roles: {} }),
        pending: `Detach the roles of the identity pool ${label}.`,
        async run() {
          try {
            await aws.setIdentityPoolRoles(c, pool.poolId, { roles: {}, roleMappings: {} }, sig);
          } catch (e) {
            if (gone(e)) return `The identity pool ${label} was already gone.`;
            throw e;
          }
          return `Detached the roles of the identity pool ${label}: ${listText(roleArns)}.`;
        },
      });
      changes.push({ what: `Roles of the identity pool ${label}`, from: listText(Object.entries(roles.roles).map(([k, v]) => `${k}: ${v}`)), to: '(none)' });
    }
    steps.push({
      call: planCall('cognito-identity', 'DeleteIdentityPool', { IdentityPoolId: pool.poolId }),
      pending: `Delete the identity pool ${label}.`,
      async run() {
        try {
          await aws.deleteIdentityPool(c, pool.poolId, sig);
        } catch (e) {
          if (gone(e)) return `The identity pool ${label} was already gone.`;
          throw e;
        }
        return `Deleted the identity pool ${label}.`;
      },
    });
    changes.push({ what: `Identity pool ${label}`, from: `OpenID Connect providers ${listText(pool.openIdConnectProviderArns)}; guest access ${pool.allowUnauthenticated ? 'on' : 'off'}`, to: '(deleted, with its identities)' });
  }
  if (deleting.size) warnings.push('Deleting an identity pool deletes its identities: apps that use it stop getting AWS credentials.');

  // 2. Roles: DeleteRolePolicy (the setup's minimal policy), DeleteRole.
  const seenRoles = new Set<string>();
  for (const cand of roleCandidates) {
    if (seenRoles.has(cand.name)) continue;
    seenRoles.add(cand.name);
    const role = await roleDetailsOnce(env, cand.name);
    if (!role) {
      if (cand.linked) found.push(`The role ${cand.name} does not exist.`);
      continue;
    }
    const included = named(cand.name, role.arn);
    const j = judge(role.tags, name, included);
    if (!j.ours) {
      if (cand.linked) keep({ kind: 'IAM role', id: role.arn, label: cand.name, why: j.why }, include.length || j.why.includes('another') ? '' : ` (name it with --include ${cand.name} to remove it with its policies)`);
      continue;
    }
    const users = keptPools.filter((k) => Object.values(k.roles.roles).includes(role.arn)).map((k) => poolLabel(k.pool));
    if (users.length && !included) {
      keep({ kind: 'IAM role', id: role.arn, label: cand.name, why: `the identity pool ${users.join(', ')}, which is left alone, uses it: deleting it would break sign-ins there` });
      continue;
    }
    const perms = await rolePerms(env, cand.name);
    const extraInline = perms.inline.filter((p) => p !== MINIMAL_POLICY_NAME);
    const extras = [...extraInline.map((p) => `inline policy ${p}`), ...perms.attached.map((p) => `managed policy ${p.name}`), ...perms.profiles.map((p) => `instance profile ${p}`)];
    found.push(`The role ${cand.name} exists (${role.arn}): ${j.why}; inline policies ${listText(perms.inline)}; managed policies ${listText(perms.attached.map((p) => p.name))}${perms.profiles.length ? `; instance profiles ${perms.profiles.join(', ')}` : ''}.`);
    if (extras.length && !included) {
      keep({
        kind: 'IAM role', id: role.arn, label: cand.name,
        why: `it has permissions the setup did not make (${extras.join(', ')}), so it is kept with all its policies`,
      }, `. Remove them yourself and run the teardown again, or name the role with --include ${cand.name} to delete it with them`);
      continue;
    }
    if (users.length) warnings.push(`The identity pool ${users.join(', ')} still names the role ${cand.name}; Cognito answers "Invalid identity pool configuration" there until another role is set.`);
    items.push({ kind: 'IAM role', id: role.arn, label: cand.name, fate: 'remove', why: j.why });
    const rn = cand.name;
    for (const ip of perms.profiles) {
      steps.push({
        call: planCall('iam', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: ip, RoleName: rn }),
        pending: `Remove the role ${rn} from the instance profile ${ip}.`,
        async run() {
          await aws.removeRoleFromInstanceProfile(c, rn, ip, sig);
          return `Removed the role ${rn} from the instance profile ${ip}.`;
        },
      });
    }
    for (const p of perms.attached) {
      steps.push({
        call: planCall('iam', 'DetachRolePolicy', { RoleName: rn, PolicyArn: p.arn }),
        pending: `Detach the managed policy ${p.name} from the role ${rn}.`,
        async run() {
          await aws.detachRolePolicy(c, rn, p.arn, sig);
          return `Detached the managed policy ${p.name} from the role ${rn}.`;
        },
      });
    }
    for (const p of perms.inline) {
      steps.push({
        call: planCall('iam', 'DeleteRolePolicy', { RoleName: rn, PolicyName: p }),
        pending: `Delete the inline policy ${p} of the role ${rn}.`,
        async run() {
          try {
            await aws.deleteRolePolicy(c, rn, p, sig);
          } catch (e) {
            if (gone(e)) return `The inline policy ${p} of the role ${rn} was already gone.`;
            throw e;
          }
          return `Deleted the inline policy ${p} of the role ${rn}.`;
        },
      });
    }
    steps.push({
      call: planCall('iam', 'DeleteRole', { RoleName: rn }),
      pending: `Delete the IAM role ${rn}.`,
      async run() {
        try {
          await aws.deleteRole(c, rn, sig);
        } catch (e) {
          if (gone(e)) return `The IAM role ${rn} was already gone.`;
          throw e;
        }
        return `Deleted the IAM role ${rn} (${role.arn}).`;
      },
    });
    changes.push({ what: `IAM role ${rn}`, from: `${role.arn}; inline policies ${listText(perms.inline)}; managed policies ${listText(perms.attached.map((p) => p.name))}`, to: '(deleted)' });
    if (included && extras.length) warnings.push(`The role ${rn} is deleted with permissions the setup did not make (${extras.join(', ')}): inline policies are gone for good; managed policies are only detached.`);
  }

  // 3. Providers: RemoveClientIDFromOpenIDConnectProvider, or DeleteOpenIDConnectProvider.
  let scan: Promise<{ users: Map<string, string[]>; checked: number; unread: number; truncated: boolean }> | undefined;
  const scanPools = () => {
    scan ??= (async () => {
      o.onProgress?.('Checking which identity pools use the provider…');
      const list = await env.reads.read(READ_KEYS.poolList(env.region), () => aws.listIdentityPools(c, 10_000, sig));
      const others = list.pools.filter((p) => !deleting.has(p.id));
      let unread = 0;
      const users = new Map<string, string[]>();
      await mapLimit(others, o.concurrency, async (p) => {
        try {
          const desc = await describePoolOnce(env, p.id);
          for (const a of desc.openIdConnectProviderArns) users.set(a, [...(users.get(a) ?? []), poolLabel(desc)]);
        } catch (e) {
          if (isCancelled(e)) throw e;
          if (!isNotFound(e)) unread++;
        }
      });
      return { users, checked: others.length, unread, truncated: list.truncated };
    })();
    return scan;
  };
  const clientId = d.clientId;
  for (const arn of d.providerArns) {
    const p = await providerDetailsOnce(env, arn);
    const url = providerName(p?.url || providerNameFromArn(arn) || arn);
    if (!p) {
      found.push(`The IAM OIDC provider ${arn} does not exist.`);
      continue;
    }
    found.push(`The IAM OIDC provider ${url} exists (${arn}): client IDs ${listText(p.clientIds)}; tags ${listText(Object.entries(p.tags).map(([k, v]) => `${k} = ${v}`))}.`);
    const j = judge(p.tags, name, named(arn));
    const ourId = clientId && p.clientIds.includes(clientId) ? clientId : undefined;
    if (!j.ours) {
      keep({ kind: 'IAM OIDC provider', id: arn, label: url, why: j.why }, `${ourId ? `; the client ID ${ourId} stays in it too` : ''}${include.length || j.why.includes('another') ? '' : ` (name it with --include ${arn} to remove it too)`}`);
      continue;
    }
    const s = await scanPools();
    const users = s.users.get(arn) ?? [];
    found.push(`${s.checked} other identity pool${s.checked === 1 ? '' : 's'} of ${env.region} checked for the provider${s.unread ? ` (${s.unread} could not be read)` : ''}${users.length ? `: ${users.join(', ')} list${users.length === 1 ? 's' : ''} it` : ': none lists it'}.`);
    if (users.length || s.unread || s.truncated) {
      const why = users.length
        ? `the identity pool${users.length > 1 ? 's' : ''} ${users.join(', ')} list${users.length === 1 ? 's' : ''} it: deleting it, or removing a client ID, could break sign-ins there`
        : `not every identity pool of ${env.region} could be read, so it cannot be confirmed that no other pool uses it`;
      keep({ kind: 'IAM OIDC provider', id: arn, label: url, why }, ourId ? `; the client ID ${ourId} stays in it too (remove it by hand once nothing else signs in with it)` : '');
      continue;
    }
    const others = clientId ? p.clientIds.filter((x) => x !== clientId) : p.clientIds.length <= 1 ? [] : p.clientIds;
    if (others.length === 0) {
      items.push({ kind: 'IAM OIDC provider', id: arn, label: url, fate: 'remove', why: `${j.why}; no other client ID and no other pool uses it` });
      steps.push({
        call: planCall('iam', 'DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: arn }),
        pending: `Delete the IAM OIDC provider ${url}.`,
        async run() {
          await aws.deleteOidcProvider(c, arn, sig);
          return `Deleted the IAM OIDC provider ${url} (${arn}).`;
        },
      });
      changes.push({ what: `IAM OIDC provider ${url}`, from: `${arn}: client IDs ${listText(p.clientIds)}`, to: '(deleted)' });
      warnings.push(`IAM OIDC providers are global: identity pools in other regions than ${env.region} were not checked, and roles that trust the provider directly (sts:AssumeRoleWithWebIdentity without Cognito) stop working too.`);
      continue;
    }
    const why = `other client IDs remain (${others.join(', ')}): other applications may sign in through it`;
    if (ourId) {
      keep({ kind: 'IAM OIDC provider', id: arn, label: url, why: `kept, only the client ID ${ourId} is removed: ${why}` });
      items.push({ kind: 'client ID', id: `${arn} ${ourId}`, label: `${ourId} of ${url}`, fate: 'remove', why: j.why.replace(/^tagged/, 'the provider is tagged') });
      steps.push({
        call: planCall('iam', 'RemoveClientIDFromOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, ClientID: ourId }),
        pending: `Remove the client ID ${ourId} from the IAM OIDC provider ${url}.`,
        async run() {
          await aws.removeClientIdFromOidcProvider(c, arn, ourId, sig);
          return `Removed the client ID ${ourId} from the IAM OIDC provider ${url}.`;
        },
      });
      changes.push({ what: `Client IDs of the IAM OIDC provider ${url}`, from: listText(p.clientIds), to: listText(others) });
    } else if (clientId) {
      keep({ kind: 'IAM OIDC provider', id: arn, label: url, why: `${why}; this setup's client ID ${clientId} is not in it any more` });
    } else {
      keep({ kind: 'IAM OIDC provider', id: arn, label: url, why: `it has several client IDs (${p.clientIds.join(', ')}) and which one this setup added cannot be told from the pool` }, '. Remove the setup\'s client ID by hand, or run "auth0-cognito teardown --config" with the setup\'s config');
    }
  }

  const unmatched = include.filter((x) => !matched.has(x));
  if (unmatched.length) {
    warnings.push(`--include ${unmatched.join(', ')} matched nothing this teardown found: it only removes the pool it finds by the config's id or name, the roles that pool uses or the setup names, and the provider for the Auth0 domain.`);
  }
  warnings.push(RS256_NOTE, CALLBACK_NOTE);

  const who = name ? `the setup "${name}"` : `the identity pool ${d.target.by === 'pool' ? d.target.poolId : ''}`;
  const kept = items.filter((i) => i.fate === 'keep');
  const keptText = kept.length ? ` ${kept.length} resource${kept.length === 1 ? ' is' : 's are'} left alone: ${kept.map((i) => `the ${i.kind} ${i.label}`).join(', ')}.` : '';
  const removed = items.filter((i) => i.fate === 'remove');
  const summary = steps.length
    ? `Remove what ${who} made in ${env.region}, in reverse order: ${removed.map((i) => `the ${i.kind} ${i.label}`).join(', then ')}.${keptText}`
    : name || d.pools.length
      ? `Nothing of ${who} is left to remove in ${env.region}.${keptText}`
      : `Nothing to remove: the identity pool ${d.target.by === 'pool' ? d.target.poolId : ''} does not exist.`;
  return {
    plan: {
      subject: { kind: 'teardown', setupName: name, target: d.target, include, items },
      title: name ? `Tear down the setup "${name}"` : 'Tear down a setup',
      summary,
      changes: steps.length ? changes : [],
      calls: steps.map((s) => s.call),
      preconditions: found,
      alreadyDone: steps.length === 0,
      warnings,
    },
    steps,
  };
}

// ---------------------------------------------------------------------------------------------
// Entry points

function configEnv(ctx: TeardownContext): { env: TEnv & { config: TeardownContext['config'] }; setupEnv: ReturnType<typeof makeEnv> } {
  const reads = new RunReads();
  const setupEnv = makeEnv({
    config: ctx.config,
    trust: ctx.trust,
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    awsCredentials: ctx.awsCredentials,
    clients: ctx.clients,
    cache: ctx.cache,
    reads,
  });
  return { env: { aws: setupEnv.aws, clients: () => setupEnv.clients(), reads, signal: ctx.signal, region: setupEnv.region, config: ctx.config }, setupEnv };
}

async function buildForConfig(ctx: TeardownContext): Promise<Executable<TeardownSubject, Record<string, unknown>>> {
  if (ctx.signal?.aborted) throw cancelledError();
  const { env, setupEnv } = configEnv(ctx);
  const d = await discoverFromConfig(ctx, env, setupEnv);
  return build(env, d, { include: ctx.include ?? [], concurrency: ctx.concurrency ?? 4, onProgress: ctx.onProgress });
}

function poolEnv(ctx: PoolTeardownContext): TEnv {
  const region = regionOfPoolId(ctx.poolId);
  const base = awsEnv({ ...ctx.aws, region }, { clients: ctx.clients, signal: ctx.signal });
  return { aws: () => loadAws(), clients: () => base.clients(region), reads: new RunReads(), signal: ctx.signal, region };
}

async function buildForPool(ctx: PoolTeardownContext): Promise<Executable<TeardownSubject, Record<string, unknown>>> {
  if (ctx.signal?.aborted) throw cancelledError();
  const env = poolEnv(ctx);
  const d = await discoverFromPool(ctx, env);
  return build(env, d, { include: ctx.include ?? [], concurrency: ctx.concurrency ?? 4, onProgress: ctx.onProgress });
}

/** The outcome, with what was not done named in its message. */
function withNotDone(out: TeardownOutcome): TeardownOutcome {
  if (out.ok || out.newPlan || !out.notDone.length || !out.error) return out;
  return { ...out, message: `${out.message} Not done: ${out.notDone.join(' ')}` };
}

/**
 * Plans the teardown of the setup a config describes (reads only; no Management API call). The
 * plan's subject lists everything found and whether it is removed or left alone.
 */
export async function planTeardown(ctx: TeardownContext): Promise<TeardownPlan> {
  return (await buildForConfig(ctx)).plan;
}

/**
 * Applies a teardown plan shown earlier (../plan's applyPlanned): plans again; nothing left ->
 * nothing done (alreadyDone); other calls needed than shown -> nothing done, `newPlan` to show;
 * else the calls in order, stopping at the first failure (the message says what was done and
 * what was not; running the teardown again finishes it).
 */
export async function applyTeardown(ctx: TeardownContext, shown: TeardownPlan): Promise<TeardownOutcome> {
  return withNotDone(await applyPlanned(shown, () => buildForConfig(ctx), { signal: ctx.signal, unit: 'step', retry: 'Running the teardown again' }));
}

/** Plans the teardown of the setup that made a tagged identity pool (the Resources tree). */
export async function planPoolTeardown(ctx: PoolTeardownContext): Promise<TeardownPlan> {
  return (await buildForPool(ctx)).plan;
}

/** Applies a plan of planPoolTeardown (as applyTeardown). */
export async function applyPoolTeardown(ctx: PoolTeardownContext, shown: TeardownPlan): Promise<TeardownOutcome> {
  return withNotDone(await applyPlanned(shown, () => buildForPool(ctx), { signal: ctx.signal, unit: 'step', retry: 'Running the teardown again' }));
}

/** Checks --include values: pool ids, role names or ARNs, provider ARNs. INVALID_INPUT naming the bad one. */
export function validateIncludes(values: readonly string[]): string[] {
  return values.map((raw) => {
    const v = raw.trim();
    const ok = /^[a-z]{2}(-[a-z]+)+-\d+:[0-9a-f-]{36}$/.test(v)
      || /^arn:aws[\w-]*:iam::\d{12}:(role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}|oidc-provider\/[\x21-\x7e]{1,1000})$/.test(v)
      || /^[\w+=,.@-]{1,64}$/.test(v);
    if (!ok) {
      throw new EngineError('INVALID_INPUT', `--include "${v.slice(0, 80)}" is not an identity pool id, a role name or ARN, or an OIDC provider ARN.`,
        'Name a resource the plan lists as "left alone": us-east-1:GUID for a pool, the role\'s name or ARN, or the provider\'s ARN.');
    }
    return v;
  });
}
