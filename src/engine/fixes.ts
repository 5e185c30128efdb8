/**
 * The fixes the preflight offers (FixAction in ./token/preflight.ts), in two steps, as the house rule
 * wants: nothing is created or changed in anyone's AWS account or Auth0 tenant without showing
 * the plan first.
 *
 *   const plan = await planFix(rule.fix, ctx);   // reads only: the exact write calls, masked
 *   // show plan.title, plan.summary, plan.changes (from -> to), plan.calls, plan.warnings
 *   const outcome = await applyFix(plan, ctx);    // performs exactly those calls
 *
 * Plans are the one plan model of ./plan (subject { kind: 'fix', fix }); planFix re-reads the
 * current state, so `alreadyDone` is accurate and a plan never contains a call that is not
 * needed. applyFix applies with ./plan's applyPlanned (plan again, already done, manual only,
 * a new plan when the state moved, the calls in order). A failure halfway says what was done and
 * what was not, and planning again afterwards finds what was made (a provider by its URL, a role
 * by its name), so the next apply continues without duplicates.
 *
 * Fixes the extension cannot make (a change in the app's code; the Auth0 setting without
 * Management API access) come back as plans with no calls and a `manual` text saying exactly
 * what to do.
 *
 * Importing this file loads no SDK: the AWS and auth0 chunks are required on first use.
 */
import { loadAuth0, normalizeAuth0Domain, type Auth0Connection, type ManagementCredentials } from './auth0/connection';
import type { ManagementSession } from './auth0/sdk';
import type { AwsConfig } from './aws/config';
import { awsEnv, iamArnPrefix, type AwsEnv } from './aws/env';
import { poolLabel, providerName, providerNameFromArn, regionOfPoolId, roleNameOf } from './aws/names';
import type { AwsClients, IdentityPoolConfig } from './aws/sdk';
import { evaluateTrustPolicy, recommendedTrustPolicy, samePolicyDocument, trustPolicyText } from './aws/trustPolicy';
import { EngineError, cancelledError, describeError, isCancelled, isEngineError, isNotFound } from './errors';
import { listText } from './format';
import { applyPlanned, planCall, type Outcome, type Plan, type PlanChange, type PlanStep } from './plan';
import type { FixAction } from './token/preflight';
import { mask } from './redact';
import { computeThumbprint } from './thumbprint';

// ---------------------------------------------------------------------------------------------
// Types

/** What a fix plan is about: the preflight's FixAction. */
export interface FixSubject {
  kind: 'fix';
  fix: FixAction;
}

export interface FixContext {
  aws: AwsConfig;
  /** The Auth0 tenant; credentials for the Management API (switchAppToRS256); the application's client ID when the fix lacks it. */
  auth0?: {
    connection: Auth0Connection;
    credentials?: ManagementCredentials | undefined;
    clientId?: string | undefined;
    /** An open Management API session for `credentials`, reused instead of opening a new one (saves a token request). */
    session?: ManagementSession | undefined;
  } | undefined;
  signal?: AbortSignal | undefined;
  /** Reuse these AWS clients when their region fits (otherwise created from `aws`). */
  clients?: AwsClients | undefined;
}

// ---------------------------------------------------------------------------------------------
// Internals: a plan is built together with the steps that carry it out

/** What the calls of one apply learn for the calls after them (the ARNs AWS returned). */
export interface FixRunState {
  providerArn?: string;
  roleArn?: string;
}
type RunState = FixRunState;

type Step = PlanStep<RunState>;

interface Built {
  plan: Plan<FixSubject>;
  steps: Step[];
}

/** ../aws/env's AwsEnv (the SDK is loaded on first use: the manual fixes and the Auth0 one need none) and the fix's context. */
interface FixEnv extends AwsEnv {
  ctx: FixContext;
}

function env(ctx: FixContext): FixEnv {
  return { ...awsEnv(ctx.aws, { clients: ctx.clients, signal: ctx.signal }), ctx };
}

const TITLES: Record<FixAction['kind'], string> = {
  addClientIdToProvider: 'Add the client ID to the IAM OIDC provider',
  attachProviderToPool: 'Attach the IAM OIDC provider to the identity pool',
  createProvider: 'Create the IAM OIDC provider',
  switchAppToRS256: 'Switch the Auth0 application to RS256',
  fixLoginsKey: 'Use the right Logins key in the app',
  setAuthenticatedRole: 'Give the identity pool an authenticated role',
  fixRoleTrust: 'Fix the authenticated role\'s trust policy',
  disableUnauthenticated: 'Turn off guest access to the identity pool',
};

