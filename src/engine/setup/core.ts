/**
 * The machinery shared by the setup steps: config validation, a per-run environment (AWS
 * clients, discovery, caller identity and Management API session, memoised), finding resources
 * by URL / name, and the glue to the one plan model (../plan):
 *
 *   - a step is built from the current state (reads only) into an inspection, a plan (the exact
 *     write calls, masked) and the code that makes those calls;
 *   - apply is ../plan's applyPlanned with the step's builder as the re-plan. Resources are found
 *     by URL and name, so the next apply continues where a failed one stopped, without duplicates.
 *
 * Importing this file loads no SDK (loadAws / loadAuth0 on first use).
 */
import { createHash } from 'node:crypto';
import { loadAuth0, normalizeAuth0Domain, type ManagementCredentials } from '../auth0/connection';
import type { ManagementSession } from '../auth0/sdk';
import { validateAwsConfig, type AwsConfig } from '../aws/config';
import { awsEnv, type AwsEnv } from '../aws/env';
import { providerName, providerNameFromArn, regionOfPoolId, roleNameOf } from '../aws/names';
import { validatePrincipalTags } from '../aws/principalTags';
import { validateRoleMapping } from '../aws/roleMapping';
import type { IdentityPoolConfig, OidcProviderDescription } from '../aws/sdk';
import { EngineError, cancelledError, describeError, isCancelled, isNotFound, type ErrorCode } from '../errors';
import type { FixContext } from '../fixes';
import { applyPlanned, type PlanCall, type PlanChange, type PlanStep } from '../plan';
import { getJson } from '../http';
import { MAX_JSON_DEPTH } from '../bounds';
import { READ_KEYS, RunReads, SetupCache } from './cache';
import type { PlanId, SetupConfig, SetupStep, SetupContext, SetupOutputs, StepInspection, StepOutcome, SetupPlan, StepProblem, StepReview, StepStatus, StepId } from './types';

// ---------------------------------------------------------------------------------------------
// Config

const POOL_NAME = /^[\w\s+=,.@-]{1,128}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const SECRET_KEYS = /secret|password|token|credential|private/i;

function bad(message: string, hint: string): EngineError {
  return new EngineError('INVALID_INPUT', message, hint);
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(`${where} must be an object.`, 'See the example config: { "aws": { "region": "us-east-1" }, "auth0": { "domain": "tenant.auth0.com", "clientId": "..." }, "names": { "poolName": "auth0_pool" } }.');
  return v as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, where: string, required: boolean): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw bad(`${where}.${key} is missing.`, `Set ${where}.${key} in the config.`);
    return undefined;
  }
  if (typeof v !== 'string') throw bad(`${where}.${key} must be a string.`, `Set ${where}.${key} to a string.`);
  const t = v.trim();
  if (!t && required) throw bad(`${where}.${key} is empty.`, `Set ${where}.${key} in the config.`);
  return t || undefined;
}

/** Rejects secrets anywhere in the config (they belong in SecretStorage or the environment). */
function noSecrets(v: unknown, path: string, depth = 0): void {
  if (v === null || typeof v !== 'object') return;
  if (depth > MAX_JSON_DEPTH) throw bad(`The setup config nests deeper than ${MAX_JSON_DEPTH} levels (at ${path.slice(0, 200)}).`, CONFIG_SHAPE);
  for (const [k, x] of Object.entries(v)) {
    if (SECRET_KEYS.test(k)) {
      throw bad(`The setup config must not hold secrets (${path}${k}).`,
        'Remove it: pass Management API access as AUTH0_MGMT_TOKEN or AUTH0_MGMT_CLIENT_ID + AUTH0_MGMT_CLIENT_SECRET (CLI), or store it with the extension (kept in SecretStorage). AWS credentials come from the profile or the environment.');
    }
    noSecrets(x, `${path}${k}.`, depth + 1);
  }
}

