/**
 * The setup model of the exports (issue 10): what the three formats (CloudFormation, Terraform,
 * the AWS CLI script) write, taken from the SAME plan the wizard applies (planAll: the calls'
 * parameters carry the provider URL without a trailing slash, the client IDs, the thumbprints,
 * the tags, the trust policy, the minimal inline policy, the pool settings) laid over what
 * already exists (the inspections' ARNs and ids, and the existing resources as read).
 *
 *   const plan = await planAll(ctx, EXPORT_STEPS);
 *   const existing = await readExisting(ctx, plan);   // reads only
 *   const model = setupModel(plan, ctx.config, existing);   // pure
 *   renderCloudFormation(model) / renderTerraform(model) / renderAwsCli(model)   // pure
 *
 * Values that only exist once something is created (the pool's id, the provider's and the role's
 * ARNs) are `Ref`s in the model: each format writes its own reference (!Ref, a resource
 * attribute, a shell variable).
 */
import { expectedLoginsKey, roleNameOf } from '../aws/names';
import type { IdentityPoolConfig, IdentityPoolRolesConfig, OidcProviderDetails, RoleDetails } from '../aws/sdk';
import { EngineError } from '../errors';
import type { PlanCall } from '../plan';
import { makeEnv } from '../setup/core';
import { MINIMAL_POLICY_NAME } from '../setup/authenticatedRole';
import { SETUP_TAG_KEY } from '../setup/tags';
import type { PlanAllResult } from '../setup';
import type { SetupConfig, SetupContext, StepId, StepReview } from '../setup/types';

/** The steps an export plans: everything but "Try it". */
export const EXPORT_STEPS: readonly StepId[] = ['connections', 'auth0App', 'oidcProvider', 'identityPool', 'authenticatedRole'];

/** A value known only once a resource exists, written by each format as its own reference. */
export interface Ref {
  ref: 'poolId' | 'providerArn' | 'roleArn';
}

/** JSON with references (policy documents). */
export type Doc = string | number | boolean | null | Ref | Doc[] | { [key: string]: Doc };

export const isRef = (v: unknown): v is Ref => v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Ref).ref === 'string' && Object.keys(v).length === 1;

export interface SetupModel {
  /** The setup's name (the setup tag's value). */
  name: string;
  region: string;
  /** The account the plan was made in (from the predicted ARNs), when known. */
  accountId: string | undefined;
  auth0: {
    /** The provider URL without https:// (host and path, no trailing slash): also the Logins key. */
    domain: string;
    /** The Auth0 application's client ID (the one the setup is for). */
    clientId: string;
  };
  provider: {
    /** https://host[/path], no trailing slash. */
    url: string;
    /** Every client ID the provider will have: the application's and, on an existing provider, the others it keeps. */
    clientIds: string[];
    thumbprints: string[];
    tags: Record<string, string>;
    /** The provider exists already (its ARN). */
    existingArn: string | undefined;
  };
  pool: {
    name: string;
    allowUnauthenticated: boolean;
    allowClassicFlow: boolean;
    /** The pool's other OpenID Connect providers (an existing pool keeps them). */
    otherProviderArns: string[];
    supportedLoginProviders: Record<string, string>;
    developerProviderName: string | undefined;
    cognitoIdentityProviders: { providerName: string; clientId: string; serverSideTokenCheck: boolean }[];
    samlProviderArns: string[];
    tags: Record<string, string>;
    existingId: string | undefined;
  };
  role: {
    name: string;
    path: string;
    description: string | undefined;
    /** The trust policy, the pool's id as a Ref. */
    trustPolicy: Doc;
    tags: Record<string, string>;
    /** The role exists already (its ARN). */
    existingArn: string | undefined;
  };
  /** The minimal inline policy, when the setup gives (or gave) the role one. */
  inlinePolicy: { name: string; document: Doc; exists: boolean } | undefined;
  /** An existing role's other permission policies (inline names, attached ARNs): not part of the export. */
  otherPermissions: string[];
  rolesAttachment: {
    /** authenticated -> the role; an existing pool's unauthenticated role is kept. */
    roles: Record<string, string | Ref>;
    /** The pool has roles set already (SetIdentityPoolRoles replaces them). */
    exists: boolean;
    /** Providers with role mappings on an existing pool (kept by the wizard; not exported). */
    roleMappingProviders: string[];
  };
  /** Things to know, written as comments at the top of each export. */
  notes: string[];
}

