/**
 * Step 2, the Auth0 application: it must sign ID tokens with RS256 (Cognito rejects HS256:
 * "Invalid login token. Couldn't verify signed token."), and the tenant must publish an RSA
 * signing key in its JWKS. The switch is the preflight's fix (switchAppToRS256 in ../fixes.ts):
 * a Management API PATCH, or, without Management API access, exactly what to click in the
 * Dashboard.
 */
import { loadAuth0 } from '../auth0/connection';
import { withSignal } from '../errors';
import { buildFix } from '../fixes';
import { getJson } from '../http';
import { decodeToken } from '../token/decode';
import {
  issuerMatchesDomain, problem, soft, statusOf, stepFunctions, type Builder, type RunStep,
} from './core';
import { READ_KEYS } from './cache';
import type { SetupOutputs, SetupStep, StepProblem } from './types';

export const AUTH0_APP_TITLE = 'Auth0 application';

interface Jwk {
  kty?: unknown;
  use?: unknown;
  kid?: unknown;
}

const build: Builder = async (env) => {
  const problems: StepProblem[] = [];
  const found: string[] = [];
  const values: Record<string, string> = {};
  const outputs: SetupOutputs = {};
  const warnings: string[] = [];
  let steps: RunStep[] = [];
  let manual: string | undefined;
  let planSummary = '';
  let changes: { what: string; from: string; to: string }[] = [];

  // Discovery and JWKS
  const disc = await soft(problems, () => withSignal(env.discovery(), env.signal));
  if (disc) {
    if (!issuerMatchesDomain(disc.issuer, env.domain)) {
      problems.push(problem('error', `The discovery document of ${env.domain} names the issuer ${disc.issuer}, which is not this domain.`,
        'Fix the Auth0 domain in the connections step (use the domain in the tokens\' iss).', 'AUTH0'));
    } else {
      outputs.issuer = disc.issuer;
      outputs.jwksUri = disc.jwksUri;
      values.jwksUri = disc.jwksUri;
      const jwks = await soft(problems, () => env.reads.read(READ_KEYS.jwks(disc.jwksUri),
        () => getJson<{ keys?: unknown }>(disc.jwksUri, { trust: env.ctx.trust, timeoutMs: env.timeoutMs, ...(env.signal ? { signal: env.signal } : {}), maxBytes: 1024 * 1024 })));
      if (jwks) {
        const keys: Jwk[] = Array.isArray(jwks.keys) ? jwks.keys.filter((k): k is Jwk => k !== null && typeof k === 'object') : [];
        const rsa = keys.filter((k) => k.kty === 'RSA' && (k.use === undefined || k.use === 'sig'));
        if (!rsa.length) {
          problems.push(problem('error',
            `The JWKS ${disc.jwksUri} holds no RSA signing key (${keys.length} key${keys.length === 1 ? '' : 's'}): Cognito verifies ID tokens only with RSA keys from it.`,
            'Check that the domain is your Auth0 tenant; in Auth0, rotate the signing keys (Dashboard > Settings > Signing Keys) if the list is empty.', 'AUTH0'));
        } else {
          found.push(`The JWKS ${disc.jwksUri} is reachable and holds ${rsa.length} RSA signing key${rsa.length > 1 ? 's' : ''} (${rsa.map((k) => (typeof k.kid === 'string' ? k.kid : '(no kid)')).join(', ')}).`);
        }
      }
    }
  }

  // Signing algorithm
  const why = 'Cognito verifies ID tokens only with the RSA keys of the tenant\'s JWKS, so HS256-signed tokens are rejected ("Invalid login token. Couldn\'t verify signed token.").';
  let pending = false;
  if (env.ctx.management) {
    const session = await soft(problems, () => withSignal(env.management(), env.signal));
    const app = session ? await soft(problems, () => env.reads.read(READ_KEYS.auth0App(env.clientId), () => loadAuth0().getApplication(session, env.clientId, env.signal))) : undefined;
    if (session && app) {
      const label = `"${app.name}" (${app.clientId})`;
      values.signingAlg = app.alg ?? '(not set)';
      if (app.alg === 'RS256') {
        found.push(`The application ${label} signs ID tokens with RS256.`);
        outputs.signingAlg = 'RS256';
        planSummary = `Nothing to change: the application ${label} already signs ID tokens with RS256.`;
      } else {
        pending = true;
        problems.push(problem('warning', `The application ${label} signs ID tokens with ${app.alg ?? 'an unset algorithm'}. ${why}`,
          'Apply this step: it switches the application to RS256 through the Management API.', 'AUTH0'));
        const fix = await buildFix({ kind: 'switchAppToRS256', clientId: env.clientId }, env.fixContext(session));
        steps = fix.steps;
        changes = fix.plan.changes;
        warnings.push(...fix.plan.warnings);
        planSummary = fix.plan.summary;
        manual = fix.plan.manual;
      }
    }
  } else {
    const decoded = env.ctx.idToken ? decodeToken(env.ctx.idToken) : undefined;
    const alg = decoded?.ok ? decoded.alg : undefined;
    const manualFix = await buildFix({ kind: 'switchAppToRS256', clientId: env.clientId }, { aws: env.awsConfig, auth0: { connection: { domain: env.domain }, clientId: env.clientId } });
    if (alg === 'RS256') {
      found.push('The ID token you gave is signed with RS256, so the application signs with RS256 (read without Management API access).');
      outputs.signingAlg = 'RS256';
      planSummary = 'Nothing to change: the application signs ID tokens with RS256.';
    } else if (alg && /^HS/i.test(alg)) {
      pending = true;
      values.signingAlg = alg;
      problems.push(problem('warning', `The ID token you gave is signed with ${alg}: the application signs with ${alg}. ${why}`, manualFix.plan.manual ?? '', 'AUTH0'));
      manual = manualFix.plan.manual;
      planSummary = manualFix.plan.summary;
      changes = [{ what: 'ID token signing algorithm (Dashboard: JsonWebToken Signature Algorithm)', from: alg, to: 'RS256' }];
      warnings.push(...manualFix.plan.warnings);
    } else {
      pending = true;
      const check = `Check by hand that it is RS256: ${manualFix.plan.manual?.split(' Cognito')[0] ?? ''}`;
      problems.push(problem('warning', 'The application\'s signing algorithm cannot be read without Management API access (or an ID token from it).', check, 'AUTH0'));
      warnings.push(`The signing algorithm was not checked (no Management API access, no ID token). ${check}`);
      planSummary = 'Nothing the wizard can change here without Management API access; check the signing algorithm by hand (see the note).';
    }
  }

  const status = statusOf(problems, pending, false);
  return {
    status,
    summary: status === 'done' ? `The application signs ID tokens with RS256 and the tenant publishes RSA keys.` : (problems[0]?.message ?? planSummary),
    found,
    values,
    problems,
    outputs,
    plan: { summary: planSummary || 'Nothing to change.', changes, manual, warnings, outputs: { ...outputs, ...(steps.length ? { signingAlg: 'RS256' } : {}) } },
    steps,
  };
};

export const auth0AppStep: SetupStep = {
  id: 'auth0App',
  title: AUTH0_APP_TITLE,
  description: 'The application must sign ID tokens with RS256, and the tenant must publish an RSA key: Cognito rejects HS256-signed tokens.',
  ...stepFunctions('auth0App', AUTH0_APP_TITLE, build),
};
