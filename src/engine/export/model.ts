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
import { expectedLoginsKey, providerNameFromArn, roleNameOf } from '../aws/names';
import { tagsMapped, toAwsPrincipalTags, type PrincipalTagsConfig } from '../aws/principalTags';
import { toAwsRoleMapping } from '../aws/roleMapping';
import type { IdentityPoolConfig, IdentityPoolRolesConfig, OidcProviderDetails, PrincipalTagAttributeMap, RoleDetails } from '../aws/sdk';
import { evaluateTagSession, trustPolicyWithTagSession } from '../aws/trustPolicy';
import { describeError, EngineError, isCancelled } from '../errors';
import type { PlanCall } from '../plan';
import { makeEnv, providerKey } from '../setup/core';
import { ROLE_MAPPINGS_STEP_ID, ROLE_MAPPINGS_TITLE } from '../setup/roleMappings';
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

/** One rule of a Rules mapping (the setup's own role as a Ref). */
export interface MappingRuleModel {
  claim: string;
  matchType: string;
  value: string;
  roleArn: string | Ref;
}

/** A provider's role mapping as the pool will have it (issue 13). */
export interface RoleMappingModel {
  /** The provider name: the mapping's key in GetIdentityPoolRoles, e.g. tenant.auth0.com (the Logins key). */
  provider: string;
  /** The setup's own Auth0 provider: written with the domain parameter / variable. */
  auth0: boolean;
  /** Rules or Token. */
  type: string;
  ambiguousRoleResolution: string | undefined;
  /** In order (the first match wins); empty for Token. */
  rules: MappingRuleModel[];
}

/** The Auth0 provider's claim -> principal tag map (attributes for access control, issue 13). */
export interface PrincipalTagsModel {
  /** The provider name, as the mapping's. */
  provider: string;
  useDefaults: boolean;
  /** Tag key -> claim name (empty with the defaults). */
  tags: Record<string, string>;
  /** The pool has a tag map for the provider already (Terraform imports it). */
  exists: boolean;
}

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
    /** The existing role's trust policy is replaced (pinned to the pool, or sts:TagSession added). */
    replaceTrust: boolean;
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
    /**
     * Every provider's role mapping as the pool will have it: the Auth0 provider's from the plan
     * (config.roles.mapping), the others as they exist (SetIdentityPoolRoles replaces them all,
     * so an export that left them out would clear them).
     */
    roleMappings: RoleMappingModel[];
  };
  /** The Auth0 provider's principal tag map: from the plan (config.roles.principalTags), else as it exists. */
  principalTags: PrincipalTagsModel | undefined;
  /** Roles the mappings' rules can choose other than the setup's role (not part of the export: their trust is the owner's). */
  mappedRoleArns: string[];
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
  /** The pool's provider name for the Auth0 domain (from its OIDC provider ARNs), when the pool lists it. */
  auth0ProviderName?: string | undefined;
  /** That provider's principal tag map (undefined: none). */
  principalTags?: PrincipalTagAttributeMap | undefined;
  /** Reading it failed (said in a note; the export then leaves the tags out). */
  principalTagsError?: string | undefined;
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

/** A trust policy (JSON text) with sts:TagSession added where Cognito may assume the role, when tags are mapped and it is missing. */
function withTagSession(text: string, needed: boolean, poolId: string | undefined): { text: string; added: boolean } {
  if (!needed || evaluateTagSession(text, poolId).allowed) return { text, added: false };
  const next = trustPolicyWithTagSession(text);
  return next ? { text: next, added: true } : { text, added: false };
}

/** A role mapping as GetIdentityPoolRoles / SetIdentityPoolRoles hold it, as the model's (undefined: not an object). */
function mappingOf(provider: string, raw: unknown, auth0: boolean, setupRoleArn: string | undefined): RoleMappingModel | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const rc = r.RulesConfiguration as Record<string, unknown> | undefined;
  const rules = rc && Array.isArray(rc.Rules) ? rc.Rules as Record<string, unknown>[] : [];
  return {
    provider,
    auth0,
    type: str(r.Type) ?? '',
    ambiguousRoleResolution: str(r.AmbiguousRoleResolution),
    rules: rules.slice(0, 100).map((x) => {
      const arn = str(x?.RoleARN) ?? '';
      return { claim: str(x?.Claim) ?? '', matchType: str(x?.MatchType) ?? '', value: str(x?.Value) ?? '', roleArn: setupRoleArn && arn === setupRoleArn ? { ref: 'roleArn' } : arn };
    }),
  };
}

