/**
 * Step 4, the Cognito identity pool: found by name (every page of ListIdentityPools) or by the
 * configured id, else created for signed-in users only (no guests, classic flow off) with the IAM
 * provider. An existing pool without the provider gets it with UpdateIdentityPool, which carries
 * every other setting over. Two pools with the same name: pick one by id.
 */
import { poolLabel, providerName } from '../aws/names';
import { EngineError, withSignal } from '../errors';
import { normalizeProviderUrl } from '../fixes';
import { listText } from '../format';
import { planCall } from '../plan';
import {
  findPool, findProviderArn, manyPoolsError, problem, statusOf, stepFunctions, type Builder, type RunStep,
} from './core';
import { setupTags, tagText } from './tags';
import type { SetupOutputs, SetupStep, StepProblem } from './types';

export const IDENTITY_POOL_TITLE = 'Identity pool';


const build: Builder = async (env, mode) => {
  const problems: StepProblem[] = [];
  const found: string[] = [];
  const values: Record<string, string> = {};
  const warnings: string[] = [];
  const changes: { what: string; from: string; to: string }[] = [];
  const steps: RunStep[] = [];
  const aws = env.aws();
  const cog = env.clients();
  const poolName = env.config.names.poolName;

  // The provider (step 3): found by URL; else the ARN step 3 plans (planAll passes it on).
  const disc = await withSignal(env.discovery(), env.signal);
  const { url } = normalizeProviderUrl(disc.issuer);
  const existingArn = await findProviderArn(env, url);
  let providerArn = existingArn;
  if (!providerArn) {
    if (mode === 'apply' || (mode === 'plan' && !env.outputs.providerArn)) {
      throw new EngineError('INVALID_INPUT', `The IAM OIDC provider for ${url} does not exist yet.`, 'Apply the "IAM OIDC provider" step first.');
    }
    providerArn = env.outputs.providerArn;
    if (providerArn) warnings.push(`The IAM OIDC provider ${providerName(url)} is created by the previous step (${providerArn}).`);
  }

  const fp = await findPool(env);
  if (fp.kind === 'many') {
    const e = manyPoolsError(env, fp.ids);
    problems.push(problem('error', e.message, e.hint, 'INVALID_INPUT'));
    values.poolIds = fp.ids.join(', ');
    return { status: 'error', summary: e.message, found, values, problems, outputs: {}, plan: { summary: e.message, changes, warnings, outputs: {} }, steps };
  }

  const outputs: SetupOutputs = {};
  let summary: string;
  let planSummary: string;
  if (fp.kind === 'none') {
    found.push(`No identity pool named "${poolName}" in ${env.region}.`);
    summary = `No identity pool named "${poolName}" yet.`;
    const arns = providerArn ? [providerArn] : [];
    const tags = setupTags(env.config);
    steps.push({
      call: planCall('cognito-identity', 'CreateIdentityPool', {
        IdentityPoolName: poolName,
        AllowUnauthenticatedIdentities: false,
        AllowClassicFlow: false,
        OpenIdConnectProviderARNs: arns,
        IdentityPoolTags: tags,
      }),
      pending: `Create the identity pool "${poolName}".`,
      async run(state) {
        const arn = state.providerArn ?? providerArn;
        state.pool = await aws.createIdentityPool(cog, { name: poolName, openIdConnectProviderArns: arn ? [arn] : [], tags }, env.signal);
        state.poolId = state.pool.poolId;
        return `Created the identity pool "${poolName}" (${state.poolId}) for signed-in users only (no guest access, classic flow off) with the IAM OIDC provider ${arn ? providerName(url) : '(none)'}.`;
      },
    });
    changes.push({ what: `Identity pool "${poolName}" in ${env.region}`, from: '(none)', to: `guest access off, classic flow off, OpenID Connect providers: ${listText(arns)}; tag ${tagText(tags)}` });
    planSummary = `Create the identity pool "${poolName}" in ${env.region} for signed-in users only (AllowUnauthenticatedIdentities and AllowClassicFlow false) with the IAM OIDC provider ${providerName(url)}.`;
  } else {
    const pool = fp.pool;
    const label = poolLabel(pool);
    outputs.poolId = pool.poolId;
    values.poolId = pool.poolId;
    if (env.config.names.poolId && pool.poolName !== poolName) {
      warnings.push(`The pool ${pool.poolId} is named "${pool.poolName}", not "${poolName}".`);
    }
    found.push(`The identity pool ${label} exists: OpenID Connect providers ${listText(pool.openIdConnectProviderArns)}; guest access ${pool.allowUnauthenticated ? 'ON' : 'off'}${pool.allowClassicFlow === undefined ? '' : `; classic flow ${pool.allowClassicFlow ? 'ON' : 'off'}`}.`);
    if (pool.allowUnauthenticated) {
      warnings.push(`The identity pool ${label} allows unauthenticated (guest) identities: anyone can get its unauthenticated role's credentials without signing in. The wizard leaves that setting alone; turn guest access off unless the app needs it (identity pool > User access > Guest access, or the token inspector's fix).`);
    }
    if (pool.allowClassicFlow) warnings.push(`The identity pool ${label} allows the basic (classic) authflow; the wizard's setup uses the enhanced flow only.`);
    if (providerArn && !pool.openIdConnectProviderArns.includes(providerArn)) {
      const arns = [...pool.openIdConnectProviderArns, providerArn];
      const input = aws.identityPoolUpdateInput(pool, { openIdConnectProviderArns: arns });
      const arnNow = providerArn;
      steps.push({
        call: planCall('cognito-identity', 'UpdateIdentityPool', input),
        pending: `Attach the IAM OIDC provider ${providerName(url)} to the identity pool ${label}.`,
        async run(state) {
          const arn = state.providerArn ?? arnNow;
          await aws.updateIdentityPool(cog, pool, { openIdConnectProviderArns: [...pool.openIdConnectProviderArns, arn] }, env.signal);
          return `Attached the IAM OIDC provider ${providerName(url)} to the identity pool ${label}; its other settings are unchanged.`;
        },
      });
      changes.push({ what: `OpenID Connect providers of the identity pool ${label}`, from: listText(pool.openIdConnectProviderArns), to: listText(arns) });
      problems.push(problem('warning', `The identity pool ${label} does not list the IAM OIDC provider ${providerName(url)}: Cognito answers "Token is not from a supported provider of this identity pool."`,
        'Apply this step: it attaches the provider and keeps every other setting of the pool.'));
      summary = `The identity pool ${label} exists without the IAM OIDC provider.`;
      planSummary = `Attach the IAM OIDC provider ${providerName(url)} to the identity pool ${label}, keeping every other setting of the pool (UpdateIdentityPool replaces the whole configuration, so all of it is sent back).`;
    } else if (!providerArn) {
      problems.push(problem('warning', `The IAM OIDC provider for ${url} does not exist yet, so the identity pool ${label} cannot list it.`, 'Apply the "IAM OIDC provider" step, then this one.'));
      summary = `The identity pool ${label} exists; the IAM OIDC provider does not yet.`;
      planSummary = summary;
    } else {
      summary = `The identity pool ${label} is ready: it lists the IAM OIDC provider.`;
      planSummary = `Nothing to change: the identity pool ${label} lists the IAM OIDC provider ${providerName(url)}.`;
    }
  }
  return {
    status: statusOf(problems, steps.length > 0, fp.kind === 'none'),
    summary,
    found,
    values,
    problems,
    outputs: { ...outputs, ...(existingArn ? { providerArn: existingArn } : {}) },
    plan: { summary: planSummary, changes, warnings, outputs: { ...outputs, ...(providerArn ? { providerArn } : {}) } },
    steps,
  };
};

export const identityPoolStep: SetupStep = {
  id: 'identityPool',
  title: IDENTITY_POOL_TITLE,
  description: 'The Cognito identity pool: authenticated identities only, classic flow off, with the IAM OIDC provider.',
  ...stepFunctions('identityPool', IDENTITY_POOL_TITLE, build),
};
