/**
 * Step 5, the authenticated role: an existing role (given by name or ARN, or the one the pool
 * already has) is adopted after checking its trust policy with the preflight's rules; otherwise
 * a role is created with the least-privilege trust policy (this pool's signed-in identities only)
 * and a minimal permissions policy. Then SetIdentityPoolRoles makes it the pool's authenticated
 * role, keeping the unauthenticated role and the role mappings.
 */
import { EngineError } from '../errors';
import { authenticatedRoleName, buildFix } from '../fixes';
import { planCall } from '../plan';
import { iamTags, setupTags, tagText } from './tags';
import { runPreflight, type RuleResult } from '../token/preflight';
import { iamArnPrefix } from '../aws/env';
import { poolLabel, roleNameOf } from '../aws/names';
import type { RoleTrust } from '../aws/sdk';
import { evaluateTrustPolicy, readTrustPolicy, recommendedTrustPolicy, samePolicyDocument } from '../aws/trustPolicy';
import { listText } from '../format';
import {
  findPool, manyPoolsError, problem, statusOf, stepFunctions, type Builder, type Env, type RunStep,
} from './core';
import { READ_KEYS } from './cache';
import type { SetupOutputs, SetupStep, StepProblem } from './types';

export const AUTHENTICATED_ROLE_TITLE = 'Authenticated role';

/** Name of the inline policy the wizard puts on roles without any permissions. */
export const MINIMAL_POLICY_NAME = 'auth0-cognito-bridge-minimal';

/**
 * The minimal permissions policy: what the Cognito console gives a new identity pool role. It
 * allows only cognito-identity:GetCredentialsForIdentity (getting fresh credentials for the same
 * identity), i.e. nothing in your account's resources; sts:GetCallerIdentity needs no permission.
 * Add what the app needs (S3, DynamoDB...) to the role yourself.
 */
export const MINIMAL_PERMISSIONS_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'CognitoCredentialsOnly', Effect: 'Allow', Action: ['cognito-identity:GetCredentialsForIdentity'], Resource: '*' }],
}, null, 2);

const POOL_PLACEHOLDER = '<the id of the identity pool created in the previous step>';

/** The preflight's role.trust.* rules for `role` as the authenticated role of `poolId`. */
export function trustFindings(poolId: string, region: string, role: RoleTrust): RuleResult[] {
  const report = runPreflight({
    token: '',
    target: {
      poolId,
      region,
      allowUnauthenticated: false,
      openIdConnectProviderArns: [],
      providers: [],
      authenticatedRole: { arn: role.arn, ...readTrustPolicy(role.assumeRolePolicyDocument) },
    },
  });
  return report.rules.filter((r) => r.id.startsWith('role.trust.'));
}

function description(poolName: string): string {
  // IAM's Description pattern: tab, line breaks, printable ASCII and Latin-1.
  return `Authenticated role of the Cognito identity pool ${poolName} (Auth0 sign-in); trusts only that pool's signed-in identities. Made by the Auth0 Cognito Bridge setup.`
    .replace(/[^\t\n\r\u0020-\u007E\u00A1-\u00FF]/g, '?').slice(0, 1000);
}

interface Choice {
  roleName: string;
  existing: RoleTrust | undefined;
  /** Why this role (for found). */
  why: string;
  /** Trust problems of an existing role may be fixed (the user named it, or the pool uses it). */
  fixTrust: boolean;
  taken: string[];
}

/** GetRole by name (undefined: no such role), once per run. */
function findRoleOnce(env: Env, roleName: string): Promise<RoleTrust | undefined> {
  return env.reads.read(READ_KEYS.role(roleName), () => env.aws().findRole(env.clients(), roleName, env.signal));
}

async function chooseRole(env: Env, poolName: string, poolId: string, currentArn: string | undefined, realPool: boolean): Promise<Choice> {
  const configured = env.config.names.roleName;
  if (configured) {
    const roleName = roleNameOf(configured);
    return { roleName, existing: await findRoleOnce(env, roleName), why: `the role named in the config (${configured})`, fixTrust: true, taken: [] };
  }
  if (currentArn) {
    const roleName = roleNameOf(currentArn);
    return { roleName, existing: await findRoleOnce(env, roleName), why: 'the pool\'s current authenticated role', fixTrust: true, taken: [] };
  }
  const trust = recommendedTrustPolicy(poolId);
  const taken: string[] = [];
  for (let n = 1; n <= 20; n++) {
    const name = authenticatedRoleName(poolName, n);
    const r = await findRoleOnce(env, name);
    if (!r) return { roleName: name, existing: undefined, why: 'the default name', fixTrust: false, taken };
    // Made for this pool before (an apply that failed halfway): use it.
    if (realPool && samePolicyDocument(r.assumeRolePolicyDocument, trust)) return { roleName: name, existing: r, why: 'a role made for this pool before', fixTrust: false, taken };
    taken.push(name);
  }
  throw new EngineError('INVALID_INPUT', `The role names ${taken[0]} to ${taken[taken.length - 1]} are taken by roles with other trust policies.`,
    'Name the role to create or adopt (names.roleName in the config, or the role field of the wizard).');
}

