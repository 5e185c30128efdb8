/**
 * Step 6, "Try it": with an ID token (from signing in, see ../signin.ts, or pasted), run the
 * preflight against the pool that was built, then the real exchange, GetId + GetCredentialsForIdentity
 * with the right Logins key, and STS GetCallerIdentity signed WITH the temporary credentials.
 * A token the preflight says Cognito would reject (expired, HS256, wrong audience...) is not sent:
 * the preflight's message, with its fix, comes first. Makes no write call.
 */
import { cancelledError, describeError, EngineError, isCancelled } from '../errors';
import { planCall } from '../plan';
import { JwksCache } from '../token/jwks';
import { inspectToken } from '../token/inspect';
import type { PreflightReport } from '../token/preflight';
import { expectedLoginsKey } from '../aws/names';
import { mask } from '../redact';
import { normalizeTokenInput } from '../token/decode';
import { findPool, makeEnv, manyPoolsError, problem, type Env } from './core';
import type { SetupContext, SetupOutputs, SetupStep, StepInspection, StepOutcome, SetupPlan, StepProblem, StepReview, TryItResult } from './types';

export const TRY_IT_TITLE = 'Try it';

interface Prepared {
  env: Env;
  token: string;
  poolId: string;
  loginsKey: string;
  report: PreflightReport;
  notes: string[];
}

function noToken(): EngineError {
  return new EngineError('INVALID_INPUT', 'No ID token to try.', 'Sign in with Auth0 (the wizard opens the browser) or paste an ID token of the application.');
}

/** Reads the pool and runs the preflight on the token (reads only). */
async function prepare(ctx: SetupContext): Promise<Prepared> {
  if (ctx.signal?.aborted) throw cancelledError();
  if (!ctx.idToken?.trim()) throw noToken();
  const env = makeEnv(ctx);
  const token = normalizeTokenInput(ctx.idToken);
  const fp = await findPool(env);
  if (fp.kind === 'many') throw manyPoolsError(env, fp.ids);
  if (fp.kind === 'none') throw new EngineError('INVALID_INPUT', `The identity pool "${env.config.names.poolName}" does not exist yet.`, 'Apply the earlier steps first.');
  const poolId = fp.pool.poolId;
  // The pool is read while the signature is checked (a fresh key cache: the keys as they are now).
  const { report, notes } = await inspectToken(token, {
    pool: { poolId, clients: env.clients() }, aws: env.awsConfig, trust: env.ctx.trust, timeoutMs: env.timeoutMs,
    signal: env.signal, cache: new JwksCache(), clientId: env.clientId,
  });
  const disc = await env.discovery().catch(() => undefined);
  const fallbackKey = disc ? expectedLoginsKey(disc.issuer) : env.domain;
  return { env, token, poolId, loginsKey: report.expectedLoginsKey ?? fallbackKey, report, notes };
}

function failures(report: PreflightReport): StepProblem[] {
  return report.rules
    .filter((r) => r.status === 'fail')
    .map((r) => problem('error', `${r.title}: ${r.message}${r.awsError ? ` Cognito would answer: "${r.awsError}"` : ''}`, r.hint ?? '', 'INVALID_INPUT'));
}

async function inspect(ctx: SetupContext): Promise<StepInspection> {
  const base = { step: 'tryIt' as const, title: TRY_IT_TITLE, values: {} as Record<string, string>, outputs: {} as SetupOutputs };
  if (!ctx.idToken?.trim()) {
    return { ...base, status: 'not-started', summary: 'Sign in with Auth0 or paste an ID token to try the setup.', found: [], problems: [] };
  }
  try {
    const fp = await findPool(makeEnv(ctx));
    if (fp.kind === 'none') {
      return { ...base, status: 'not-started', summary: 'Waits for the identity pool: apply the earlier steps first.', found: [], problems: [] };
    }
    const p = await prepare(ctx);
    const problems = failures(p.report);
    const values = { poolId: p.poolId, loginsKey: p.loginsKey };
    if (problems.length) {
      return { ...base, values, status: 'error', summary: p.report.summary, found: [...p.notes], problems };
    }
    const verdict = p.report.verdict === 'pass'
      ? `The preflight against ${p.poolId} passes.`
      : `No check of the preflight against ${p.poolId} fails, but it cannot confirm the token: ${p.report.unconfirmed.join(' ')}`;
    return { ...base, values, status: 'needs-action', summary: `${p.report.summary} Try it to exchange the token for AWS credentials.`, found: [verdict, ...p.notes], problems: [] };
  } catch (e) {
    if (isCancelled(e)) throw e;
    const d = describeError(e);
    return { ...base, status: 'error', summary: d.message, found: [], problems: [problem('error', d.message, d.hint, d.code)] };
  }
}

function calls(poolId: string, loginsKey: string, token: string) {
  const logins = { [loginsKey]: mask(token, 6) };
  return [
    planCall('cognito-identity', 'GetId', { IdentityPoolId: poolId, Logins: logins }),
    planCall('cognito-identity', 'GetCredentialsForIdentity', { IdentityId: '<from GetId>', Logins: logins }, 'read'),
    planCall('sts', 'GetCallerIdentity', { credentials: 'the temporary credentials from GetCredentialsForIdentity' }, 'read'),
  ];
}