function plan(fix: FixAction, p: { summary: string; alreadyDone: boolean; manual?: string | undefined; changes?: PlanChange[]; warnings?: string[] }, steps: Step[] = []): Built {
  return {
    plan: {
      subject: { kind: 'fix', fix },
      title: TITLES[fix.kind],
      summary: p.summary,
      changes: p.alreadyDone ? [] : (p.changes ?? []),
      calls: p.alreadyDone ? [] : steps.map((s) => s.call),
      preconditions: [],
      alreadyDone: p.alreadyDone,
      ...(p.manual !== undefined ? { manual: p.manual } : {}),
      warnings: p.warnings ?? [],
    },
    steps: p.alreadyDone ? [] : steps,
  };
}

const call = planCall;

/** Reads that name a resource: "does not exist" instead of the generic AWS failure. */
async function mustExist<T>(what: string, hint: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isNotFound(e)) throw new EngineError('AWS', `${what} does not exist (it may have been deleted).`, hint);
    throw e;
  }
}

function readProvider(e: FixEnv, arn: string) {
  return mustExist(`The IAM OIDC provider ${arn}`, 'Run the preflight again: it will offer to create the provider for the token\'s issuer.', () => e.aws().getOidcProvider(e.clients(), arn, e.signal));
}

function readPool(e: FixEnv, poolId: string): Promise<IdentityPoolConfig> {
  const region = regionOfPoolId(poolId);
  return mustExist(`The identity pool ${poolId}`, 'Check the identity pool id and the region (Cognito console > Identity pools).', () => e.aws().describeIdentityPoolConfig(e.clients(region), poolId.trim(), e.signal));
}

function checkClientId(clientId: string): void {
  if (!clientId || clientId.length > 255) {
    throw new EngineError('INVALID_INPUT', `"${clientId}" cannot be an IAM provider client ID (1 to 255 characters).`, 'Use the Auth0 application\'s Client ID (Dashboard > Applications > your application > Settings).');
  }
}

// ---------------------------------------------------------------------------------------------
// addClientIdToProvider

