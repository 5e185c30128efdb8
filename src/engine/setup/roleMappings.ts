/**
 * Optional step "Roles by user" (issue 13): the role mapping of the Auth0 provider and its
 * claim -> principal tag map, from config.roles. Plans, in this order:
 *  1. for every role the mapping can choose (each rule's role; the authenticated role when it is
 *     the fallback): its trust policy pinned to this pool's signed-in identities (judged by
 *     ../aws/trustPolicy; the fix is ../fixes' fixRoleTrust, or the same policy with
 *     sts:TagSession when tags are mapped) and, when principal tags are mapped, sts:TagSession
 *     added (every role the provider can give, the authenticated role included);
 *  2. SetIdentityPoolRoles with the new mapping for the Auth0 provider's key, keeping the roles
 *     and the other providers' mappings;
 *  3. SetPrincipalTagAttributeMap.
 * A config without `roles` changes nothing (the pool's mappings are shown, not touched).
 *
 * In SETUP_STEPS after the authenticated role: the wizard's "Roles by user" step, and part of
 * `setup --plan/--apply` when the config has `roles`.
 */
import { EngineError } from '../errors';
import { buildFix } from '../fixes';
import { planCall } from '../plan';
import { poolLabel, providerNameFromArn, roleNameOf } from '../aws/names';
import type { IdentityPoolRolesConfig, PrincipalTagAttributeMap, RoleTrust } from '../aws/sdk';
import { evaluateTagSession, evaluateTrustPolicy, recommendedTrustPolicy, recommendedTrustPolicyWithTags, trustPolicyWithTagSession } from '../aws/trustPolicy';
import { describeRoleMapping, fromAwsRoleMapping, rolesOfMapping, sameRoleMapping, toAwsRoleMapping, type RoleMappingConfig } from '../aws/roleMapping';
import { effectiveTagMap, samePrincipalTags, tagsMapped, toAwsPrincipalTags, type PrincipalTagsConfig } from '../aws/principalTags';
import { READ_KEYS } from './cache';
import {
  findPool, inspectWith, manyPoolsError, planWith, applyWith, reviewWith, problem, providerKey, statusOf,
  type Builder, type Env, type RunStep,
} from './core';
import type { SetupStep, StepId, StepProblem } from './types';

export const ROLE_MAPPINGS_TITLE = 'Roles by user';
export const ROLE_MAPPINGS_STEP_ID = 'roleMappings' as const;
const STEP_ID: StepId = ROLE_MAPPINGS_STEP_ID;

/** The run's read of a provider's principal tag map (not in READ_KEYS: SetPrincipalTagAttributeMap clears the run's reads). */
const tagMapKey = (poolId: string, provider: string): string => `cognito-identity:GetPrincipalTagAttributeMap|${poolId}|${provider}`;

function fromAwsTags(m: PrincipalTagAttributeMap | undefined): PrincipalTagsConfig | undefined {
  if (!m) return undefined;
  if (m.useDefaults) return { useDefaults: true };
  return Object.keys(m.principalTags).length ? { useDefaults: false, map: { ...m.principalTags } } : undefined;
}

function tagsText(c: PrincipalTagsConfig | undefined): string {
  if (!c) return '(none)';
  const map = effectiveTagMap(c);
  const pairs = Object.entries(map).map(([k, v]) => `${k} <- ${v}`).join(', ');
  return c.useDefaults ? `the default tags (${pairs})` : pairs || '(none)';
}