async function plan(ctx: SetupContext): Promise<SetupPlan> {
  const base = { title: TRY_IT_TITLE, changes: [], preconditions: [] as string[], alreadyDone: false, warnings: [] as string[] };
  if (!ctx.idToken?.trim()) {
    return { ...base, subject: { kind: 'setup', step: 'tryIt', outputs: {} }, summary: 'Nothing to try yet: sign in with Auth0 or paste an ID token.', calls: [] };
  }
  const p = await prepare(ctx);
  const fail = failures(p.report);
  if (fail.length) {
    const first = fail[0];
    throw new EngineError('INVALID_INPUT', `Cognito would reject this token: ${first?.message ?? p.report.summary}`, first?.hint || 'See the preflight.');
  }
  return {
    ...base,
    summary: `Exchange the ID token for AWS credentials from the identity pool ${p.poolId} (Logins key "${p.loginsKey}"), then call STS GetCallerIdentity with them. These calls create an identity in the pool; they change no configuration.`,
    calls: calls(p.poolId, p.loginsKey, p.token),
    warnings: p.report.rules.filter((r) => r.status === 'warn' || r.unverified).map((r) => `${r.title}: ${r.message}`),
    subject: { kind: 'setup', step: 'tryIt', outputs: { poolId: p.poolId, loginsKey: p.loginsKey } },
  };
}

async function apply(ctx: SetupContext, _plan?: SetupPlan): Promise<StepOutcome> {
  if (!ctx.idToken?.trim()) {
    const e = noToken();
    return { step: 'tryIt', ok: false, message: `${e.message} ${e.hint}`, done: [], notDone: ['Exchange an ID token for AWS credentials.'], writeCalls: 0, outputs: {}, error: { code: e.code, message: e.message, hint: e.hint } };
  }
  const p = await prepare(ctx);
  const fail = failures(p.report);
  if (fail.length) {
    const first = fail[0];
    const message = `Not sent to Cognito: the preflight says it would reject this token. ${fail.map((f) => f.message).join(' ')} ${first?.hint ?? ''}`.trim();
    return {
      step: 'tryIt',
      ok: false,
      message,
      done: [],
      notDone: ['GetId + GetCredentialsForIdentity with the ID token.'],
      writeCalls: 0,
      outputs: { poolId: p.poolId, loginsKey: p.loginsKey },
      error: { code: 'INVALID_INPUT', message: first?.message ?? p.report.summary, hint: first?.hint ?? '' },
    };
  }
  const r = await p.env.aws().exchangeAndIdentify(p.env.clients(), { poolId: p.poolId, logins: { [p.loginsKey]: p.token } }, p.env.signal);
  if (!r.ok) {
    const message = `Cognito refused the token at ${r.step}: ${r.errorName}: ${r.message}`;
    const hint = 'The preflight passed, so this is something it cannot see (e.g. the role or an emulator difference); run the token inspector on the token for details.';
    return {
      step: 'tryIt',
      ok: false,
      message: `${message} ${hint}`,
      done: [],
      notDone: [],
      writeCalls: 0,
      outputs: { poolId: p.poolId, loginsKey: p.loginsKey },
      error: { code: 'AWS', message, hint },
    };
  }
  const notes = [...p.notes];
  const result: TryItResult = {
    identityId: r.identityId,
    expiration: r.expiration,
    accessKeyIdMasked: r.accessKeyIdMasked,
    callerArn: r.caller.ok ? r.caller.arn : undefined,
    ...(r.caller.ok ? {} : { callerError: r.caller.message }),
    loginsKey: p.loginsKey,
    preflight: p.report.summary,
    notes,
  };
  if (r.caller.ok && !/:assumed-role\//.test(r.caller.arn)) notes.push(`The temporary credentials act as ${r.caller.arn}, not as an assumed role (an emulator answers like that; AWS says arn:aws:sts::ACCOUNT:assumed-role/ROLE/CognitoIdentityCredentials).`);
  const done = [
    `GetId: identity ${r.identityId}.`,
    `GetCredentialsForIdentity returned temporary AWS credentials with the access key id ${r.accessKeyIdMasked}${r.expiration ? `, valid until ${r.expiration}` : ''}.`,
    r.caller.ok ? `STS GetCallerIdentity signed with them answers ${r.caller.arn}.` : `STS GetCallerIdentity signed with them failed: ${r.caller.message}`,
  ];
  return {
    step: 'tryIt',
    ok: r.caller.ok,
    message: done.join(' '),
    done,
    notDone: [],
    writeCalls: 0,
    outputs: {
      poolId: p.poolId,
      loginsKey: p.loginsKey,
      identityId: r.identityId,
      credentialsExpiration: r.expiration,
      accessKeyIdMasked: r.accessKeyIdMasked,
      ...(r.caller.ok ? { temporaryCallerArn: r.caller.arn } : {}),
    },
    result,
    ...(r.caller.ok ? {} : { error: { code: 'AWS' as const, message: r.caller.message, hint: 'The credentials came back but do not work with STS: check the role\'s trust policy and the region.' } }),
  };
}

async function review(ctx: SetupContext): Promise<StepReview> {
  const inspection = await inspect(ctx);
  if (inspection.status === 'error') {
    const p = inspection.problems[0];
    return { inspection, plan: undefined, error: { code: p?.code ?? 'INVALID_INPUT', message: p?.message ?? inspection.summary, hint: p?.hint ?? '' } };
  }
  try {
    return { inspection, plan: await plan(ctx) };
  } catch (e) {
    if (isCancelled(e)) throw e;
    return { inspection, plan: undefined, error: describeError(e) };
  }
}

export const tryItStep: SetupStep = {
  id: 'tryIt',
  title: TRY_IT_TITLE,
  description: 'Signs in (or takes a pasted ID token), runs the preflight, exchanges the token for AWS credentials and confirms them with STS.',
  inspect,
  plan,
  apply,
  review,
};