async function planAddClientId(e: FixEnv, fix: Extract<FixAction, { kind: 'addClientIdToProvider' }>): Promise<Built> {
  checkClientId(fix.clientId);
  const p = await readProvider(e, fix.providerArn);
  const name = providerName(p.url) || providerNameFromArn(p.arn) || p.arn;
  if (p.clientIds.includes(fix.clientId)) {
    return plan(fix, { alreadyDone: true, summary: `The IAM OIDC provider ${name} already lists the client ID ${fix.clientId}.` });
  }
  if (p.clientIds.length >= 100) {
    throw new EngineError('INVALID_INPUT', `The IAM OIDC provider ${name} already has ${p.clientIds.length} client IDs, IAM's limit.`,
      `Remove a client ID you no longer use (IAM console > Identity providers > ${name} > Audiences), then add ${fix.clientId}.`);
  }
  const step: Step = {
    call: call('iam', 'AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: p.arn, ClientID: fix.clientId }),
    pending: `Add the client ID ${fix.clientId} to the IAM OIDC provider ${name}.`,
    async run() {
      await e.aws().addClientIdToOidcProvider(e.clients(), p.arn, fix.clientId, e.signal);
      return `Added the client ID ${fix.clientId} to the IAM OIDC provider ${name}.`;
    },
  };
  return plan(fix, {
    alreadyDone: false,
    summary: `Add the client ID ${fix.clientId} to the audiences of the IAM OIDC provider ${name}, so that it accepts ID tokens issued to that application.`,
    changes: [{ what: `Client IDs (audiences) of the IAM OIDC provider ${name}`, from: listText(p.clientIds), to: listText([...p.clientIds, fix.clientId]) }],
  }, [step]);
}

// ---------------------------------------------------------------------------------------------
// attachProviderToPool (and the attach step of createProvider)

function attachStep(e: FixEnv, pool: IdentityPoolConfig, providerArn: string, name: string): { step: Step; change: PlanChange } {
  const arns = [...pool.openIdConnectProviderArns, providerArn];
  const input = e.aws().identityPoolUpdateInput(pool, { openIdConnectProviderArns: arns });
  const label = poolLabel(pool);
  return {
    step: {
      call: call('cognito-identity', 'UpdateIdentityPool', input),
      pending: `Attach the IAM OIDC provider ${name} to the identity pool ${label}.`,
      async run(state) {
        // The ARN IAM returned when this apply created the provider (the same as planned unless the account differs).
        const arn = state.providerArn ?? providerArn;
        await e.aws().updateIdentityPool(e.clients(regionOfPoolId(pool.poolId)), pool, { openIdConnectProviderArns: [...pool.openIdConnectProviderArns, arn] }, e.signal);
        return `Attached the IAM OIDC provider ${name} to the identity pool ${label}; its other settings are unchanged.`;
      },
    },
    change: { what: `OpenID Connect providers of the identity pool ${label}`, from: listText(pool.openIdConnectProviderArns), to: listText(arns) },
  };
}

async function planAttach(e: FixEnv, fix: Extract<FixAction, { kind: 'attachProviderToPool' }>): Promise<Built> {
  const pool = await readPool(e, fix.poolId);
  const p = await readProvider(e, fix.providerArn);
  const name = providerName(p.url) || providerNameFromArn(p.arn) || p.arn;
  if (pool.openIdConnectProviderArns.includes(p.arn)) {
    return plan(fix, { alreadyDone: true, summary: `The identity pool ${poolLabel(pool)} already lists the IAM OIDC provider ${name}.` });
  }
  const { step, change } = attachStep(e, pool, p.arn, name);
  return plan(fix, {
    alreadyDone: false,
    summary: `Attach the IAM OIDC provider ${name} to the identity pool ${poolLabel(pool)}, keeping every other setting of the pool (UpdateIdentityPool replaces the whole configuration, so all of it is sent back).`,
    changes: [change],
  }, [step]);
}

// ---------------------------------------------------------------------------------------------
// createProvider

/** 'https://Tenant.auth0.com/' -> 'https://tenant.auth0.com' (IAM's form: https, no trailing slash). */
export function normalizeProviderUrl(input: string): { url: string; warnings: string[] } {
  let text = (input ?? '').trim();
  if (!text) throw new EngineError('INVALID_INPUT', 'No provider URL given.', 'The provider URL is the Auth0 domain with https://, e.g. https://tenant.auth0.com.');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new EngineError('INVALID_INPUT', `"${input}" is not a URL.`, 'The provider URL is the Auth0 domain with https://, e.g. https://tenant.auth0.com.');
  }
  if (u.protocol !== 'https:') throw new EngineError('INVALID_INPUT', `The provider URL must start with https:// (got ${u.protocol}//).`, `Use https://${u.host}${u.pathname.replace(/\/+$/, '')}.`);
  if (u.search || u.hash) throw new EngineError('INVALID_INPUT', `The provider URL ${input} has a query string or fragment, which IAM does not accept.`, `Use https://${u.host}${u.pathname.replace(/\/+$/, '')}.`);
  if (u.username || u.password) throw new EngineError('INVALID_INPUT', 'The provider URL must not contain a user name or password.', 'Use the Auth0 domain only, e.g. https://tenant.auth0.com.');
  const warnings: string[] = [];
  if (u.port) warnings.push(`The URL has a port (${u.port}): AWS IAM rejects provider URLs with a port; only an emulator accepts it.`);
  return { url: `https://${u.host}${u.pathname.replace(/\/+$/, '')}`, warnings };
}

async function thumbprintFor(e: FixEnv, url: string): Promise<{ thumbprint?: string; note: string; warning?: string }> {
  const pems = [...(e.ctx.aws.trust?.extraCaPems ?? []), ...(e.ctx.auth0?.connection.trust?.extraCaPems ?? [])];
  return currentThumbprint(url, { extraCaPems: [...new Set(pems)], timeoutMs: e.ctx.aws.timeoutMs ?? 15_000, signal: e.signal });
}

/**
 * The thumbprint IAM wants for a provider on `url`'s host (computeThumbprint), with a sentence
 * saying which certificate it is; when it cannot be computed, no thumbprint and a warning (the
 * provider is then created without one and IAM obtains the certificate itself). Throws only CANCELLED.
 */
export async function currentThumbprint(url: string, opts: { extraCaPems: readonly string[]; timeoutMs?: number | undefined; signal?: AbortSignal | undefined }): Promise<{ thumbprint?: string; note: string; warning?: string }> {
  try {
    const r = await computeThumbprint(url, { extraCaPems: opts.extraCaPems, timeoutMs: opts.timeoutMs ?? 15_000, ...(opts.signal ? { signal: opts.signal } : {}) });
    const cert = r.certificates[r.thumbprintIndex];
    return { thumbprint: r.thumbprint, note: `${r.thumbprint} (SHA-1 of "${cert?.subject ?? 'the last certificate'}", the last certificate ${r.target} presents)` };
  } catch (err) {
    if (isCancelled(err)) throw err;
    const d = describeError(err);
    return { note: '(none)', warning: `Could not compute the thumbprint of ${url} (${d.message}): the provider is created without one, and IAM obtains the certificate itself.` };
  }
}