/** What exists already, read for the export (reads only). */
export interface ExistingState {
  provider?: OidcProviderDetails | undefined;
  pool?: IdentityPoolConfig | undefined;
  poolRoles?: IdentityPoolRolesConfig | undefined;
  role?: RoleDetails | undefined;
  rolePermissions?: { inlinePolicyNames: string[]; attachedPolicyArns: string[] } | undefined;
  /** The document of the role's inline policy MINIMAL_POLICY_NAME, when it has one. */
  minimalPolicyDocument?: string | undefined;
}

const review = (plan: PlanAllResult, step: StepId): StepReview | undefined => plan.reviews.find((r) => r.inspection.step === step);
const callsOf = (r: StepReview | undefined): PlanCall[] => r?.plan?.calls ?? [];
const findCall = (r: StepReview | undefined, action: string): PlanCall | undefined => callsOf(r).find((c) => c.action === action);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const strMap = (v: unknown): Record<string, string> => (v !== null && typeof v === 'object' && !Array.isArray(v)
  ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
  : {});
const tagsOfIam = (v: unknown): Record<string, string> => (Array.isArray(v)
  ? Object.fromEntries(v.filter((t): t is { Key: string; Value: string } => typeof t?.Key === 'string' && typeof t?.Value === 'string').map((t) => [t.Key, t.Value]))
  : {});

/** A policy document as IAM returns it (maybe URL-encoded) or as the plan holds it, parsed. */
export function parsePolicy(text: string): Doc {
  const t = text.trim();
  let s = t;
  if (!t.startsWith('{')) {
    try {
      s = decodeURIComponent(t);
    } catch {
      // as is
    }
  }
  try {
    return JSON.parse(s) as Doc;
  } catch {
    throw new EngineError('AWS', 'A policy document of the setup is not JSON.', 'Check the role\'s trust policy and inline policy in the IAM console.');
  }
}

const AUD_KEY = 'cognito-identity.amazonaws.com:aud';

