/**
 * Step 3, the IAM OpenID Connect provider for the Auth0 domain: found by its URL (scheme,
 * trailing slash and host case aside), else created with the URL without a trailing slash, the
 * application's client ID and the thumbprint of the jwks_uri host. On an existing provider: the
 * missing client ID is added (never removing anyone's), and the current thumbprint when the
 * provider pins thumbprints.
 */
import { iamArnPrefix } from '../aws/env';
import { expectedLoginsKey, providerName } from '../aws/names';
import { withSignal } from '../errors';
import { buildFix, currentThumbprint, normalizeProviderUrl } from '../fixes';
import { listText } from '../format';
import { planCall } from '../plan';
import {
  findProvider, problem, statusOf, stepFunctions, type Builder, type RunStep,
} from './core';
import { READ_KEYS } from './cache';
import { iamTags, setupTags, tagText } from './tags';
import type { SetupOutputs, SetupStep, StepProblem } from './types';

export const OIDC_PROVIDER_TITLE = 'IAM OIDC provider';

/** IAM's limits (IAM user guide). */
export const MAX_THUMBPRINTS = 5;
export const MAX_CLIENT_IDS = 100;

const build: Builder = async (env) => {
  const problems: StepProblem[] = [];
  const found: string[] = [];
  const values: Record<string, string> = {};
  const warnings: string[] = [];
  const changes: { what: string; from: string; to: string }[] = [];
  const steps: RunStep[] = [];
  const aws = env.aws();
  const iam = env.clients();
  const clientId = env.clientId;

  const disc = await withSignal(env.discovery(), env.signal);
  const { url, warnings: urlWarnings } = normalizeProviderUrl(disc.issuer);
  warnings.push(...urlWarnings);
  const name = providerName(url);
  const loginsKey = expectedLoginsKey(url);
  let jwksHost = env.domain;
  try {
    jwksHost = new URL(disc.jwksUri).host;
  } catch {
    // the domain then
  }
  const thumbprint = () => env.reads.read(READ_KEYS.thumbprint(jwksHost),
    () => currentThumbprint(`https://${jwksHost}`, { extraCaPems: env.extraCaPems(), timeoutMs: env.timeoutMs, signal: env.signal }));
  values.providerUrl = url;
  values.loginsKey = loginsKey;

  const existing = await findProvider(env, url);
  const outputs: SetupOutputs = { providerUrl: url, loginsKey, issuer: disc.issuer, jwksUri: disc.jwksUri };
  let summary: string;
  let planSummary: string;
  let predictedArn: string;

  if (!existing) {
    predictedArn = `${await iamArnPrefix(env)}oidc-provider/${name}`;
    const tp = await thumbprint();
    if (tp.warning) warnings.push(tp.warning);
    const thumbprints = tp.thumbprint ? [tp.thumbprint] : [];
    const tags = setupTags(env.config);
    steps.push({
      call: planCall('iam', 'CreateOpenIDConnectProvider', { Url: url, ClientIDList: [clientId], ...(thumbprints.length ? { ThumbprintList: thumbprints } : {}), Tags: iamTags(tags) }),
      pending: `Create the IAM OIDC provider ${url}.`,
      async run(state) {
        state.providerArn = await aws.createOidcProvider(iam, url, [clientId], thumbprints, env.signal, tags);
        return `Created the IAM OIDC provider ${url} (${state.providerArn}) with the client ID ${clientId}${thumbprints.length ? ` and the thumbprint ${thumbprints[0]}` : ''}.`;
      },
    });
    changes.push({ what: `IAM OIDC provider ${url}`, from: '(none)', to: `${predictedArn}: client IDs ${clientId}; thumbprint ${tp.note}; tag ${tagText(tags)}` });
    found.push(`No IAM OIDC provider for ${url} exists in the account.`);
    summary = `No IAM OIDC provider for ${url} yet.`;
    planSummary = `Create the IAM OIDC provider ${url} for the client ID ${clientId}${thumbprints.length ? ` with the thumbprint ${thumbprints[0]} (the last certificate ${jwksHost} presents)` : ''}.`;
  } else {
    predictedArn = existing.arn;
    outputs.providerArn = existing.arn;
    values.providerArn = existing.arn;
    found.push(`The IAM OIDC provider ${existing.arn} exists: client IDs ${listText(existing.clientIds)}; thumbprints ${listText(existing.thumbprints)}.`);
    if (/\/$/.test(existing.url)) {
      warnings.push(`The existing provider's URL ends with a slash (${existing.url}); the wizard would create it without one (${url}). If sign-ins fail with "Issuer doesn't match providerName", create a provider for ${url} and attach that one instead.`);
    }
    if (existing.lookalikes.length) {
      warnings.push(`Other IAM OIDC providers differ from ${url} only by letter case or a trailing slash: ${existing.lookalikes.join(', ')}. The wizard uses ${existing.arn}; the Logins key is "${loginsKey}".`);
    }
    if (!existing.clientIds.includes(clientId)) {
      if (existing.clientIds.length) {
        problems.push(problem('warning',
          `The IAM OIDC provider for ${url} exists, but with other audiences only (${existing.clientIds.join(', ')}), probably for another Auth0 application. IAM allows one provider per URL, so ID tokens of ${clientId} are refused until its client ID is added.`,
          `Apply this step: it adds ${clientId} to the provider's audiences and keeps the existing ones (nothing is removed).`, 'AWS'));
      } else {
        problems.push(problem('warning', `The IAM OIDC provider for ${url} has no client ID (audience) at all.`, `Apply this step: it adds ${clientId}.`, 'AWS'));
      }
      if (existing.clientIds.length >= MAX_CLIENT_IDS) {
        problems.push(problem('error', `The IAM OIDC provider ${name} already has ${existing.clientIds.length} client IDs, IAM's limit.`,
          `Remove a client ID you no longer use (IAM console > Identity providers > ${name} > Audiences), then apply again.`, 'AWS'));
      } else {
        const fix = await buildFix({ kind: 'addClientIdToProvider', providerArn: existing.arn, clientId }, env.fixContext());
        steps.push(...fix.steps);
        changes.push(...fix.plan.changes);
      }
    }
    if (existing.thumbprints.length) {
      const tp = await thumbprint();
      if (tp.warning) warnings.push(tp.warning);
      const have = existing.thumbprints.map((t) => t.toLowerCase());
      if (tp.thumbprint && !have.includes(tp.thumbprint)) {
        const list = [...existing.thumbprints.slice(-(MAX_THUMBPRINTS - 1)), tp.thumbprint];
        const dropped = existing.thumbprints.slice(0, Math.max(0, existing.thumbprints.length - (MAX_THUMBPRINTS - 1)));
        problems.push(problem('warning', `The provider's thumbprints (${existing.thumbprints.join(', ')}) do not include the current one, ${tp.thumbprint}: when IAM falls back to thumbprints, sign-ins fail ("OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint").`,
          'Apply this step: it adds the current thumbprint.', 'AWS'));
        if (dropped.length) warnings.push(`IAM keeps at most ${MAX_THUMBPRINTS} thumbprints: ${dropped.join(', ')} ${dropped.length > 1 ? 'are' : 'is'} dropped (the oldest).`);
        steps.push({
          call: planCall('iam', 'UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: existing.arn, ThumbprintList: list }),
          pending: `Add the current thumbprint ${tp.thumbprint} to the IAM OIDC provider ${name}.`,
          async run() {
            await aws.updateOidcProviderThumbprints(iam, existing.arn, list, env.signal);
            return `Set the thumbprints of the IAM OIDC provider ${name} to ${list.join(', ')}.`;
          },
        });
        changes.push({ what: `Thumbprints of the IAM OIDC provider ${name}`, from: listText(existing.thumbprints), to: listText(list) });
      } else if (tp.thumbprint) {
        found.push(`The current thumbprint ${tp.thumbprint} is listed.`);
      }
    } else {
      found.push('The provider pins no thumbprint: IAM validates the certificate against its trusted root CAs.');
    }
    summary = steps.length ? `The IAM OIDC provider ${name} exists and needs ${steps.length === 1 ? 'a change' : 'changes'}.` : `The IAM OIDC provider ${name} is ready: it accepts ID tokens of ${clientId}.`;
    planSummary = steps.length
      ? `Update the existing IAM OIDC provider ${name}: ${steps.map((s) => s.pending.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())).join('; then ')}.`
      : `Nothing to change: the IAM OIDC provider ${name} exists with the client ID ${clientId}.`;
  }

  return {
    status: statusOf(problems, steps.length > 0, !existing),
    summary,
    found,
    values,
    problems,
    outputs,
    plan: { summary: planSummary, changes, warnings, outputs: { ...outputs, providerArn: predictedArn } },
    steps,
  };
};

export const oidcProviderStep: SetupStep = {
  id: 'oidcProvider',
  title: OIDC_PROVIDER_TITLE,
  description: 'The IAM OpenID Connect provider for the Auth0 domain, with the application\'s client ID as its audience.',
  ...stepFunctions('oidcProvider', OIDC_PROVIDER_TITLE, build),
};