const CONFIG_SHAPE = 'The config\'s shape: { "aws": { "region", "profile"?, "endpoint"? }, "auth0": { "domain", "clientId" }, "names": { "poolName", "poolId"?, "roleName"? } }.';

/** The fields a setup config may have, per object. */
const CONFIG_FIELDS: Record<string, readonly string[]> = {
  '': ['aws', 'auth0', 'names', 'roles'],
  roles: ['mapping', 'principalTags'],
  aws: ['region', 'profile', 'endpoint'],
  auth0: ['domain', 'clientId'],
  names: ['poolName', 'poolId', 'roleName'],
};

/** Rejects a field the config does not have (a typo would otherwise be ignored silently), naming it. */
function noUnknownFields(o: Record<string, unknown>, where: '' | 'aws' | 'auth0' | 'names' | 'roles'): void {
  const allowed = CONFIG_FIELDS[where] ?? [];
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const name = `${where ? `${where}.` : ''}${k.length > 60 ? `${k.slice(0, 60)}…` : k}`;
    const near = allowed.find((a) => a.toLowerCase() === k.toLowerCase());
    throw bad(`The config has an unknown field "${name}".`,
      near ? `Did you mean "${where ? `${where}.` : ''}${near}"? Field names are case-sensitive.`
        : `Remove it. ${where ? `"${where}" takes ${allowed.map((a) => `"${a}"`).join(', ')}` : `The config takes ${allowed.map((a) => `"${a}"`).join(', ')}`}. ${CONFIG_SHAPE}`);
  }
}

/**
 * Checks a setup config (e.g. parsed from a JSON file) and returns it normalised: the Auth0
 * domain without scheme or slash, trimmed names. Throws INVALID_INPUT EngineErrors naming the field.
 */