/** The trust policy with the pool's id (or the plan's placeholder for a pool not made yet) as a Ref. */
function withPoolRef(doc: Doc, poolId: string | undefined): Doc {
  const walk = (v: Doc, key: string): Doc => {
    if (typeof v === 'string') return key === AUD_KEY && (poolId === undefined || v === poolId) ? { ref: 'poolId' } : v;
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v !== null && typeof v === 'object' && !isRef(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(doc, '');
}

function requireStep(plan: PlanAllResult, step: StepId): StepReview {
  const r = review(plan, step);
  if (!r?.plan) {
    const f = plan.failed;
    throw new EngineError(f?.code ?? 'INVALID_INPUT', f ? `Step "${f.title}" cannot be planned: ${f.message}` : `The setup plan has no "${step}" step.`,
      f?.hint ?? 'Plan the setup (auth0-cognito setup --plan) and fix what it reports, then export again.');
  }
  return r;
}

/**
 * The setup model from the plan and what exists (pure). The plan's calls are laid over the
 * existing resources exactly as applying them would change them.
 */
export function setupModel(plan: PlanAllResult, config: Pick<SetupConfig, 'aws' | 'auth0'>, existing: ExistingState = {}): SetupModel {
  const notes: string[] = [];
  const prov = requireStep(plan, 'oidcProvider');
  const poolR = requireStep(plan, 'identityPool');
  const roleR = requireStep(plan, 'authenticatedRole');
  const outputs = plan.outputs;

  // --- provider
  const create = findCall(prov, 'CreateOpenIDConnectProvider');
  const existingArn = prov.inspection.outputs.providerArn;
  const url = str(create?.params.Url) ?? outputs.providerUrl ?? prov.inspection.outputs.providerUrl ?? '';
  if (!url) throw new EngineError('INVALID_INPUT', 'The setup plan names no IAM OIDC provider URL.', 'Plan the setup (auth0-cognito setup --plan) and fix what it reports.');
  let clientIds: string[];
  let thumbprints: string[];
  let providerTags: Record<string, string>;
  if (create) {
    clientIds = strings(create.params.ClientIDList);
    thumbprints = strings(create.params.ThumbprintList);
    providerTags = tagsOfIam(create.params.Tags);
  } else {
    if (!existingArn || !existing.provider) throw new EngineError('INVALID_INPUT', 'The existing IAM OIDC provider was not read.', 'Export again.');
    clientIds = [...existing.provider.clientIds];
    thumbprints = [...existing.provider.thumbprints];
    providerTags = { ...existing.provider.tags };
    for (const c of callsOf(prov)) {
      if (c.action === 'AddClientIDToOpenIDConnectProvider') {
        const id = str(c.params.ClientID);
        if (id && !clientIds.includes(id)) clientIds.push(id);
      } else if (c.action === 'UpdateOpenIDConnectProviderThumbprint') {
        thumbprints = strings(c.params.ThumbprintList);
      }
    }
  }
  const clientId = config.auth0.clientId.trim();

  // --- pool
  const createPool = findCall(poolR, 'CreateIdentityPool');
  const updatePool = findCall(poolR, 'UpdateIdentityPool');
  const poolId = poolR.inspection.outputs.poolId;
  let pool: SetupModel['pool'];
  const ourArn = existingArn ?? outputs.providerArn;
  if (createPool) {
    const p = createPool.params;
    pool = {
      name: str(p.IdentityPoolName) ?? '',
      allowUnauthenticated: p.AllowUnauthenticatedIdentities === true,
      allowClassicFlow: p.AllowClassicFlow === true,
      otherProviderArns: strings(p.OpenIdConnectProviderARNs).filter((a) => a !== ourArn),
      supportedLoginProviders: {},
      developerProviderName: undefined,
      cognitoIdentityProviders: [],
      samlProviderArns: [],
      tags: strMap(p.IdentityPoolTags),
      existingId: undefined,
    };
  } else {
    const e = existing.pool;
    if (!poolId || !e) throw new EngineError('INVALID_INPUT', 'The existing identity pool was not read.', 'Export again.');
    const p = updatePool?.params;
    const cips = p ? (Array.isArray(p.CognitoIdentityProviders) ? p.CognitoIdentityProviders as Record<string, unknown>[] : []) : e.cognitoIdentityProviders as unknown as Record<string, unknown>[];
    pool = {
      name: e.poolName,
      allowUnauthenticated: p ? p.AllowUnauthenticatedIdentities === true : e.allowUnauthenticated,
      allowClassicFlow: p ? p.AllowClassicFlow === true : e.allowClassicFlow === true,
      otherProviderArns: (p ? strings(p.OpenIdConnectProviderARNs) : e.openIdConnectProviderArns).filter((a) => a !== ourArn),
      supportedLoginProviders: p ? strMap(p.SupportedLoginProviders) : { ...e.supportedLoginProviders },
      developerProviderName: (p ? str(p.DeveloperProviderName) : e.developerProviderName) || undefined,
      cognitoIdentityProviders: cips.map((c) => ({ providerName: str(c.ProviderName) ?? '', clientId: str(c.ClientId) ?? '', serverSideTokenCheck: c.ServerSideTokenCheck === true })),
      samlProviderArns: p ? strings(p.SamlProviderARNs) : [...e.samlProviderArns],
      tags: p ? strMap(p.IdentityPoolTags) : { ...e.tags },
      existingId: poolId,
    };
    if (pool.allowUnauthenticated) notes.push(`The existing identity pool ${poolId} allows guest (unauthenticated) identities; the export keeps that setting as it is.`);
  }

  // --- role
  const createRole = findCall(roleR, 'CreateRole');
  const roleArnOut = roleR.plan?.subject.outputs.roleArn;
  let role: SetupModel['role'];
  if (createRole) {
    const p = createRole.params;
    role = {
      name: str(p.RoleName) ?? '',
      path: '/',
      description: str(p.Description),
      trustPolicy: withPoolRef(parsePolicy(str(p.AssumeRolePolicyDocument) ?? '{}'), poolId),
      tags: tagsOfIam(p.Tags),
      existingArn: undefined,
    };
  } else {
    const e = existing.role;
    if (!roleArnOut || !e) throw new EngineError('INVALID_INPUT', 'The existing role was not read.', 'Export again.');
    const fix = findCall(roleR, 'UpdateAssumeRolePolicy');
    role = {
      name: roleNameOf(roleArnOut),
      path: e.path,
      description: e.description,
      trustPolicy: withPoolRef(parsePolicy(str(fix?.params.PolicyDocument) ?? e.assumeRolePolicyDocument), poolId ?? '\u0000'),
      tags: { ...e.tags },
      existingArn: e.arn || roleArnOut,
    };
    if (fix) notes.push(`The trust policy of the existing role ${role.name} is replaced by the one below (the wizard's plan does the same).`);
  }

  // --- inline policy
  const put = findCall(roleR, 'PutRolePolicy');
  let inlinePolicy: SetupModel['inlinePolicy'];
  if (put) {
    inlinePolicy = { name: str(put.params.PolicyName) ?? MINIMAL_POLICY_NAME, document: parsePolicy(str(put.params.PolicyDocument) ?? '{}'), exists: false };
  } else if (existing.minimalPolicyDocument !== undefined) {
    inlinePolicy = { name: MINIMAL_POLICY_NAME, document: parsePolicy(existing.minimalPolicyDocument), exists: true };
  }
  const perms = existing.rolePermissions;
  const otherPermissions = createRole || !perms ? [] : [
    ...perms.inlinePolicyNames.filter((n) => n !== inlinePolicy?.name).map((n) => `inline policy ${n}`),
    ...perms.attachedPolicyArns,
  ];
  if (otherPermissions.length) notes.push(`The role ${role.name} has permission policies of its own that this export leaves out: ${otherPermissions.join(', ')}.`);

  // --- roles attachment
  const set = findCall(roleR, 'SetIdentityPoolRoles');
  const currentRoles = existing.poolRoles?.roles ?? {};
  const target = set ? strMap(set.params.Roles) : { ...currentRoles };
  const roles: Record<string, string | Ref> = {};
  for (const [k, v] of Object.entries(target)) roles[k] = k === 'authenticated' ? { ref: 'roleArn' } : v;
  if (!roles.authenticated) roles.authenticated = { ref: 'roleArn' };
  const roleMappingProviders = Object.keys(existing.poolRoles?.roleMappings ?? {});
  if (roleMappingProviders.length) notes.push(`The identity pool has role mappings for ${roleMappingProviders.join(', ')}; this export does not describe them.`);

  const auth0 = review(plan, 'auth0App');
  if (auth0?.plan && !auth0.plan.alreadyDone) notes.push(`The Auth0 application ${clientId} must sign ID tokens with RS256 (Application > Advanced Settings > OAuth): ${auth0.plan.summary}`);

  const accountId = /^arn:aws[\w-]*:iam::(\d{12}):/.exec(outputs.providerArn ?? roleArnOut ?? '')?.[1];
  return {
    name: providerTags[SETUP_TAG_KEY] ?? pool.tags[SETUP_TAG_KEY] ?? role.tags[SETUP_TAG_KEY] ?? pool.name,
    region: config.aws.region,
    accountId,
    auth0: { domain: expectedLoginsKey(url), clientId },
    provider: { url, clientIds, thumbprints, tags: providerTags, existingArn },
    pool,
    role,
    inlinePolicy,
    otherPermissions,
    rolesAttachment: { roles, exists: Object.keys(currentRoles).length > 0, roleMappingProviders },
    notes,
  };
}

/** Reads what the plan found existing (reads only): the provider, the pool and its roles, the role and its permissions. */
export async function readExisting(ctx: SetupContext, plan: PlanAllResult): Promise<ExistingState> {
  const env = makeEnv(ctx);
  const aws = env.aws();
  const clients = env.clients();
  const signal = ctx.signal;
  const out: ExistingState = {};
  const providerArn = review(plan, 'oidcProvider')?.inspection.outputs.providerArn;
  const poolR = review(plan, 'identityPool');
  const poolId = poolR?.inspection.outputs.poolId;
  const roleR = review(plan, 'authenticatedRole');
  const roleExists = roleR?.plan && !findCall(roleR, 'CreateRole');
  const roleArn = roleR?.plan?.subject.outputs.roleArn;
  await Promise.all([
    providerArn ? aws.getOidcProviderDetails(clients, providerArn, signal).then((p) => { out.provider = p; }) : undefined,
    poolId ? aws.describeIdentityPoolConfig(clients, poolId, signal).then((p) => { out.pool = p; }) : undefined,
    poolId ? aws.getIdentityPoolRolesConfig(clients, poolId, signal).then((r) => { out.poolRoles = r; }) : undefined,
    roleExists && roleArn ? (async () => {
      const name = roleNameOf(roleArn);
      out.role = await aws.getRoleDetails(clients, name, signal);
      out.rolePermissions = await aws.getRolePermissions(clients, name, signal);
      if (out.rolePermissions.inlinePolicyNames.includes(MINIMAL_POLICY_NAME)) out.minimalPolicyDocument = await aws.getRolePolicyDocument(clients, name, MINIMAL_POLICY_NAME, signal);
    })() : undefined,
  ]);
  return out;
}