/**
 * The roles-by-user part (issue 13): the role mappings of every provider and the Auth0
 * provider's principal tags as the pool will have them. From the "Roles by user" step's calls
 * when it could plan (the pool exists), else from config.roles (a pool the export creates),
 * else as they exist; SetIdentityPoolRoles replaces every provider's mapping, so the others are
 * carried over as they are.
 */
function rolesByUser(plan: PlanAllResult, config: Pick<SetupConfig, 'roles'>, existing: ExistingState, url: string, setupRoleArn: string | undefined, notes: string[]) {
  const rm = plan.reviews.find((r) => (r.inspection.step as string) === ROLE_MAPPINGS_STEP_ID);
  const planned = rm?.plan && !rm.error ? rm : undefined;
  if (rm && !planned && config.roles) {
    notes.push(`The "${ROLE_MAPPINGS_TITLE}" step cannot be planned yet (${rm.error?.message ?? rm.inspection.summary}); the role mapping and principal tags below are the config's.`);
  }
  const key = (planned ? planned.inspection.values.providerName : undefined) ?? existing.auth0ProviderName ?? expectedLoginsKey(url);
  const isAuth0 = (p: string): boolean => providerKey(p) === providerKey(key);

  // Mappings: the step's SetIdentityPoolRoles carries them all; else the existing ones with the config's for the Auth0 provider.
  const setCall = planned ? findCall(planned, 'SetIdentityPoolRoles') : undefined;
  const existingMappings = (existing.poolRoles?.roleMappings ?? {}) as Record<string, unknown>;
  const raw: Record<string, unknown> = setCall && setCall.params.RoleMappings !== null && typeof setCall.params.RoleMappings === 'object'
    ? { ...(setCall.params.RoleMappings as Record<string, unknown>) }
    : { ...existingMappings };
  if (!setCall && config.roles?.mapping) {
    for (const k of Object.keys(raw)) if (isAuth0(k)) delete raw[k];
    raw[key] = toAwsRoleMapping(config.roles.mapping);
  }
  const roleMappings = Object.entries(raw).slice(0, 50).flatMap(([p, m]) => mappingOf(p, m, isAuth0(p), setupRoleArn) ?? []);
  const kept = roleMappings.filter((m) => !m.auth0 || !config.roles?.mapping).map((m) => m.provider).filter((p) => Object.prototype.hasOwnProperty.call(existingMappings, p));
  if (kept.length) notes.push(`The role mappings of ${kept.join(', ')} exist on the identity pool and are exported as they are: SetIdentityPoolRoles (and the roles attachment) replaces every provider's mapping, so leaving them out would clear them.`);

  // Principal tags: the step's call, else the config's, else the existing map.
  const tagCall = planned ? findCall(planned, 'SetPrincipalTagAttributeMap') : undefined;
  let tagsCfg: PrincipalTagsConfig | undefined;
  if (tagCall) tagsCfg = tagCall.params.UseDefaults === true ? { useDefaults: true } : { useDefaults: false, map: strMap(tagCall.params.PrincipalTags) };
  else if (config.roles?.principalTags) tagsCfg = config.roles.principalTags;
  else if (existing.principalTags) tagsCfg = existing.principalTags.useDefaults ? { useDefaults: true } : { useDefaults: false, map: { ...existing.principalTags.principalTags } };
  const t = tagsCfg ? toAwsPrincipalTags(tagsCfg) : undefined;
  const principalTags: PrincipalTagsModel | undefined = t && (t.UseDefaults || Object.keys(t.PrincipalTags).length)
    ? { provider: key, useDefaults: t.UseDefaults, tags: t.PrincipalTags, exists: existing.principalTags !== undefined }
    : undefined;

  // The step's new trust policies (sts:TagSession, pinning), by role name.
  const trust = new Map<string, string>();
  for (const c of callsOf(planned)) {
    if (c.action === 'UpdateAssumeRolePolicy') {
      const n = str(c.params.RoleName);
      const d = str(c.params.PolicyDocument);
      if (n && d) trust.set(n, d);
    }
  }
  const setupRoleName = setupRoleArn ? roleNameOf(setupRoleArn) : undefined;
  const mappedRoleArns = [...new Set(roleMappings.flatMap((m) => m.rules.map((r) => r.roleArn)).filter((a): a is string => typeof a === 'string'))];
  const otherTrust = [...trust.keys()].filter((n) => n !== setupRoleName);
  if (otherTrust.length) notes.push(`The wizard's plan also replaces the trust policy of ${otherTrust.join(', ')} (chosen by role mapping rules): this export does not manage those roles; give each the trust policy the plan shows (auth0-cognito setup --plan).`);
  return {
    roleMappings,
    principalTags,
    mappedRoleArns,
    mappingsExist: Object.keys(existingMappings).length > 0,
    trustOf: (roleName: string): string | undefined => trust.get(roleName),
  };
}

