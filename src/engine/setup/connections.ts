/**
 * Step 1, connections: who the AWS credentials are (STS GetCallerIdentity) and in which region;
 * that the Auth0 domain answers OpenID Connect discovery with an issuer for that domain; and, when
 * Management API access is given, that it works for the application (token valid, client ID
 * exists, scopes). Reads only: the plan is always empty.
 */
import { loadAuth0 } from '../auth0/connection';
import { expectedLoginsKey } from '../aws/names';
import { withSignal } from '../errors';
import { normalizeProviderUrl } from '../fixes';
import { mask } from '../redact';
import {
  issuerMatchesDomain, problem, soft, statusOf, stepFunctions, type Builder,
} from './core';
import { READ_KEYS } from './cache';
import type { SetupOutputs, SetupStep, StepProblem } from './types';

export const CONNECTIONS_TITLE = 'Connections';

/** Auth0-hosted tenant domains; anything else is a custom domain. */
export function isAuth0TenantDomain(domain: string): boolean {
  return /\.auth0(app)?\.com(:\d+)?$/i.test(domain);
}

const build: Builder = async (env) => {
  const problems: StepProblem[] = [];
  const found: string[] = [];
  const values: Record<string, string> = {};
  const outputs: SetupOutputs = { region: env.region };

  // AWS
  const who = await soft(problems, () => withSignal(env.caller(), env.signal));
  if (who) {
    found.push(`AWS: account ${who.account}, signed in as ${who.arn}, region ${env.region}${env.awsConfig.endpoint ? ` through the endpoint ${env.awsConfig.endpoint}` : ''}${env.awsConfig.profile ? ` (profile "${env.awsConfig.profile}")` : ''}.`);
    values.accountId = who.account;
    values.callerArn = who.arn;
    values.region = env.region;
    outputs.accountId = who.account;
    outputs.callerArn = who.arn;
  }

  // Auth0: discovery
  const disc = await soft(problems, () => withSignal(env.discovery(), env.signal));
  if (disc) {
    values.issuer = disc.issuer;
    if (!issuerMatchesDomain(disc.issuer, env.domain)) {
      let host = disc.issuer;
      try {
        host = new URL(disc.issuer).host;
      } catch {
        // shown as it is
      }
      problems.push(problem('error',
        `The discovery document of ${env.domain} names the issuer ${disc.issuer}, not https://${env.domain}/: ID tokens from this tenant carry iss ${disc.issuer}, so the IAM provider must be for that URL.`,
        `Enter ${host} as the Auth0 domain (the domain in the tokens' iss), or check the tenant's custom domain settings.`, 'AUTH0'));
    } else {
      const url = normalizeProviderUrl(disc.issuer).url;
      found.push(`Auth0: ${disc.url} answers, issuer ${disc.issuer}${isAuth0TenantDomain(env.domain) ? '' : ' (a custom domain: your app must sign in through this same domain, so that the tokens\' iss matches the IAM provider)'}.`);
      outputs.issuer = disc.issuer;
      outputs.jwksUri = disc.jwksUri;
      outputs.providerUrl = url;
      outputs.loginsKey = expectedLoginsKey(url);
      values.loginsKey = outputs.loginsKey;
    }
  }

  // Auth0: Management API
  const creds = env.ctx.management;
  if (creds && !disc) {
    found.push('The Management API access was not checked: the Auth0 domain does not answer (see above).');
  } else if (creds) {
    const session = await soft(problems, () => withSignal(env.management(), env.signal));
    if (session) {
      const how = creds.kind === 'token' ? `a pasted Management API token (${mask(creds.token.replace(/^Bearer\s+/i, '').trim())})` : `the machine-to-machine application ${creds.clientId}`;
      const app = await soft(problems, () => env.reads.read(READ_KEYS.auth0App(env.clientId), () => loadAuth0().getApplication(session, env.clientId, env.signal)));
      if (app) {
        found.push(`Auth0 Management API through ${how}: the application "${app.name}" (${app.clientId}${app.appType ? `, ${app.appType}` : ''}) is readable.`);
        values.applicationName = app.name;
        if (app.alg) outputs.signingAlg = app.alg;
      }
      if (session.scopes) {
        outputs.managementScopes = session.scopes;
        values.managementScopes = session.scopes.join(' ') || '(none)';
        const missing = ['read:clients', 'update:clients'].filter((s) => !session.scopes?.includes(s));
        if (missing.length) {
          problems.push(problem('warning',
            `The Management API token lacks ${missing.join(' and ')} (it has ${session.scopes.length ? session.scopes.join(', ') : 'no scopes'}): the wizard cannot ${missing.includes('read:clients') ? 'read or ' : ''}change the application's settings (signing algorithm, callback URLs).`,
            `Grant ${missing.join(' and ')} to the machine-to-machine application (Dashboard > Applications > APIs > Auth0 Management API > Machine To Machine Applications), then get a new token; or make the Auth0 changes by hand in the Dashboard.`, 'AUTH0'));
        }
      }
    }
  } else {
    found.push('No Auth0 Management API access: the application\'s settings cannot be read or changed here (the wizard then says what to click in the Auth0 Dashboard), and the client ID is only checked when you sign in.');
  }

  const status = statusOf(problems, false, false);
  const summary = status === 'error'
    ? `A connection does not work: ${problems.find((p) => p.severity === 'error')?.message ?? ''}`
    : `The connections work: AWS account ${outputs.accountId ?? '?'} in ${env.region}, Auth0 ${env.domain}${creds ? ' with Management API access' : ''}.`;
  return {
    status,
    summary,
    found,
    values,
    problems,
    outputs,
    plan: { summary: `${summary} This step only checks; it changes nothing.`, changes: [], warnings: [], outputs },
    steps: [],
  };
};

export const connectionsStep: SetupStep = {
  id: 'connections',
  title: CONNECTIONS_TITLE,
  description: 'Checks the AWS credentials and region, the Auth0 domain (OpenID Connect discovery) and, when given, the Management API access.',
  ...stepFunctions('connections', CONNECTIONS_TITLE, build),
};