async function planCreateProvider(e: FixEnv, fix: Extract<FixAction, { kind: 'createProvider' }>): Promise<Built> {
  const { url, warnings } = normalizeProviderUrl(fix.url);
  const clientId = fix.clientId ?? e.ctx.auth0?.clientId;
  if (!clientId) {
    throw new EngineError('INVALID_INPUT', `No Auth0 application client ID is known for the provider ${url}.`,
      'Enter the application\'s Client ID (Dashboard > Applications > your application > Settings) in the connection settings, then plan again.');
  }
  checkClientId(clientId);
  const name = providerName(url);
  const iam = e.clients();
  const steps: Step[] = [];
  const changes: PlanChange[] = [];
  const arns = await e.aws().listOidcProviderArns(iam, e.signal);
  const existing = arns.find((a) => (providerNameFromArn(a) ?? '').toLowerCase() === name.toLowerCase());
  let providerArn: string;
  let what: string;
  if (existing) {
    // Created earlier (by hand, or by an apply that failed halfway): complete it, never duplicate it.
    providerArn = existing;
    const p = await readProvider(e, existing);
    what = `The IAM OIDC provider ${name} exists`;
    if (!p.clientIds.includes(clientId)) {
      const fixAdd = await planAddClientId(e, { kind: 'addClientIdToProvider', providerArn: existing, clientId });
      steps.push(...fixAdd.steps);
      changes.push(...fixAdd.plan.changes);
    }
    if (p.thumbprints.length) {
      // A provider with thumbprints is checked against them when IAM cannot validate the chain: keep the current one listed.
      const tp = await thumbprintFor(e, url);
      if (tp.warning) warnings.push(tp.warning);
      if (tp.thumbprint && !p.thumbprints.map((t) => t.toLowerCase()).includes(tp.thumbprint)) {
        const list = [...p.thumbprints.slice(-4), tp.thumbprint];
        steps.push({
          call: call('iam', 'UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: existing, ThumbprintList: list }),
          pending: `Add the current thumbprint ${tp.thumbprint} to the IAM OIDC provider ${name}.`,
          async run() {
            await e.aws().updateOidcProviderThumbprints(iam, existing, list, e.signal);
            return `Set the thumbprints of the IAM OIDC provider ${name} to ${list.join(', ')}.`;
          },
        });
        changes.push({ what: `Thumbprints of the IAM OIDC provider ${name}`, from: listText(p.thumbprints), to: listText(list) });
        if (p.thumbprints.length >= 5) warnings.push(`IAM keeps at most 5 thumbprints: the oldest, ${p.thumbprints[0]}, is dropped.`);
      }
    }
  } else {
    providerArn = `${await iamArnPrefix(e)}oidc-provider/${name}`;
    const tp = await thumbprintFor(e, url);
    if (tp.warning) warnings.push(tp.warning);
    const thumbprints = tp.thumbprint ? [tp.thumbprint] : [];
    what = `Create the IAM OIDC provider ${url} for the client ID ${clientId}`;
    steps.push({
      call: call('iam', 'CreateOpenIDConnectProvider', { Url: url, ClientIDList: [clientId], ...(thumbprints.length ? { ThumbprintList: thumbprints } : {}) }),
      pending: `Create the IAM OIDC provider ${url}.`,
      async run(state) {
        state.providerArn = await e.aws().createOidcProvider(iam, url, [clientId], thumbprints, e.signal);
        return `Created the IAM OIDC provider ${url} (${state.providerArn}) with the client ID ${clientId}${thumbprints.length ? ` and the thumbprint ${thumbprints[0]}` : ''}.`;
      },
    });
    changes.push({ what: `IAM OIDC provider ${url}`, from: '(none)', to: `${providerArn}: client IDs ${clientId}; thumbprint ${tp.note}` });
  }
  let poolText = '';
  if (fix.poolId) {
    const pool = await readPool(e, fix.poolId);
    if (!pool.openIdConnectProviderArns.includes(providerArn)) {
      const a = attachStep(e, pool, providerArn, name);
      steps.push(a.step);
      changes.push(a.change);
      poolText = ` and attach it to the identity pool ${poolLabel(pool)}, keeping the pool's other settings`;
    } else poolText = existing ? `, attached to the identity pool ${poolLabel(pool)}` : '';
  }
  if (!steps.length) {
    return plan(fix, { alreadyDone: true, summary: `The IAM OIDC provider ${name} exists with the client ID ${clientId}${poolText}.` });
  }
  const summary = existing
    ? `${what}: ${steps.map((s) => s.pending.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())).join('; then ')}.`
    : `${what}${poolText}.`;
  return plan(fix, { alreadyDone: false, summary, changes, warnings }, steps);
}

// ---------------------------------------------------------------------------------------------
// switchAppToRS256

function dashboardSteps(appName: string | undefined): string {
  return `In the Auth0 Dashboard: Applications > ${appName ? `"${appName}"` : 'your application'} > Settings > Advanced Settings > OAuth > JsonWebToken Signature Algorithm > RS256 > Save.`;
}

async function planRS256(e: FixEnv, fix: Extract<FixAction, { kind: 'switchAppToRS256' }>): Promise<Built> {
  const a0 = e.ctx.auth0;
  const clientId = fix.clientId ?? a0?.clientId;
  const why = 'Cognito verifies ID tokens only with the RSA keys of the tenant\'s JWKS, so HS256-signed tokens are rejected ("Couldn\'t verify signed token").';
  const after = 'Apps that check ID tokens with the client secret must then check them with the tenant\'s JWKS; tokens issued before the change stay HS256 until they expire.';
  if (!a0?.credentials || !clientId) {
    const missing = !clientId ? 'the application\'s client ID is not known' : !a0 ? 'no Auth0 tenant is configured' : 'no Management API access is configured';
    return plan(fix, {
      alreadyDone: false,
      summary: `Switch the ID token signing algorithm of the Auth0 application${clientId ? ` ${clientId}` : ''} from HS256 to RS256 (by hand: ${missing}).`,
      manual: `${dashboardSteps(undefined)} ${why} (The extension can make this change itself with Management API access: a machine-to-machine application's client ID and secret with the read:clients and update:clients scopes, or a Management API token.)`,
      warnings: [after],
    });
  }
  const conn = a0.connection;
  const creds = a0.credentials;
  const domain = normalizeAuth0Domain(conn.domain);
  const auth0 = loadAuth0();
  const session = a0.session ?? await auth0.openManagement(conn, creds, e.signal);
  const app = await auth0.getApplication(session, clientId, e.signal);
  const label = `"${app.name}" (${clientId})`;
  if (app.alg === 'RS256') {
    return plan(fix, { alreadyDone: true, summary: `The Auth0 application ${label} already signs ID tokens with RS256.` });
  }
  const warnings = [after];
  if (session.scopes && !session.scopes.includes('update:clients')) {
    warnings.unshift(`The Management API token lacks the update:clients scope (it has ${listText(session.scopes)}): Auth0 will refuse the change. Grant update:clients to the machine-to-machine application (Dashboard > Applications > APIs > Auth0 Management API > Machine To Machine Applications), or ${dashboardSteps(app.name).replace(/^In/, 'in')}`);
  }
  const authorization = creds.kind === 'token'
    ? `Bearer ${mask(creds.token.trim().replace(/^Bearer\s+/i, ''))}`
    : `Bearer (a Management API token for the machine-to-machine client ${mask(creds.clientId)}, from its client credentials)`;
  const step: Step = {
    call: call('auth0', 'PATCH /api/v2/clients/{id}', { domain, id: clientId, body: { jwt_configuration: { alg: 'RS256' } }, authorization }),
    pending: `Switch the Auth0 application ${label} to RS256.`,
    async run() {
      const updated = await auth0.updateApplication(session, clientId, { alg: 'RS256' }, e.signal);
      if (updated.alg !== 'RS256') {
        throw new EngineError('AUTH0', `Auth0 accepted the change but the application ${label} still signs with ${updated.alg ?? 'an unknown algorithm'}.`, dashboardSteps(app.name));
      }
      return `Switched the Auth0 application ${label} from ${app.alg ?? 'its previous algorithm'} to RS256.`;
    },
  };
  return plan(fix, {
    alreadyDone: false,
    summary: `Switch the ID token signing algorithm of the Auth0 application ${label} from ${app.alg ?? 'its current setting'} to RS256 through the Management API, because Cognito accepts only RSA-signed ID tokens.`,
    changes: [{ what: `ID token signing algorithm (jwt_configuration.alg) of the Auth0 application ${label}`, from: app.alg ?? '(not set)', to: 'RS256' }],
    warnings,
  }, [step]);
}

// ---------------------------------------------------------------------------------------------
// fixLoginsKey (the app's code: manual only)

function planLoginsKey(fix: Extract<FixAction, { kind: 'fixLoginsKey' }>): Built {
  if (fix.current !== undefined && fix.current === fix.expected) {
    return plan(fix, { alreadyDone: true, summary: `The app already uses the Logins key "${fix.expected}".` });
  }
  const from = fix.current === undefined ? undefined : JSON.stringify(fix.current);
  const to = JSON.stringify(fix.expected);
  return plan(fix, {
    alreadyDone: false,
    summary: `Use the Logins key ${to} in the app${from ? ` instead of ${from}` : ''}: the IAM provider URL without https:// and without a trailing slash.`,
    changes: [{ what: 'The Logins key in the app\'s code', from: from ?? '(unknown)', to }],
    manual: [
      `This is a change in your app's code; the extension cannot make it. Change the key of the Logins map${from ? ` from ${from}` : ''} to ${to}:`,
      from ? `-  logins: { ${from}: idToken }` : undefined,
      `+  logins: { ${to}: idToken }`,
      `(fromCognitoIdentityPool({ identityPoolId, logins: { ${to}: idToken } }) in the AWS SDK for JavaScript; Logins: { ${to}: idToken } in GetId and GetCredentialsForIdentity.)`,
    ].filter((l): l is string => l !== undefined).join('\n'),
  });
}

// ---------------------------------------------------------------------------------------------
// setAuthenticatedRole

/** Cognito_<pool name>_Auth_Role (the name the Cognito console gives), made a valid IAM role name (64 characters). */
export function authenticatedRoleName(poolName: string, n = 1): string {
  const suffix = `_Auth_Role${n > 1 ? `_${n}` : ''}`;
  const base = (poolName || 'IdentityPool').replace(/[^\w+=,.@-]/g, '_');
  return `Cognito_${base}`.slice(0, 64 - suffix.length).replace(/_+$/, '') + suffix;
}

async function planAuthRole(e: FixEnv, fix: Extract<FixAction, { kind: 'setAuthenticatedRole' }>): Promise<Built> {
  const pool = await readPool(e, fix.poolId);
  const cog = e.clients(regionOfPoolId(pool.poolId));
  const iam = e.clients();
  const roles = await e.aws().getIdentityPoolRolesConfig(cog, pool.poolId, e.signal);
  const label = poolLabel(pool);
  if (roles.roles.authenticated) {
    return plan(fix, { alreadyDone: true, summary: `The identity pool ${label} already has the authenticated role ${roles.roles.authenticated}.` });
  }
  const trust = recommendedTrustPolicy(pool.poolId);
  const steps: Step[] = [];
  const changes: PlanChange[] = [];
  const warnings: string[] = [];
  let roleName: string | undefined;
  let roleArn: string | undefined;
  let adopted = false;
  const taken: string[] = [];
  for (let n = 1; n <= 20 && !roleName; n++) {
    const name = authenticatedRoleName(pool.poolName, n);
    const r = await e.aws().findRole(iam, name, e.signal);
    if (!r) roleName = name;
    else if (samePolicyDocument(r.assumeRolePolicyDocument, trust)) {
      // Made for this pool before (an apply that failed halfway, or by hand): use it.
      roleName = name;
      roleArn = r.arn;
      adopted = true;
    } else taken.push(name);
  }
  if (!roleName) {
    throw new EngineError('INVALID_INPUT', `The role names ${taken[0]} to ${taken[taken.length - 1]} are taken by roles with other trust policies.`, 'Create the role with the setup wizard or the IAM console, then attach it to the pool.');
  }
  if (taken.length) warnings.push(`A role named ${listText(taken)} exists with another trust policy; it is left alone and the new role is named ${roleName}.`);
  const name = roleName;
  if (!adopted) {
    roleArn = `${await iamArnPrefix(e)}role/${name}`;
    // IAM's Description pattern: tab, line breaks, printable ASCII and Latin-1.
    const description = `Authenticated role of the Cognito identity pool ${pool.poolName || pool.poolId}; trusts only that pool's signed-in identities.`
      .replace(/[^\t\n\r\u0020-\u007E\u00A1-\u00FF]/g, '?').slice(0, 1000);
    steps.push({
      call: call('iam', 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: trust, Description: description }),
      pending: `Create the IAM role ${name}.`,
      async run(state) {
        state.roleArn = await e.aws().createRole(iam, { roleName: name, trustPolicy: trust, description }, e.signal);
        return `Created the IAM role ${name} (${state.roleArn}), trusted by the identity pool ${pool.poolId} for signed-in identities only; it has no permissions yet.`;
      },
    });
    changes.push({ what: `IAM role ${name}`, from: '(none)', to: `${roleArn}, trust policy: ${trust}` });
    warnings.push(`The role gets no permissions: attach the policies your app needs (IAM console > Roles > ${name} > Add permissions).`);
  }
  const planned = roleArn ?? '';
  const newRoles = { ...roles.roles, authenticated: planned };
  const mappings = roles.roleMappings;
  steps.push({
    call: call('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: pool.poolId, Roles: newRoles, ...(Object.keys(mappings).length ? { RoleMappings: mappings } : {}) }),
    pending: `Set ${name} as the authenticated role of the identity pool ${label}.`,
    async run(state) {
      const arn = state.roleArn ?? planned;
      await e.aws().setIdentityPoolRoles(cog, pool.poolId, { roles: { ...roles.roles, authenticated: arn }, roleMappings: mappings }, e.signal);
      return `Set ${arn} as the authenticated role of the identity pool ${label}${roles.roles.unauthenticated || Object.keys(mappings).length ? '; its unauthenticated role and role mappings are unchanged' : ''}.`;
    },
  });
  changes.push({ what: `Authenticated role of the identity pool ${label}`, from: '(none)', to: planned });
  return plan(fix, {
    alreadyDone: false,
    summary: adopted
      ? `Set the existing role ${name}, whose trust policy already trusts only this pool's signed-in identities, as the authenticated role of the identity pool ${label}.`
      : `Create the IAM role ${name} with the least-privilege trust policy (this pool's signed-in identities only, no permissions) and set it as the authenticated role of the identity pool ${label}.`,
    changes,
    warnings,
  }, steps);
}

// ---------------------------------------------------------------------------------------------
// fixRoleTrust

async function planRoleTrust(e: FixEnv, fix: Extract<FixAction, { kind: 'fixRoleTrust' }>): Promise<Built> {
  const iam = e.clients();
  const name = roleNameOf(fix.roleArn);
  const role = await mustExist(`The IAM role ${fix.roleArn}`, 'Attach an existing role to the pool, or let the preflight create one ("Give the identity pool an authenticated role").', () => e.aws().getRoleTrust(iam, name, e.signal));
  // Always the recommended policy for the pool, whatever text the FixAction carries.
  const policy = recommendedTrustPolicy(fix.poolId);
  if (samePolicyDocument(role.assumeRolePolicyDocument, policy)) {
    return plan(fix, { alreadyDone: true, summary: `The trust policy of ${name} already trusts only the signed-in identities of the pool ${fix.poolId}.` });
  }
  // Judged by ./aws/trustPolicy, the same evaluation as the preflight's role.trust.* rules.
  const ev = evaluateTrustPolicy(role.assumeRolePolicyDocument, fix.poolId);
  let from: string;
  const warnings: string[] = [];
  const today = [ev.principal, ev.aud, ev.amr].filter((v) => v.status === 'fail').map((v) => v.message);
  if (ev.policy !== undefined) {
    from = JSON.stringify(ev.policy, null, 2);
    const st = (ev.policy as { Statement?: unknown }).Statement;
    const raw = Array.isArray(st) ? st : st ? [st] : [];
    const others = ev.statements.filter((s) => s.principal === 'other');
    if (others.length) warnings.push(`The current trust policy has ${others.length} statement${others.length > 1 ? 's' : ''} that do${others.length > 1 ? '' : 'es'} not concern Cognito (e.g. ${others[0]?.label}: ${JSON.stringify(raw[(others[0]?.index ?? 1) - 1])}); the new policy does not keep ${others.length > 1 ? 'them' : 'it'}.`);
    const pools = [...new Set(ev.allows.flatMap((s) => s.aud.pools))].filter((p) => p !== fix.poolId && !/[*?]/.test(p));
    if (pools.length) warnings.push(`The role is currently trusted by the identity pool${pools.length > 1 ? 's' : ''} ${pools.join(', ')}, which will no longer be able to use it.`);
  } else {
    from = trustPolicyText(role.assumeRolePolicyDocument) || '(none)';
  }
  const step: Step = {
    call: call('iam', 'UpdateAssumeRolePolicy', { RoleName: name, PolicyDocument: policy }),
    pending: `Replace the trust policy of the role ${name}.`,
    async run() {
      await e.aws().updateAssumeRolePolicy(iam, name, policy, e.signal);
      return `Replaced the trust policy of the role ${name}: it now trusts only the signed-in identities of the identity pool ${fix.poolId}.`;
    },
  };
  return plan(fix, {
    alreadyDone: false,
    summary: `Replace the trust policy of the role ${name} with the one for Cognito identity pools: cognito-identity.amazonaws.com may assume it for the pool ${fix.poolId} (aud) and signed-in identities only (amr = authenticated).${today.length ? ` Today: ${today.join(' ')}` : ''}`,
    changes: [{ what: `Trust policy of the role ${name}`, from, to: policy }],
    warnings,
  }, [step]);
}

// ---------------------------------------------------------------------------------------------
// disableUnauthenticated

async function planNoGuests(e: FixEnv, fix: Extract<FixAction, { kind: 'disableUnauthenticated' }>): Promise<Built> {
  const pool = await readPool(e, fix.poolId);
  const label = poolLabel(pool);
  if (!pool.allowUnauthenticated) {
    return plan(fix, { alreadyDone: true, summary: `The identity pool ${label} already gives credentials to signed-in users only.` });
  }
  const warnings: string[] = [];
  try {
    const roles = await e.aws().getIdentityPoolRolesConfig(e.clients(regionOfPoolId(pool.poolId)), pool.poolId, e.signal);
    if (roles.roles.unauthenticated) warnings.push(`The unauthenticated role ${roles.roles.unauthenticated} stays set on the pool but is no longer used.`);
  } catch (err) {
    if (isCancelled(err)) throw err;
  }
  warnings.push('Apps that use the pool without signing in (guest credentials) stop getting credentials.');
  const input = e.aws().identityPoolUpdateInput(pool, { allowUnauthenticated: false });
  const step: Step = {
    call: call('cognito-identity', 'UpdateIdentityPool', input),
    pending: `Turn off guest access to the identity pool ${label}.`,
    async run() {
      await e.aws().updateIdentityPool(e.clients(regionOfPoolId(pool.poolId)), pool, { allowUnauthenticated: false }, e.signal);
      return `Turned off guest access to the identity pool ${label}; its other settings are unchanged.`;
    },
  };
  return plan(fix, {
    alreadyDone: false,
    summary: `Turn off unauthenticated (guest) identities in the identity pool ${label}, keeping every other setting of the pool.`,
    changes: [{ what: `Guest access (AllowUnauthenticatedIdentities) of the identity pool ${label}`, from: 'true', to: 'false' }],
    warnings,
  }, [step]);
}

// ---------------------------------------------------------------------------------------------
// The API

/**
 * The plan of a fix together with the steps that carry it out, for callers that compose fixes into
 * larger plans (the setup wizard): each step's `call` is what the plan shows, `run` makes it.
 */
export function buildFix(fix: FixAction, ctx: FixContext): Promise<{ plan: Plan<FixSubject>; steps: PlanStep<FixRunState>[] }> {
  return build(fix, ctx);
}

async function build(fix: FixAction, ctx: FixContext): Promise<Built> {
  if (ctx.signal?.aborted) throw cancelledError();
  const e = env(ctx);
  switch (fix.kind) {
    case 'fixLoginsKey':
      return planLoginsKey(fix);
    case 'addClientIdToProvider':
      return planAddClientId(e, fix);
    case 'attachProviderToPool':
      return planAttach(e, fix);
    case 'createProvider':
      return planCreateProvider(e, fix);
    case 'switchAppToRS256':
      return planRS256(e, fix);
    case 'setAuthenticatedRole':
      return planAuthRole(e, fix);
    case 'fixRoleTrust':
      return planRoleTrust(e, fix);
    case 'disableUnauthenticated':
      return planNoGuests(e, fix);
    default: {
      const never: never = fix;
      throw new EngineError('INVALID_INPUT', `Unknown fix ${JSON.stringify(never)}.`, 'Please report this with the log output.');
    }
  }
}

/**
 * Plans a fix: reads the current state (no writes) and returns the exact write calls with their
 * arguments (secrets masked), a one-sentence summary, the changes from -> to, and whether the
 * fix is already in place. Throws an EngineError when the state cannot be read (a deleted
 * provider, a missing permission, no network).
 */
export async function planFix(fix: FixAction, ctx: FixContext): Promise<Plan<FixSubject>> {
  return (await build(fix, ctx)).plan;
}

/**
 * Applies a plan made by planFix with ./plan's applyPlanned: plans again, then already done /
 * manual only / a new plan when the state moved / the calls in order, stopping at the first
 * failure. Throws an EngineError only when planning again fails (nothing was changed then).
 */
export function applyFix(planned: Plan<FixSubject>, ctx: FixContext): Promise<Outcome<FixSubject>> {
  return applyPlanned(planned, () => build(planned.subject.fix, ctx), { signal: ctx.signal, unit: 'step', retry: 'Planning the fix again', explain: explainFailure, state: {} as RunState });
}

function explainFailure(e: unknown): unknown {
  if (isNotFound(e) && isEngineError(e)) {
    return new EngineError('AWS', `${e.message} (it was deleted after the plan was made?)`, 'Run the preflight again to see the current state.');
  }
  return e;
}