export function validateSetupConfig(input: unknown): SetupConfig {
  const root = obj(input, 'The config');
  noSecrets(root, '');
  noUnknownFields(root, '');
  const aws = obj(root.aws, 'aws');
  const auth0 = obj(root.auth0, 'auth0');
  const names = obj(root.names, 'names');
  noUnknownFields(aws, 'aws');
  noUnknownFields(auth0, 'auth0');
  noUnknownFields(names, 'names');
  const region = str(aws, 'region', 'aws', true) ?? '';
  const profile = str(aws, 'profile', 'aws', false);
  const endpoint = str(aws, 'endpoint', 'aws', false);
  validateAwsConfig({ region, endpoint });
  const domain = normalizeAuth0Domain(str(auth0, 'domain', 'auth0', true) ?? '');
  const clientId = str(auth0, 'clientId', 'auth0', true) ?? '';
  if (clientId.length > 255 || /\s/.test(clientId)) {
    throw bad(`auth0.clientId "${clientId.slice(0, 40)}" is not an Auth0 Client ID.`, 'Copy the Client ID from Dashboard > Applications > your application > Settings.');
  }
  const poolName = str(names, 'poolName', 'names', true) ?? '';
  if (!POOL_NAME.test(poolName)) {
    throw bad(`names.poolName "${poolName}" is not a valid identity pool name.`, 'Use 1 to 128 letters, digits, spaces and + = , . @ - _ characters.');
  }
  const poolId = str(names, 'poolId', 'names', false);
  if (poolId) {
    const r = regionOfPoolId(poolId);
    if (r !== region) throw bad(`names.poolId ${poolId} is in ${r}, but aws.region is ${region}.`, `Set aws.region to ${r}, or pick a pool of ${region}.`);
  }
  const roleName = str(names, 'roleName', 'names', false);
  if (roleName && !ROLE_NAME.test(roleNameOf(roleName))) {
    throw bad(`names.roleName "${roleName}" is not an IAM role name or role ARN.`, 'Use up to 64 letters, digits and + = , . @ - _ characters, or a role ARN (arn:aws:iam::123456789012:role/NAME).');
  }
  // Optional (issue 13): roles by user.
  let roles: SetupConfig['roles'];
  if (root.roles !== undefined) {
    const r = obj(root.roles, 'roles');
    noUnknownFields(r, 'roles');
    const mapping = r.mapping === undefined ? undefined : validateRoleMapping(r.mapping, 'roles.mapping');
    const principalTags = r.principalTags === undefined ? undefined : validatePrincipalTags(r.principalTags, 'roles.principalTags');
    roles = { ...(mapping ? { mapping } : {}), ...(principalTags ? { principalTags } : {}) };
  }
  return {
    aws: { region, ...(profile ? { profile } : {}), ...(endpoint ? { endpoint } : {}) },
    auth0: { domain, clientId },
    names: { poolName, ...(poolId ? { poolId } : {}), ...(roleName ? { roleName } : {}) },
    ...(roles ? { roles } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Cache and environment

export interface Discovery {
  url: string;
  issuer: string;
  jwksUri: string;
  authorizationEndpoint: string | undefined;
  tokenEndpoint: string | undefined;
}

/** Reads the tenant's OpenID Connect discovery document (no checks of the issuer: see issuerMatchesDomain). */
export async function fetchDiscovery(domain: string, opts: { trust?: SetupContext['trust']; timeoutMs?: number | undefined; signal?: AbortSignal | undefined }): Promise<Discovery> {
  const url = `https://${domain}/.well-known/openid-configuration`;
  const doc = await getJson<Record<string, unknown>>(url, { trust: opts.trust, timeoutMs: opts.timeoutMs ?? 15_000, ...(opts.signal ? { signal: opts.signal } : {}), maxBytes: 1024 * 1024 });
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || typeof doc.issuer !== 'string' || typeof doc.jwks_uri !== 'string') {
    throw new EngineError('HTTP', `${url} is not an OpenID Connect discovery document (no issuer or jwks_uri).`,
      'Check the Auth0 domain: enter the tenant domain (TENANT.auth0.com, TENANT.REGION.auth0.com) or your custom domain.');
  }
  return {
    url,
    issuer: doc.issuer,
    jwksUri: doc.jwks_uri,
    authorizationEndpoint: typeof doc.authorization_endpoint === 'string' ? doc.authorization_endpoint : undefined,
    tokenEndpoint: typeof doc.token_endpoint === 'string' ? doc.token_endpoint : undefined,
  };
}

/** https://Tenant.auth0.com/ matches tenant.auth0.com (scheme, trailing slash and host case aside). */
export function issuerMatchesDomain(issuer: string, domain: string): boolean {
  return providerKey(issuer) === providerKey(`https://${domain}`);
}

/**
 * The comparison key of a provider URL / IAM provider name / issuer: no scheme, no trailing
 * slash, host lowercased (the path keeps its case: IAM URLs are case-sensitive there).
 */
export function providerKey(urlOrName: string): string {
  const name = providerName(urlOrName.trim()).replace(/\/+$/, '');
  const slash = name.indexOf('/');
  return slash < 0 ? name.toLowerCase() : `${name.slice(0, slash).toLowerCase()}${name.slice(slash)}`;
}

/** The per-call environment of a step: ../aws/env's AwsEnv (clients from the cache, the caller memoised) and the wizard's context. */
export interface Env extends AwsEnv {
  ctx: SetupContext;
  config: SetupConfig;
  domain: string;
  clientId: string;
  region: string;
  timeoutMs: number;
  outputs: SetupOutputs;
  discovery(): Promise<Discovery>;
  /** The Management API session, or undefined without Management API access. */
  management(): Promise<ManagementSession | undefined>;
  fixContext(session?: ManagementSession): FixContext;
  extraCaPems(): string[];
  /** The run's reads (ctx.reads; else this build's own): each read once, forgotten by the writes that change it. */
  reads: RunReads;
}

function credentialKey(c: ManagementCredentials): string {
  const secret = c.kind === 'token' ? c.token : `${c.clientId}:${c.clientSecret}:${c.audience ?? ''}`;
  return `${c.kind}:${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}

export function makeEnv(ctx: SetupContext): Env {
  const config = ctx.config;
  const domain = normalizeAuth0Domain(config.auth0.domain);
  const cache = ctx.cache ?? new SetupCache();
  const reads = ctx.reads ?? new RunReads();
  const timeoutMs = ctx.timeoutMs ?? 15_000;
  const awsConfig: AwsConfig = {
    region: config.aws.region,
    profile: config.aws.profile || undefined,
    endpoint: config.aws.endpoint || undefined,
    credentials: ctx.awsCredentials,
    trust: ctx.trust,
    timeoutMs,
  };
  const signal = ctx.signal;
  const connection = { domain, trust: ctx.trust, timeoutMs };
  const aws = awsEnv(awsConfig, {
    clients: ctx.clients,
    signal,
    makeClients: (cfg) => cache.clients(cfg),
    caller: () => cache.memoize(`caller|${awsConfig.region}|${awsConfig.profile ?? ''}|${awsConfig.endpoint ?? ''}|${awsConfig.credentials?.accessKeyId ?? ''}`,
      () => aws.aws().getCallerIdentity(aws.clients())),
  });
  const env: Env = {
    ...aws,
    ctx,
    config,
    domain,
    clientId: config.auth0.clientId.trim(),
    region: config.aws.region,
    timeoutMs,
    outputs: { ...ctx.outputs },
    discovery: () => cache.memoize(`discovery|${domain}`, () => fetchDiscovery(domain, { trust: ctx.trust, timeoutMs })),
    async management() {
      const creds = ctx.management;
      if (!creds) return undefined;
      return cache.memoize(`mgmt|${domain}|${credentialKey(creds)}`, () => loadAuth0().openManagement(connection, creds), 10 * 60_000);
    },
    fixContext(session) {
      return {
        aws: awsConfig,
        clients: env.clients(),
        signal,
        auth0: { connection, credentials: ctx.management, clientId: config.auth0.clientId.trim(), session },
      };
    },
    extraCaPems: () => [...(ctx.trust?.extraCaPems ?? [])],
    reads,
  };
  return env;
}


// ---------------------------------------------------------------------------------------------
// Finding resources

export interface FoundProvider extends OidcProviderDescription {
  /** Other providers whose URL differs only in letter case of the host or a trailing slash. */
  lookalikes: string[];
}

/** The ARNs of the IAM OIDC providers for `providerUrl` (normalised comparison), the one IAM's own form names exactly first. */
async function matchingProviderArns(env: Env, providerUrl: string): Promise<string[]> {
  const want = providerKey(providerUrl);
  const exact = providerName(providerUrl);
  const arns = await env.reads.read(READ_KEYS.providerArns(), () => env.aws().listOidcProviderArns(env.clients(), env.signal));
  const matches = arns.filter((a) => providerKey(providerNameFromArn(a) ?? '') === want);
  // The one IAM's own form names exactly first (no trailing slash, same case).
  return matches.sort((a, b) => Number(providerNameFromArn(b) === exact) - Number(providerNameFromArn(a) === exact));
}

/** The ARN of the IAM OIDC provider for `providerUrl` (ListOpenIDConnectProviders only), or undefined. */
export async function findProviderArn(env: Env, providerUrl: string): Promise<string | undefined> {
  return (await matchingProviderArns(env, providerUrl))[0];
}

/** The IAM OIDC provider for `providerUrl` (normalised comparison), or undefined. */
export async function findProvider(env: Env, providerUrl: string): Promise<FoundProvider | undefined> {
  const [first, ...rest] = await matchingProviderArns(env, providerUrl);
  if (!first) return undefined;
  const p = await env.reads.read(READ_KEYS.provider(first), () => env.aws().getOidcProvider(env.clients(), first, env.signal));
  return { ...p, lookalikes: rest };
}

export type FoundPool =
  | { kind: 'none' }
  | { kind: 'one'; pool: IdentityPoolConfig }
  | { kind: 'many'; ids: string[] };

/** The identity pool by configured id, else by name (every page of ListIdentityPools). */
export async function findPool(env: Env): Promise<FoundPool> {
  const { poolId, poolName } = env.config.names;
  const aws = env.aws();
  if (poolId) {
    try {
      return { kind: 'one', pool: await describePool(env, poolId) };
    } catch (e) {
      if (isNotFound(e)) {
        throw new EngineError('AWS', `The identity pool ${poolId} (names.poolId) does not exist in ${env.region}.`,
          'Fix names.poolId, or remove it to find or create the pool by its name.');
      }
      throw e;
    }
  }
  const { pools } = await env.reads.read(READ_KEYS.poolList(env.region), () => aws.listIdentityPools(env.clients(), 10_000, env.signal));
  const same = pools.filter((p) => p.name === poolName);
  if (same.length === 0) return { kind: 'none' };
  if (same.length > 1) return { kind: 'many', ids: same.map((p) => p.id) };
  return { kind: 'one', pool: await describePool(env, same[0]?.id ?? '') };
}

/** DescribeIdentityPool, once per run. */
function describePool(env: Env, poolId: string): Promise<IdentityPoolConfig> {
  return env.reads.read(READ_KEYS.pool(poolId), () => env.aws().describeIdentityPoolConfig(env.clients(), poolId, env.signal));
}

export function manyPoolsError(env: Env, ids: string[]): EngineError {
  return new EngineError('INVALID_INPUT', `${ids.length} identity pools in ${env.region} are named "${env.config.names.poolName}": ${ids.join(', ')}.`,
    `Pick one by its id (names.poolId in the config, or the pool picker), or give the pool another name.`);
}


// ---------------------------------------------------------------------------------------------
// Building and applying a step

export type Mode = 'inspect' | 'plan' | 'apply';

/** What the calls of one apply learn for the calls after them. */
export interface RunState {
  providerArn?: string;
  roleArn?: string;
  poolId?: string;
  /** The pool CreateIdentityPool returned. */
  pool?: IdentityPoolConfig;
}

type PoolList = { pools: Array<{ id: string; name: string }>; truncated: boolean };

const param = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * What a write call changes in the run's reads: a create call's response takes the place of
 * reading it back (the provider's ARN joins the provider list; the pool joins the pool list, its
 * description is CreateIdentityPool's response and it has no roles yet); any other write forgets
 * exactly the reads it changes. A failed write, or one not named here, forgets everything.
 */
export function afterWrite(reads: RunReads, call: PlanCall, state: RunState, ok: boolean, region: string): void {
  const p = call.params;
  if (!ok) {
    reads.clear();
    return;
  }
  switch (`${call.service}:${call.action}`) {
    case 'iam:CreateOpenIDConnectProvider': {
      const arn = state.providerArn;
      if (arn) reads.update<string[]>(READ_KEYS.providerArns(), (l) => (l.includes(arn) ? l : [...l, arn]));
      else reads.forget(READ_KEYS.providerArns());
      return;
    }
    case 'iam:AddClientIDToOpenIDConnectProvider':
    case 'iam:RemoveClientIDFromOpenIDConnectProvider':
    case 'iam:UpdateOpenIDConnectProviderThumbprint':
      reads.forget(READ_KEYS.provider(param(p.OpenIDConnectProviderArn)));
      return;
    case 'cognito-identity:CreateIdentityPool': {
      const pool = state.pool;
      if (!pool) {
        reads.forget(READ_KEYS.poolList(region));
        return;
      }
      reads.update<PoolList>(READ_KEYS.poolList(region), (l) => (l.pools.some((x) => x.id === pool.poolId) ? l : { ...l, pools: [...l.pools, { id: pool.poolId, name: pool.poolName }] }));
      reads.set(READ_KEYS.pool(pool.poolId), pool);
      reads.set(READ_KEYS.poolRoles(pool.poolId), { roles: {}, roleMappings: {} });
      return;
    }
    case 'cognito-identity:UpdateIdentityPool':
      reads.forget(READ_KEYS.pool(param(p.IdentityPoolId)), READ_KEYS.poolList(region));
      return;
    case 'cognito-identity:SetIdentityPoolRoles':
      reads.forget(READ_KEYS.poolRoles(param(p.IdentityPoolId)));
      return;
    case 'iam:CreateRole':
      reads.forget(READ_KEYS.role(param(p.RoleName)), READ_KEYS.rolePermissions(param(p.RoleName)));
      return;
    case 'iam:UpdateAssumeRolePolicy':
      reads.forget(READ_KEYS.role(param(p.RoleName)));
      return;
    case 'iam:PutRolePolicy':
    case 'iam:DeleteRolePolicy':
    case 'iam:AttachRolePolicy':
    case 'iam:DetachRolePolicy':
      reads.forget(READ_KEYS.rolePermissions(param(p.RoleName)));
      return;
    default:
      if (call.service === 'auth0') reads.forgetPrefix(READ_KEYS.auth0App(''));
      else reads.clear();
  }
}

/** One planned write call and the code that makes it. */
export type RunStep = PlanStep<RunState>;

export interface Built {
  status: StepStatus;
  summary: string;
  found: string[];
  values: Record<string, string>;
  problems: StepProblem[];
  /** What exists now. */
  outputs: SetupOutputs;
  plan: {
    summary: string;
    changes: PlanChange[];
    manual?: string | undefined;
    warnings: string[];
    /** Outputs once applied. */
    outputs: SetupOutputs;
  };
  steps: RunStep[];
}

export type Builder = (env: Env, mode: Mode) => Promise<Built>;

function problemFromError(e: unknown): StepProblem {
  const d = describeError(e);
  return { severity: 'error', message: d.message, hint: d.hint, code: d.code };
}

function errorOf(b: Built): EngineError | undefined {
  const p = b.problems.find((x) => x.severity === 'error');
  return p ? new EngineError(p.code ?? 'INVALID_INPUT', p.message, p.hint) : undefined;
}

export async function inspectWith(id: StepId, title: string, builder: Builder, ctx: SetupContext): Promise<StepInspection> {
  if (ctx.signal?.aborted) throw cancelledError();
  try {
    const env = makeEnv(ctx);
    const b = await builder(env, 'inspect');
    return { step: id, title, status: b.status, summary: b.summary, found: b.found, values: b.values, problems: b.problems, outputs: b.outputs };
  } catch (e) {
    if (isCancelled(e)) throw e;
    const p = problemFromError(e);
    return { step: id, title, status: 'error', summary: p.message, found: [], values: {}, problems: [p], outputs: {} };
  }
}

async function buildForPlan(builder: Builder, ctx: SetupContext, mode: Mode): Promise<Built> {
  if (ctx.signal?.aborted) throw cancelledError();
  const b = await builder(makeEnv(ctx), mode);
  const err = errorOf(b);
  if (err) throw err;
  return b;
}

function toPlan(id: PlanId, title: string, b: Built): SetupPlan {
  return {
    subject: { kind: 'setup', step: id, outputs: b.plan.outputs },
    title,
    summary: b.plan.summary,
    calls: b.steps.map((s) => s.call),
    changes: b.steps.length || b.plan.manual ? b.plan.changes : [],
    preconditions: b.found,
    alreadyDone: b.steps.length === 0 && b.plan.manual === undefined,
    ...(b.plan.manual !== undefined ? { manual: b.plan.manual } : {}),
    warnings: b.plan.warnings,
  };
}

export async function planWith(id: PlanId, title: string, builder: Builder, ctx: SetupContext): Promise<SetupPlan> {
  return toPlan(id, title, await buildForPlan(builder, ctx, 'plan'));
}

/** The inspection and the plan from one build (mode 'plan'). Never throws but CANCELLED. */
export async function reviewWith(id: StepId, title: string, builder: Builder, ctx: SetupContext): Promise<StepReview> {
  if (ctx.signal?.aborted) throw cancelledError();
  let b: Built;
  try {
    b = await builder(makeEnv(ctx), 'plan');
  } catch (e) {
    if (isCancelled(e)) throw e;
    const p = problemFromError(e);
    const d = describeError(e);
    return {
      inspection: { step: id, title, status: 'error', summary: p.message, found: [], values: {}, problems: [p], outputs: {} },
      plan: undefined,
      error: d,
    };
  }
  const inspection: StepInspection = { step: id, title, status: b.status, summary: b.summary, found: b.found, values: b.values, problems: b.problems, outputs: b.outputs };
  const err = errorOf(b);
  return err ? { inspection, plan: undefined, error: describeError(err) } : { inspection, plan: toPlan(id, title, b) };
}

/** The four entry points of a step built with `builder`. */
export function stepFunctions(id: StepId, title: string, builder: Builder): Pick<SetupStep, 'inspect' | 'plan' | 'apply' | 'review'> {
  return {
    inspect: (ctx) => inspectWith(id, title, builder, ctx),
    plan: (ctx) => planWith(id, title, builder, ctx),
    apply: (ctx, plan) => applyWith(id, title, builder, ctx, plan),
    review: (ctx) => reviewWith(id, title, builder, ctx),
  };
}

/** Applies a plan with ../plan's applyPlanned, the step's builder re-planning. Throws only when building again fails. */
export async function applyWith(id: PlanId, title: string, builder: Builder, ctx: SetupContext, planned: SetupPlan): Promise<StepOutcome> {
  let fresh: Built | undefined;
  const state: RunState = {};
  // The re-plan reads what this run has not read yet (a step applied alone: everything); the
  // writes then keep the run's reads true for the steps after it.
  const reads = ctx.reads ?? new RunReads();
  const run = { ...ctx, reads };
  const out = await applyPlanned(planned, async () => {
    fresh = await buildForPlan(builder, run, 'apply');
    const steps = fresh.steps.map((s): RunStep => ({
      ...s,
      async run(st) {
        let ok = false;
        try {
          const message = await s.run(st);
          ok = true;
          return message;
        } finally {
          afterWrite(reads, s.call, st, ok, ctx.config.aws.region);
        }
      },
    }));
    return { plan: toPlan(id, title, fresh), steps };
  }, { signal: ctx.signal, unit: 'call', retry: 'Applying again', state });
  // Outputs: as planned once it is done (or was done already); else as they are now.
  const base = fresh ? (out.ok ? fresh.plan.outputs : fresh.outputs) : {};
  return { step: id, ...out, outputs: { ...base, ...stateOutputs(state) } };
}

function stateOutputs(s: RunState): SetupOutputs {
  return {
    ...(s.providerArn ? { providerArn: s.providerArn } : {}),
    ...(s.poolId ? { poolId: s.poolId } : {}),
    ...(s.roleArn ? { roleArn: s.roleArn } : {}),
  };
}

/** A problem from an EngineError code/message/hint. */
export function problem(severity: StepProblem['severity'], message: string, hint: string, code?: ErrorCode): StepProblem {
  return { severity, message, hint, ...(code ? { code } : {}) };
}

/** Runs `fn`; an EngineError becomes a problem (so one failing read does not hide the rest). Rethrows CANCELLED. */
export async function soft<T>(problems: StepProblem[], fn: () => Promise<T>, severity: StepProblem['severity'] = 'error'): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (isCancelled(e)) throw e;
    problems.push({ ...problemFromError(e), severity });
    return undefined;
  }
}

/** Status from problems and pending calls. */
export function statusOf(problems: StepProblem[], pending: boolean, nothingYet: boolean): StepStatus {
  if (problems.some((p) => p.severity === 'error')) return 'error';
  if (nothingYet) return 'not-started';
  if (pending || problems.length) return 'needs-action';
  return 'done';
}