const build: Builder = async (env, mode) => {
  const problems: StepProblem[] = [];
  const found: string[] = [];
  const values: Record<string, string> = {};
  const warnings: string[] = [];
  const changes: { what: string; from: string; to: string }[] = [];
  const steps: RunStep[] = [];
  const aws = env.aws();
  const want = env.config.roles;
  const empty = (status: 'not-started' | 'done' | 'error', summary: string) => ({ status, summary, found, values, problems, outputs: {}, plan: { summary, changes, warnings, outputs: {} }, steps });

  // Optional: without roles in the config, planning and applying read nothing (a setup without
  // roles by user makes exactly the calls it made before this step existed); checking shows
  // what the pool has.
  if ((!want || (!want.mapping && !want.principalTags)) && mode !== 'inspect') {
    return empty('done', 'Nothing to change: the config sets no role mapping or principal tags; the pool\'s mappings are left as they are.');
  }

  const fp = await findPool(env);
  if (fp.kind === 'many') {
    const e = manyPoolsError(env, fp.ids);
    problems.push(problem('error', e.message, e.hint, 'INVALID_INPUT'));
    return empty('error', e.message);
  }
  if (fp.kind === 'none') {
    if (mode === 'apply' && want) throw new EngineError('INVALID_INPUT', `The identity pool "${env.config.names.poolName}" does not exist yet.`, 'Apply the "Identity pool" and "Authenticated role" steps first.');
    found.push(`No identity pool named "${env.config.names.poolName}" yet: roles by user are set up after the pool and its authenticated role.`);
    if (want) warnings.push('The identity pool does not exist yet: plan this step again once it does to see the exact calls.');
    return empty('not-started', 'Waits for the identity pool.');
  }
  const pool = fp.pool;
  const poolId = pool.poolId;
  const label = poolLabel(pool);

  // The mapping's key: the name of the pool's IAM provider for the Auth0 domain (the Logins key).
  const wantKey = providerKey(`https://${env.domain}`);
  const providerArn = pool.openIdConnectProviderArns.find((a) => providerKey(providerNameFromArn(a) ?? '') === wantKey);
  const key = providerArn ? providerNameFromArn(providerArn) ?? wantKey : undefined;
  if (!key) {
    const msg = `The identity pool ${label} does not list an IAM OIDC provider for ${env.domain} yet.`;
    // Planning everything (planAll): the "Identity pool" step attaches the provider first, so this is not an error yet.
    if (want) problems.push(problem(mode === 'apply' ? 'error' : 'warning', msg, 'Apply the "OIDC provider" and "Identity pool" steps first: role mappings are set per provider.', 'INVALID_INPUT'));
    found.push(msg);
    if (want && mode === 'plan') warnings.push('The identity pool does not list the provider yet: plan this step again once the earlier steps are applied to see the exact calls.');
    return empty(want && mode === 'apply' ? 'error' : 'not-started', msg);
  }
  values.providerName = key;

  const roles: IdentityPoolRolesConfig = await env.reads.read(READ_KEYS.poolRoles(poolId), () => aws.getIdentityPoolRolesConfig(env.clients(), poolId, env.signal));
  const authArn = roles.roles.authenticated;
  const current = fromAwsRoleMapping(roles.roleMappings[key]);
  const others = Object.keys(roles.roleMappings).filter((k) => k !== key);
  if (roles.roleMappings[key] && !current) found.push(`The pool has a role mapping for ${key} that this extension cannot read: ${JSON.stringify(roles.roleMappings[key]).slice(0, 300)}.`);
  else found.push(current ? `Role mapping for ${key}: ${describeRoleMapping(current)}.` : `No role mapping for ${key}: every signed-in user gets the authenticated role${authArn ? ` ${authArn}` : ''}.`);
  if (others.length) found.push(`Role mappings of other providers (kept): ${others.join(', ')}.`);

  // The tag map: read strictly when the config sets it, softly otherwise (it decides whether sts:TagSession is needed).
  let currentTags: PrincipalTagsConfig | undefined;
  try {
    currentTags = fromAwsTags(await env.reads.read(tagMapKey(poolId, key), () => aws.getPrincipalTagAttributeMap(env.clients(), poolId, key, env.signal)));
    found.push(currentTags ? `Principal tags for ${key}: ${tagsText(currentTags)}.` : `No principal tags for ${key}.`);
  } catch (e) {
    if (want?.principalTags) throw e;
    warnings.push(`The principal tag map of ${key} could not be read (${e instanceof Error ? e.message : String(e)}); sts:TagSession was not checked.`);
  }

  if (!want || (!want.mapping && !want.principalTags)) {
    return { status: 'done' as const, summary: 'Optional: no roles by user in the config; the pool\'s mappings are left as they are.', found, values, problems, outputs: {}, plan: { summary: 'Nothing to change: the config sets no role mapping or principal tags.', changes, warnings, outputs: {} }, steps };
  }
  const mapping: RoleMappingConfig | undefined = want.mapping ?? current;
  const tags: PrincipalTagsConfig | undefined = want.principalTags ?? currentTags;
  const needTagSession = tagsMapped(tags);

  // 1. Trust of every role the provider can give.
  const reach = rolesOfMapping(mapping);
  const check: Array<{ arn: string; why: string; full: boolean }> = reach.roleArns.map((arn) => ({ arn, why: `chosen by a rule of the mapping`, full: true }));
  if ((reach.authenticatedRole || needTagSession) && authArn && !check.some((c) => c.arn === authArn)) check.push({ arn: authArn, why: 'the authenticated role', full: false });
  if (reach.fromToken) warnings.push('With a Token mapping the roles come from the tokens (cognito:preferred_role, cognito:roles): each such role must trust this pool\'s signed-in identities' + (needTagSession ? ' and allow sts:TagSession' : '') + '; they are not known in advance, so they are not checked here.');
  if (mapping && mapping.ambiguousRoleResolution === 'AuthenticatedRole' && !authArn) {
    problems.push(problem('warning', `The mapping falls back to the authenticated role, but the pool ${label} has none: users no rule matches get "Invalid identity pool configuration".`, 'Apply the "Authenticated role" step, or use "Deny".'));
  }
  for (const c of check.slice(0, 30)) {
    const name = roleNameOf(c.arn);
    const role: RoleTrust | undefined = await env.reads.read(READ_KEYS.role(name), () => aws.findRole(env.clients(), name, env.signal));
    if (!role) {
      problems.push(problem('error', `The role ${c.arn} (${c.why}) does not exist.`, 'Create the role (with the trust policy for this pool) or fix the rule\'s role ARN.', 'AWS'));
      continue;
    }
    const ev = evaluateTrustPolicy(role.assumeRolePolicyDocument, poolId);
    if (!ev.pinned) {
      if (!c.full) {
        warnings.push(`The authenticated role ${c.arn} is not pinned to this pool's signed-in identities; the "Authenticated role" step fixes it.`);
      } else if (needTagSession) {
        const policy = recommendedTrustPolicyWithTags(poolId);
        steps.push(trustStep(env, name, policy, `Replace the trust policy of the role ${name} (${c.why}): this pool's signed-in identities only, with sts:TagSession.`));
        changes.push({ what: `Trust policy of the role ${name}`, from: [ev.principal, ev.aud, ev.amr].filter((v) => v.status === 'fail').map((v) => v.message).join(' ') || '(not pinned)', to: policy });
        continue;
      } else {
        const fix = await buildFix({ kind: 'fixRoleTrust', roleArn: c.arn, poolId, policy: recommendedTrustPolicy(poolId) }, env.fixContext());
        steps.push(...fix.steps);
        changes.push(...fix.plan.changes);
        warnings.push(...fix.plan.warnings);
        continue;
      }
    } else found.push(`The role ${name} (${c.why}) trusts only this pool's signed-in identities.`);
    if (needTagSession) {
      const ts = evaluateTagSession(role.assumeRolePolicyDocument, poolId);
      if (ts.allowed) found.push(`The role ${name} allows sts:TagSession.`);
      else {
        const policy = trustPolicyWithTagSession(role.assumeRolePolicyDocument) ?? recommendedTrustPolicyWithTags(poolId);
        steps.push(trustStep(env, name, policy, `Add sts:TagSession to the trust policy of the role ${name} (${c.why}): principal tags are mapped.`));
        changes.push({ what: `Trust policy of the role ${name}`, from: ts.message, to: policy });
      }
    }
  }

  // 2. The mapping.
  if (want.mapping && !sameRoleMapping(want.mapping, current)) {
    const next = { ...roles.roleMappings, [key]: toAwsRoleMapping(want.mapping) } as IdentityPoolRolesConfig['roleMappings'];
    steps.push({
      call: planCall('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: poolId, Roles: roles.roles, RoleMappings: next }),
      pending: `Set the role mapping of ${key} on the identity pool ${label}.`,
      async run() {
        await aws.setIdentityPoolRoles(env.clients(), poolId, { roles: roles.roles, roleMappings: next }, env.signal);
        return `Set the role mapping of ${key} on the identity pool ${label}: ${describeRoleMapping(want.mapping as RoleMappingConfig)}${others.length ? `; the mappings of ${others.join(', ')} and the pool's roles are unchanged` : '; the pool\'s roles are unchanged'}.`;
      },
    });
    changes.push({ what: `Role mapping of ${key} (identity pool ${label})`, from: current ? describeRoleMapping(current) : '(none)', to: describeRoleMapping(want.mapping) });
  } else if (want.mapping) found.push(`The role mapping of ${key} is as configured.`);

  // 3. The tag map.
  if (want.principalTags && !samePrincipalTags(want.principalTags, currentTags)) {
    const t = toAwsPrincipalTags(want.principalTags);
    steps.push({
      call: planCall('cognito-identity', 'SetPrincipalTagAttributeMap', { IdentityPoolId: poolId, IdentityProviderName: key, ...t }),
      pending: `Set the principal tags of ${key} on the identity pool ${label}.`,
      async run() {
        await aws.setPrincipalTagAttributeMap(env.clients(), poolId, key, { useDefaults: t.UseDefaults, principalTags: t.PrincipalTags }, env.signal);
        return `Set the principal tags of ${key} on the identity pool ${label}: ${tagsText(want.principalTags)}.`;
      },
    });
    changes.push({ what: `Principal tags of ${key} (identity pool ${label})`, from: tagsText(currentTags), to: tagsText(want.principalTags) });
  } else if (want.principalTags) found.push(`The principal tags of ${key} are as configured.`);

  const summary = steps.length === 0
    ? `Nothing to change: the role mapping and principal tags of ${key} are as configured, and every role they can give trusts this pool${needTagSession ? ' with sts:TagSession' : ''}.`
    : `Roles by user for ${key}: ${steps.map((s) => s.pending.replace(/\.$/, '').replace(/^./, (ch) => ch.toLowerCase())).join('; then ')}.`;
  return {
    status: statusOf(problems, steps.length > 0, false),
    summary: steps.length === 0 ? 'Roles by user are set up as configured.' : `Roles by user need ${steps.length === 1 ? 'a change' : `${steps.length} changes`}.`,
    found,
    values,
    problems,
    outputs: {},
    plan: { summary, changes, warnings, outputs: { poolId } },
    steps,
  };
};

function trustStep(env: Env, roleName: string, policy: string, pending: string): RunStep {
  return {
    call: planCall('iam', 'UpdateAssumeRolePolicy', { RoleName: roleName, PolicyDocument: policy }),
    pending,
    async run() {
      await env.aws().updateAssumeRolePolicy(env.clients(), roleName, policy, env.signal);
      return `Updated the trust policy of the role ${roleName}.`;
    },
  };
}

/** The step (a SetupStep with its id). */
export type RoleMappingsStep = SetupStep & { id: typeof ROLE_MAPPINGS_STEP_ID };

export const roleMappingsStep: RoleMappingsStep = {
  id: ROLE_MAPPINGS_STEP_ID,
  title: ROLE_MAPPINGS_TITLE,
  description: 'Optional: different roles for different users (rules on token claims, or roles named in the token) and claims as principal tags for IAM conditions; every role they can give trusts only this pool.',
  inspect: (ctx) => inspectWith(STEP_ID, ROLE_MAPPINGS_TITLE, build, ctx),
  plan: (ctx) => planWith(STEP_ID, ROLE_MAPPINGS_TITLE, build, ctx),
  apply: (ctx, plan) => applyWith(STEP_ID, ROLE_MAPPINGS_TITLE, build, ctx, plan),
  review: (ctx) => reviewWith(STEP_ID, ROLE_MAPPINGS_TITLE, build, ctx),
};