const build: Builder = async (env, mode) => {
  const problems: StepProblem[] = [];
  const found: string[] = [];
  const values: Record<string, string> = {};
  const warnings: string[] = [];
  const changes: { what: string; from: string; to: string }[] = [];
  const steps: RunStep[] = [];
  const aws = env.aws();
  const iam = env.clients();
  const poolName = env.config.names.poolName;

  const fp = await findPool(env);
  if (fp.kind === 'many') {
    const e = manyPoolsError(env, fp.ids);
    problems.push(problem('error', e.message, e.hint, 'INVALID_INPUT'));
    return { status: 'error', summary: e.message, found, values, problems, outputs: {}, plan: { summary: e.message, changes, warnings, outputs: {} }, steps };
  }
  const pool = fp.kind === 'one' ? fp.pool : undefined;
  if (!pool && mode === 'apply') {
    throw new EngineError('INVALID_INPUT', `The identity pool "${poolName}" does not exist yet.`, 'Apply the "Identity pool" step first.');
  }
  if (!pool && mode === 'inspect') {
    found.push(`No identity pool named "${poolName}" yet: the role is set up after the pool.`);
    return { status: 'not-started', summary: 'Waits for the identity pool.', found, values, problems, outputs: {}, plan: { summary: 'Waits for the identity pool.', changes, warnings, outputs: {} }, steps };
  }
  const poolId = pool?.poolId ?? POOL_PLACEHOLDER;
  if (!pool) warnings.push('The identity pool does not exist yet: the trust policy names it by its id, known once the previous step is applied. Plan this step again then to see the exact calls.');
  const label = pool ? poolLabel(pool) : `"${poolName}"`;
  const roles = pool
    ? await env.reads.read(READ_KEYS.poolRoles(pool.poolId), () => aws.getIdentityPoolRolesConfig(env.clients(), pool.poolId, env.signal))
    : { roles: {} as Record<string, string>, roleMappings: {} };
  const current = roles.roles.authenticated;
  if (current) {
    found.push(`The identity pool ${label} has the authenticated role ${current}.`);
    values.currentRoleArn = current;
  } else if (pool) {
    found.push(`The identity pool ${label} has no authenticated role.`);
  }
  if (roles.roles.unauthenticated) found.push(`Unauthenticated (guest) role: ${roles.roles.unauthenticated} (kept).`);

  const trust = recommendedTrustPolicy(poolId);
  const choice = await chooseRole(env, pool?.poolName || poolName, poolId, current, Boolean(pool));
  const { roleName, existing } = choice;
  if (choice.taken.length) warnings.push(`A role named ${listText(choice.taken)} exists with another trust policy; it is left alone and the role is named ${roleName}.`);
  let roleArn: string;
  let nothingYet = false;
  /** The role's trust policy pins this pool's signed-in identities (a created role: by construction). */
  let pinned = true;

  if (existing) {
    roleArn = existing.arn;
    values.roleArn = roleArn;
    found.push(`The role ${roleName} exists (${existing.arn}): ${choice.why}.`);
    if (pool) {
      // The claim "this pool's signed-in identities only" is made only when every Allow statement
      // IAM would evaluate pins aud and amr (./trustPolicy); the rules give the findings.
      pinned = evaluateTrustPolicy(existing.assumeRolePolicyDocument, pool.poolId).pinned;
      const rules = trustFindings(pool.poolId, pool.poolId.split(':')[0] ?? env.region, existing);
      const bad = rules.filter((r) => r.status === 'fail' || r.status === 'warn');
      if (pinned && bad.length === 0) {
        found.push('Its trust policy lets Cognito assume it for this pool\'s signed-in identities only.');
      } else {
        if (!bad.length) problems.push(problem('warning', `The trust policy of ${existing.arn} is not pinned to this pool's signed-in identities.`, 'Replace it with the recommended trust policy.', 'AWS'));
        for (const r of bad) problems.push(problem('warning', r.message, r.hint ?? '', 'AWS'));
        if (choice.fixTrust) {
          const fix = await buildFix({ kind: 'fixRoleTrust', roleArn: existing.arn, poolId: pool.poolId, policy: trust }, env.fixContext());
          steps.push(...fix.steps);
          changes.push(...fix.plan.changes);
          warnings.push(...fix.plan.warnings);
        }
      }
    }
    const perms = await env.reads.read(READ_KEYS.rolePermissions(roleName), () => aws.getRolePermissions(iam, roleName, env.signal));
    if (perms.inlinePolicyNames.length || perms.attachedPolicyArns.length) {
      found.push(`Permissions: ${[...perms.inlinePolicyNames.map((n) => `inline ${n}`), ...perms.attachedPolicyArns].join(', ')}.`);
    } else {
      found.push('It has no permission policy yet.');
      steps.push(putPolicyStep(env, roleName));
      changes.push({ what: `Inline policy ${MINIMAL_POLICY_NAME} of the role ${roleName}`, from: '(none)', to: MINIMAL_PERMISSIONS_POLICY });
    }
  } else {
    nothingYet = !current;
    roleArn = `${await iamArnPrefix(env)}role/${roleName}`;
    const desc = description(pool?.poolName || poolName);
    const tags = setupTags(env.config);
    found.push(`No role named ${roleName} exists.`);
    steps.push({
      call: planCall('iam', 'CreateRole', { RoleName: roleName, AssumeRolePolicyDocument: trust, Description: desc, Tags: iamTags(tags) }),
      pending: `Create the IAM role ${roleName}.`,
      async run(state) {
        state.roleArn = await aws.createRole(iam, { roleName, trustPolicy: trust, description: desc, tags }, env.signal);
        return `Created the IAM role ${roleName} (${state.roleArn}), trusted by the identity pool ${poolId} for signed-in identities only.`;
      },
    });
    steps.push(putPolicyStep(env, roleName));
    changes.push({ what: `IAM role ${roleName}`, from: '(none)', to: `${roleArn}, tag ${tagText(tags)}, trust policy: ${trust}` });
    changes.push({ what: `Inline policy ${MINIMAL_POLICY_NAME} of the role ${roleName}`, from: '(none)', to: MINIMAL_PERMISSIONS_POLICY });
  }
  if (steps.some((s) => s.call.action === 'PutRolePolicy')) {
    warnings.push(`The permissions policy ${MINIMAL_POLICY_NAME} is the minimal one the Cognito console gives new roles: it allows only cognito-identity:GetCredentialsForIdentity, nothing in your account's resources. Add what your app needs (IAM console > Roles > ${roleName} > Add permissions).`);
  }

  if (current !== roleArn) {
    const planned = roleArn;
    const mappings = roles.roleMappings;
    const keepNote = roles.roles.unauthenticated || Object.keys(mappings).length ? '; its unauthenticated role and role mappings are unchanged' : '';
    if (current) warnings.push(`The pool's authenticated role ${current} is replaced by ${roleArn}; the old role itself is left as it is.`);
    steps.push({
      call: planCall('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: poolId, Roles: { ...roles.roles, authenticated: planned }, ...(Object.keys(mappings).length ? { RoleMappings: mappings } : {}) }),
      pending: `Set ${roleName} as the authenticated role of the identity pool ${label}.`,
      async run(state) {
        const arn = state.roleArn ?? planned;
        await aws.setIdentityPoolRoles(env.clients(), poolId, { roles: { ...roles.roles, authenticated: arn }, roleMappings: mappings }, env.signal);
        return `Set ${arn} as the authenticated role of the identity pool ${label}${keepNote}.`;
      },
    });
    changes.push({ what: `Authenticated role of the identity pool ${label}`, from: current ?? '(none)', to: planned });
    if (!nothingYet) problems.push(problem('warning', `The identity pool ${label} does not use ${roleName} as its authenticated role.`, 'Apply this step: it sets the role with SetIdentityPoolRoles.'));
  }

  const outputs: SetupOutputs = existing && current === existing.arn ? { roleArn: existing.arn } : {};
  const created = !existing;
  const planSummary = steps.length === 0
    ? `Nothing to change: ${roleName} is the authenticated role of the identity pool ${label}${pinned ? ', with a trust policy for its signed-in identities only' : ''}.`
    : created
      ? `Create the IAM role ${roleName} with the least-privilege trust policy (this pool's signed-in identities only) and the minimal permissions policy, and set it as the authenticated role of the identity pool ${label}.`
      : `Adopt the existing role ${roleName}: ${steps.map((s) => s.pending.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())).join('; then ')}.`;
  return {
    status: statusOf(problems, steps.length > 0, nothingYet),
    summary: steps.length === 0 ? `${roleName} is the authenticated role of the pool.` : created ? `No authenticated role ${roleName} yet.` : `The role ${roleName} needs ${steps.length === 1 ? 'a change' : 'changes'}.`,
    found,
    values,
    problems,
    outputs,
    plan: { summary: planSummary, changes, warnings, outputs: { roleArn, ...(pool ? { poolId: pool.poolId } : {}) } },
    steps,
  };
};

function putPolicyStep(env: Env, roleName: string): RunStep {
  return {
    call: planCall('iam', 'PutRolePolicy', { RoleName: roleName, PolicyName: MINIMAL_POLICY_NAME, PolicyDocument: MINIMAL_PERMISSIONS_POLICY }),
    pending: `Give the role ${roleName} the minimal permissions policy ${MINIMAL_POLICY_NAME}.`,
    async run() {
      await env.aws().putRolePolicy(env.clients(), roleName, MINIMAL_POLICY_NAME, MINIMAL_PERMISSIONS_POLICY, env.signal);
      return `Gave the role ${roleName} the inline policy ${MINIMAL_POLICY_NAME} (cognito-identity:GetCredentialsForIdentity only).`;
    },
  };
}

export const authenticatedRoleStep: SetupStep = {
  id: 'authenticatedRole',
  title: AUTHENTICATED_ROLE_TITLE,
  description: 'The IAM role signed-in users get: trusted only by this pool\'s signed-in identities, with minimal permissions, attached with SetIdentityPoolRoles.',
  ...stepFunctions('authenticatedRole', AUTHENTICATED_ROLE_TITLE, build),
};