/**
 * The setup model from the plan and what exists (pure). The plan's calls are laid over the
 * existing resources exactly as applying them would change them.
 */
export function setupModel(plan: PlanAllResult, config: Pick<SetupConfig, 'aws' | 'auth0' | 'roles'>, existing: ExistingState = {}): SetupModel {
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

  // --- roles by user (issue 13): the Auth0 provider's role mapping and principal tags
  const createRole = findCall(roleR, 'CreateRole');
  const roleArnOut = roleR.plan?.subject.outputs.roleArn;
  const setupRoleArn = existing.role?.arn || roleArnOut;
  const byUser = rolesByUser(plan, config, existing, url, setupRoleArn, notes);
  const needTagSession = byUser.principalTags !== undefined && tagsMapped(byUser.principalTags.useDefaults ? { useDefaults: true } : { useDefaults: false, map: byUser.principalTags.tags });

  // --- role
  let role: SetupModel['role'];
  if (createRole) {
    const p = createRole.params;
    const name = str(p.RoleName) ?? '';
    const trust = withTagSession(byUser.trustOf(name) ?? str(p.AssumeRolePolicyDocument) ?? '{}', needTagSession, undefined);
    role = {
      name,
      path: '/',
      description: str(p.Description),
      trustPolicy: withPoolRef(parsePolicy(trust.text), poolId),
      tags: tagsOfIam(p.Tags),
      existingArn: undefined,
      replaceTrust: false,
    };
  } else {
    const e = existing.role;
    if (!roleArnOut || !e) throw new EngineError('INVALID_INPUT', 'The existing role was not read.', 'Export again.');
    const name = roleNameOf(roleArnOut);
    const fix = findCall(roleR, 'UpdateAssumeRolePolicy');
    const planned = byUser.trustOf(name);
    const trust = withTagSession(planned ?? str(fix?.params.PolicyDocument) ?? e.assumeRolePolicyDocument, needTagSession, poolId);
    role = {
      name,
      path: e.path,
      description: e.description,
      trustPolicy: withPoolRef(parsePolicy(trust.text), poolId ?? '\u0000'),
      tags: { ...e.tags },
      existingArn: e.arn || roleArnOut,
      replaceTrust: Boolean(fix || planned || trust.added),
    };
    if (fix) notes.push(`The trust policy of the existing role ${role.name} is replaced by the one below (the wizard's plan does the same).`);
    else if (planned || trust.added) notes.push(`The trust policy of the existing role ${role.name} gets sts:TagSession (principal tags are mapped; the wizard's plan does the same).`);
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

  if (existing.principalTagsError) notes.push(`The principal tag map of the identity pool could not be read (${existing.principalTagsError}); this export leaves principal tags out.`);
  if (byUser.mappedRoleArns.length) {
    notes.push(`Role mapping rules choose ${byUser.mappedRoleArns.join(', ')}: exported as given (they are not part of this setup). Each must trust only this pool's signed-in identities (aud = the pool id, amr = authenticated)${needTagSession ? ' and allow sts:TagSession, since principal tags are mapped' : ''}, or Cognito refuses the credentials.`);
  }

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
    rolesAttachment: { roles, exists: Object.keys(currentRoles).length > 0 || byUser.mappingsExist, roleMappings: byUser.roleMappings },
    principalTags: byUser.principalTags,
    mappedRoleArns: byUser.mappedRoleArns,
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
  // Issue 13: the Auth0 provider's name in the pool, and its principal tag map.
  const url = review(plan, 'oidcProvider')?.inspection.outputs.providerUrl ?? plan.outputs.providerUrl;
  if (poolId && out.pool && url) {
    const want = providerKey(expectedLoginsKey(url));
    out.auth0ProviderName = out.pool.openIdConnectProviderArns.map((a) => providerNameFromArn(a) ?? '').find((n) => n && providerKey(n) === want);
    if (out.auth0ProviderName) {
      try {
        out.principalTags = await aws.getPrincipalTagAttributeMap(clients, poolId, out.auth0ProviderName, signal);
      } catch (e) {
        if (isCancelled(e) || ctx.config.roles?.principalTags) throw e;
        out.principalTagsError = describeError(e).message;
      }
    }
  }
  return out;
}
