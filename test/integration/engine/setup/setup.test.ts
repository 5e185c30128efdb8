/**
 * The setup wizard's engine for real: moto (IAM, Cognito Identity, STS through moto_plus.py) and
 * the local Auth0-like tenant (discovery, JWKS, /authorize + /oauth/token, Management API).
 *
 * Write calls are counted on the wire, not mocked: a middleware on the engine's AWS clients
 * records the action of every request sent to moto (IAM/STS: the query's Action=...; Cognito: the
 * X-Amz-Target header); Auth0 writes are the tenant's own count of PATCH /api/v2/clients/*.
 * Failures are real ones: an AccessDenied from moto's IAM policy enforcement, a Management API
 * 403 / 404, a DNS failure, a fault injected in the tenant's discovery endpoint.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutUserPolicyCommand,
  ListOpenIDConnectProviderTagsCommand,
  ListRoleTagsCommand,
} from '@aws-sdk/client-iam';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  GetIdentityPoolRolesCommand,
  ListIdentityPoolsCommand,
  SetIdentityPoolRolesCommand,
} from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { loadAws, type AwsConfig } from '../../../../src/engine/aws/config';
import type { AwsClients } from '../../../../src/engine/aws/sdk';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import {
  applyAll,
  createSetupCache,
  formatInspection,
  formatPlan,
  inspectAll,
  MINIMAL_POLICY_NAME,
  planAll,
  setupStep,
  snippets,
  type SetupConfig,
  type SetupContext,
} from '../../../../src/engine/setup';
import { applyAddCallbackUrl, planAddCallbackUrl, startSignIn } from '../../../../src/engine/signin';
import type { TrustSettings } from '../../../../src/engine/trust';
import { runCli } from '../../../helpers/cli';
import { MOTO_ACCOUNT_ID, type Moto } from '../../../standins/moto';
import type { Tenant } from '../../../standins/tenant';
import { useStandins } from '../../../standins/fixture';
import { isWrite, recordRequests } from '../../../helpers/awsCalls';



describe('setup wizard engine: plan, apply, apply again (moto + local tenant)', function () {
  this.timeout(60_000);
  let tenant: Tenant;
  let moto: Moto;
  let iam: IAMClient;
  let ci: CognitoIdentityClient;
  let trust: TrustSettings;
  let aws: AwsConfig;
  let clients: AwsClients;
  const standins = useStandins({ awsTrust: true });
  const { sent } = standins;

  function instrument(c: AwsClients): void {
    recordRequests(c, sent);
  }
  const writes = (from = 0): string[] => sent.slice(from).filter(isWrite).map((s) => s.action);

  before(() => {
    ({ tenant, moto, iam, ci, aws, trust, clients } = standins);
  });

  beforeEach(() => {
    tenant.app.jwt_configuration.alg = 'HS256';
    tenant.app.callbacks = [];
    tenant.loginOutcome = 'login';
    tenant.clearFaults();
    tenant.resetLog();
  });

  const m2m = () => ({ kind: 'clientCredentials' as const, clientId: tenant.mgmt.clientId, clientSecret: tenant.mgmt.clientSecret });
  const config = (names: Partial<SetupConfig['names']> = {}, auth0: Partial<SetupConfig['auth0']> = {}): SetupConfig => ({
    aws: { region: moto.region, endpoint: moto.endpoint },
    auth0: { domain: tenant.domain, clientId: tenant.app.client_id, ...auth0 },
    names: { poolName: 'auth0_pool', ...names },
  });
  const ctx = (over: Partial<SetupContext> = {}): SetupContext => ({
    config: config(),
    management: m2m(),
    trust,
    timeoutMs: 5000,
    awsCredentials: moto.credentials,
    clients,
    cache: createSetupCache(),
    ...over,
  });

  async function counts(): Promise<{ providers: number; pools: number; roles: number }> {
    const p = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    const pools = await ci.send(new ListIdentityPoolsCommand({ MaxResults: 60 }));
    const roles = await iam.send(new ListRolesCommand({}));
    return {
      providers: p.OpenIDConnectProviderList?.length ?? 0,
      pools: (pools.IdentityPools ?? []).filter((x) => x.IdentityPoolName === 'auth0_pool').length,
      roles: (roles.Roles ?? []).filter((r) => r.RoleName?.startsWith('Cognito_auth0_pool_Auth_Role')).length,
    };
  }

  /** What a browser does: follows /authorize's redirect to the loopback callback. */
  async function browse(authorizeUrl: string): Promise<Response> {
    return tenant.fetch(authorizeUrl);
  }

  // ---- (a) + (b) ---------------------------------------------------------------------------------

  it('from an HS256 app: RS256, provider, pool, role; a real sign-in; fromCognitoIdentityPool gets credentials; applying again writes nothing', async () => {
    const c = ctx();
    // Plan: reads only.
    const planned = await planAll(c);
    assert.equal(planned.ok, true, JSON.stringify(planned.failed));
    assert.deepEqual(writes(), [], 'planning writes nothing');
    assert.equal(tenant.writeCalls, 0);
    const calls = Object.fromEntries(planned.reviews.map((r) => [r.inspection.step, r.plan?.calls.map((x) => x.action)]));
    assert.deepEqual(calls, {
      connections: [],
      auth0App: ['PATCH /api/v2/clients/{id}'],
      oidcProvider: ['CreateOpenIDConnectProvider'],
      identityPool: ['CreateIdentityPool'],
      authenticatedRole: ['CreateRole', 'PutRolePolicy', 'SetIdentityPoolRoles'],
      roleMappings: [],
      tryIt: [],
    });
    const status = Object.fromEntries(planned.reviews.map((r) => [r.inspection.step, r.inspection.status]));
    assert.deepEqual(status, { connections: 'done', auth0App: 'needs-action', oidcProvider: 'not-started', identityPool: 'not-started', authenticatedRole: 'not-started', roleMappings: 'done', tryIt: 'not-started' });
    const provider = planned.reviews[2]?.plan?.calls[0]?.params;
    assert.equal(provider?.Url, tenant.baseUrl, 'no trailing slash');
    assert.deepEqual(provider?.ClientIDList, [tenant.app.client_id]);
    assert.deepEqual(provider?.ThumbprintList, [tenant.certs.fingerprints.intermediate], 'SHA-1 of the last certificate the jwks_uri host presents');
    const pool = planned.reviews[3]?.plan?.calls[0]?.params;
    assert.equal(pool?.AllowUnauthenticatedIdentities, false);
    assert.equal(pool?.AllowClassicFlow, false);
    assert.deepEqual(pool?.OpenIdConnectProviderARNs, [`arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/${tenant.domain}`], 'the predicted ARN of step 3');
    const patch = planned.reviews[1]?.plan?.calls[0]?.params as { body: unknown; authorization: string };
    assert.deepEqual(patch.body, { jwt_configuration: { alg: 'RS256' } });
    assert.doesNotMatch(JSON.stringify(planned), new RegExp(tenant.mgmt.clientSecret), 'no secret in plans');
    for (const r of planned.reviews) {
      assert.ok(formatInspection(r.inspection).length > 0);
      if (r.plan) assert.ok(formatPlan(r.plan).length > 0);
    }

    // Apply.
    const run = await applyAll(c);
    assert.equal(run.ok, true, JSON.stringify(run.failed));
    assert.deepEqual(writes(), ['CreateOpenIDConnectProvider', 'CreateIdentityPool', 'CreateRole', 'PutRolePolicy', 'SetIdentityPoolRoles']);
    assert.equal(tenant.writeCalls, 1, 'one PATCH: the switch to RS256');
    assert.equal(run.writeCalls, 6);
    assert.equal(tenant.app.jwt_configuration.alg, 'RS256');
    const { poolId, roleArn, providerArn, loginsKey } = run.outputs;
    assert.ok(poolId && roleArn && providerArn);
    assert.equal(loginsKey, tenant.domain);
    assert.equal(roleArn, `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/Cognito_auth0_pool_Auth_Role`);
    const d = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId }));
    assert.deepEqual(d.OpenIdConnectProviderARNs, [providerArn]);
    assert.equal(d.AllowUnauthenticatedIdentities, false);
    // Issue 10: what the setup creates carries its tag (the setup's name is the pool's name), and the plan showed it.
    assert.deepEqual(d.IdentityPoolTags, { 'auth0-cognito-bridge:setup': 'auth0_pool' });
    const providerTags = await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: providerArn }));
    assert.deepEqual(providerTags.Tags, [{ Key: 'auth0-cognito-bridge:setup', Value: 'auth0_pool' }]);
    const roleTags = await iam.send(new ListRoleTagsCommand({ RoleName: 'Cognito_auth0_pool_Auth_Role' }));
    assert.deepEqual(roleTags.Tags, [{ Key: 'auth0-cognito-bridge:setup', Value: 'auth0_pool' }]);
    const plannedTags = planned.reviews.flatMap((r) => r.plan?.calls ?? []).filter((x) => /^Create/.test(x.action)).map((x) => [x.action, x.params.Tags ?? x.params.IdentityPoolTags]);
    assert.deepEqual(plannedTags, [
      ['CreateOpenIDConnectProvider', [{ Key: 'auth0-cognito-bridge:setup', Value: 'auth0_pool' }]],
      ['CreateIdentityPool', { 'auth0-cognito-bridge:setup': 'auth0_pool' }],
      ['CreateRole', [{ Key: 'auth0-cognito-bridge:setup', Value: 'auth0_pool' }]],
    ]);
    const roles = await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }));
    assert.deepEqual(roles.Roles, { authenticated: roleArn });
    const role = await iam.send(new GetRoleCommand({ RoleName: 'Cognito_auth0_pool_Auth_Role' }));
    assert.deepEqual(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '')), JSON.parse(recommendedTrustPolicy(poolId)));
    const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: 'Cognito_auth0_pool_Auth_Role' }));
    assert.deepEqual(inline.PolicyNames, [MINIMAL_POLICY_NAME]);

    // Sign in for real: PKCE + loopback; the callback URL is added first (one more PATCH).
    const session = await startSignIn({ domain: tenant.domain, clientId: tenant.app.client_id, trust, timeoutMs: 20_000 });
    assert.equal(session.callbackAllowed, false, 'the probe sees "Callback URL mismatch"');
    const cbPlan = await planAddCallbackUrl(c, session.redirectUri);
    assert.deepEqual(cbPlan.calls.map((x) => x.action), ['PATCH /api/v2/clients/{id}']);
    assert.equal((await applyAddCallbackUrl(c, cbPlan, session.redirectUri)).ok, true);
    assert.deepEqual(tenant.app.callbacks, [session.redirectUri]);
    const page = await browse(session.authorizeUrl);
    assert.equal(page.status, 200, await page.text());
    const { idToken } = await session.result;
    assert.equal(JSON.parse(Buffer.from(idToken.split('.')[0] ?? '', 'base64url').toString()).alg, 'RS256');

    // Try it, as part of applying everything again: zero writes (AWS and Auth0).
    const mark = sent.length;
    const auth0Writes = tenant.writeCalls;
    const again = await applyAll(ctx({ idToken }));
    assert.equal(again.ok, true, JSON.stringify(again.failed));
    assert.equal(again.writeCalls, 0);
    assert.deepEqual(writes(mark), [], 'zero AWS write calls on the wire');
    assert.equal(tenant.writeCalls, auth0Writes, 'zero Auth0 write calls');
    assert.ok(again.outcomes.slice(0, 5).every((o) => o.writeCalls === 0 && o.ok));
    const tried = again.outcomes.find((o) => o.step === 'tryIt');
    assert.ok(tried?.result, tried?.message);
    assert.match(tried.result.identityId, /^us-east-1:[0-9a-f-]+$/);
    assert.match(tried.result.accessKeyIdMasked, /^ASIA…[A-Z0-9]{4}$/, 'temporary STS credentials of the role (moto_plus)');
    assert.ok(tried.result.expiration && Date.parse(tried.result.expiration) > Date.now());
    assert.equal(tried.result.callerArn, `arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/Cognito_auth0_pool_Auth_Role/CognitoIdentityCredentials`, 'STS with the temporary credentials: the authenticated role');
    assert.doesNotMatch(JSON.stringify(again), new RegExp(idToken.split('.')[2] ?? 'x'), 'the token is never in a result');

    // As an app would: the AWS SDK's own provider, against the pool that was built.
    const provide = fromCognitoIdentityPool({ clientConfig: { endpoint: moto.endpoint, region: moto.region }, identityPoolId: poolId, logins: { [loginsKey]: idToken } });
    const creds = await provide();
    assert.match(creds.accessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(creds.secretAccessKey && creds.sessionToken);
    assert.ok(creds.expiration && creds.expiration.getTime() > Date.now());

    // Inspect: every step done.
    const ins = await inspectAll(ctx({ idToken }));
    assert.deepEqual(ins.inspections.map((i) => [i.step, i.status]), [
      ['connections', 'done'], ['auth0App', 'done'], ['oidcProvider', 'done'], ['identityPool', 'done'], ['authenticatedRole', 'done'], ['roleMappings', 'done'], ['tryIt', 'needs-action'],
    ], ins.inspections.map((i) => formatInspection(i)).join('\n'));

    // Snippets with the real values.
    const sn = snippets(c.config, again.outputs);
    for (const code of [sn.typescript, sn.swift, sn.kotlin]) {
      assert.ok(code.includes(JSON.stringify(poolId)), code);
      assert.ok(code.includes(JSON.stringify(tenant.domain)), code);
      assert.ok(code.includes(JSON.stringify(moto.region)), code);
    }
    assert.deepEqual(sn.missing, []);
  });

  // ---- (c) -------------------------------------------------------------------------------------

  it('a failure in the middle (CreateRole denied by IAM) names the step and the fix; the retry completes without duplicates', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'no-roles' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'no-roles',
      PolicyName: 'everything-but-roles',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:CreateRole', Resource: '*' }] }),
    }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'no-roles' }));
    const creds = { accessKeyId: key.AccessKey?.AccessKeyId ?? '', secretAccessKey: key.AccessKey?.SecretAccessKey ?? '' };
    const limited = loadAws().createAwsClients({ ...aws, credentials: creds });
    instrument(limited);
    const setAuth = async (count: string) => {
      const r = await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: count });
      assert.equal(r.status, 200, await r.text());
    };
    await setAuth('0');
    let failed;
    try {
      failed = await applyAll(ctx({ awsCredentials: creds, clients: limited }));
    } finally {
      await setAuth('inf');
    }
    assert.equal(failed.ok, false);
    assert.equal(failed.failed?.step, 'authenticatedRole');
    assert.equal(failed.failed?.code, 'AWS');
    assert.match(failed.failed?.message ?? '', /^AWS denied iam:CreateRole: /);
    assert.match(failed.failed?.hint ?? '', /Grant the missing permission/);
    const roleOutcome = failed.outcomes.find((o) => o.step === 'authenticatedRole');
    assert.equal(roleOutcome?.writeCalls, 1);
    assert.deepEqual(roleOutcome?.notDone.length, 3);
    assert.deepEqual(writes(), ['CreateOpenIDConnectProvider', 'CreateIdentityPool', 'CreateRole']);
    assert.deepEqual(await counts(), { providers: 1, pools: 1, roles: 0 });

    // The next inspect finds what was made.
    const ins = await inspectAll(ctx());
    assert.deepEqual(ins.inspections.slice(2, 5).map((i) => [i.step, i.status]), [['oidcProvider', 'done'], ['identityPool', 'done'], ['authenticatedRole', 'not-started']]);
    assert.equal(ins.outputs.poolId, failed.outputs.poolId);

    // The retry (with a permitted identity) continues from there.
    const mark = sent.length;
    const retry = await applyAll(ctx());
    assert.equal(retry.ok, true, JSON.stringify(retry.failed));
    assert.deepEqual(writes(mark), ['CreateRole', 'PutRolePolicy', 'SetIdentityPoolRoles']);
    assert.deepEqual(await counts(), { providers: 1, pools: 1, roles: 1 }, 'no duplicates');
    const last = sent.length;
    assert.equal((await applyAll(ctx())).writeCalls, 0);
    assert.deepEqual(writes(last), []);
  });

  it('a failure after CreateRole (PutRolePolicy denied): the retry adopts the role made for this pool and adds only what is missing', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'no-policies' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'no-policies',
      PolicyName: 'everything-but-policies',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:PutRolePolicy', Resource: '*' }] }),
    }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'no-policies' }));
    const creds = { accessKeyId: key.AccessKey?.AccessKeyId ?? '', secretAccessKey: key.AccessKey?.SecretAccessKey ?? '' };
    const limited = loadAws().createAwsClients({ ...aws, credentials: creds });
    instrument(limited);
    await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
    let failed;
    try {
      failed = await applyAll(ctx({ awsCredentials: creds, clients: limited }));
    } finally {
      await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: 'inf' });
    }
    assert.equal(failed.failed?.step, 'authenticatedRole');
    const o = failed.outcomes.find((x) => x.step === 'authenticatedRole');
    assert.equal(o?.done.length, 1);
    assert.match(o?.message ?? '', /Done before that: Created the IAM role Cognito_auth0_pool_Auth_Role .* Applying again continues from there\./);
    const plan = await setupStep('authenticatedRole').plan(ctx());
    assert.deepEqual(plan.calls.map((x) => x.action), ['PutRolePolicy', 'SetIdentityPoolRoles'], 'the role is found by its name and trust, not created again');
    const mark = sent.length;
    assert.equal((await setupStep('authenticatedRole').apply(ctx(), plan)).ok, true);
    assert.deepEqual(writes(mark), ['PutRolePolicy', 'SetIdentityPoolRoles']);
    assert.deepEqual(await counts(), { providers: 1, pools: 1, roles: 1 });
  });

  // ---- (d) clear messages --------------------------------------------------------------------------

  it('a wrong domain: DNS failure, or a host that is not an OpenID Connect provider', async () => {
    const dns = await inspectAll(ctx({ config: config({}, { domain: 'no-such-tenant.invalid' }), management: undefined }));
    assert.equal(dns.stoppedAt, 'connections');
    const p = dns.inspections[0]?.problems.find((x) => x.code === 'DNS');
    assert.ok(p, formatInspection(dns.inspections[0]!));
    assert.match(p.message, /no-such-tenant\.invalid does not resolve/);
    assert.match(p.hint, /Check the spelling of the domain/);

    tenant.addFault({ path: '/.well-known/openid-configuration', status: 404, body: { error: 'not found' } });
    const run = await applyAll(ctx());
    assert.equal(run.ok, false);
    assert.equal(run.failed?.step, 'connections');
    assert.match(run.failed?.message ?? '', /openid-configuration answered HTTP 404/);
    assert.match(run.failed?.hint ?? '', /Check the domain/);
    assert.deepEqual(writes(), []);
    assert.equal(tenant.writeCalls, 0);
  });

  it('a wrong client ID: the Management API 404 names the fix', async () => {
    const run = await applyAll(ctx({ config: config({}, { clientId: 'NoSuchClientId000000000000000000' }) }));
    assert.equal(run.failed?.step, 'connections');
    assert.match(run.failed?.message ?? '', /no application with that client ID/);
    assert.match(run.failed?.hint ?? '', /Copy the Client ID/);
    assert.deepEqual(writes(), []);
  });

  it('a Management API token without update:clients: warned in connections and the plan, and the failing PATCH names the scope', async () => {
    const ro = tenant.addClient({ name: 'read-only m2m', app_type: 'non_interactive' }, ['read:clients']);
    const c = ctx({ management: { kind: 'clientCredentials', clientId: ro.client_id, clientSecret: ro.client_secret } });
    const ins = await setupStep('connections').inspect(c);
    assert.equal(ins.status, 'needs-action');
    assert.match(ins.problems[0]?.message ?? '', /lacks update:clients/);
    assert.match(ins.problems[0]?.hint ?? '', /Grant update:clients/);
    const plan = await setupStep('auth0App').plan(c);
    assert.ok(plan.warnings.some((w) => /lacks the update:clients scope/.test(w)), plan.warnings.join('\n'));
    const run = await applyAll(c);
    assert.equal(run.failed?.step, 'auth0App');
    assert.match(run.failed?.message ?? '', /may not update the application.*Insufficient scope/);
    assert.match(run.failed?.hint ?? '', /Grant the update:clients scope/);
    assert.equal(tenant.app.jwt_configuration.alg, 'HS256');
    assert.deepEqual(writes(), [], 'stops before AWS');
  });

  it('a provider for the URL with other audiences only: explained, and ours is added without removing theirs', async () => {
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: `${tenant.baseUrl}/`, ClientIDList: ['OtherApplicationClientId00000000'] }));
    const ins = await setupStep('oidcProvider').inspect(ctx());
    assert.equal(ins.status, 'needs-action');
    const p = ins.problems[0];
    assert.match(p?.message ?? '', /exists, but with other audiences only \(OtherApplicationClientId00000000\)/);
    assert.match(p?.hint ?? '', /adds .* keeps the existing ones/);
    const plan = await setupStep('oidcProvider').plan(ctx());
    assert.deepEqual(plan.calls.map((x) => x.action), ['AddClientIDToOpenIDConnectProvider']);
    assert.equal(plan.changes[0]?.to, `OtherApplicationClientId00000000, ${tenant.app.client_id}`);
    assert.equal((await setupStep('oidcProvider').apply(ctx(), plan)).ok, true);
    const arn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/${tenant.domain}/`;
    const after = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.deepEqual(after.ClientIDList, ['OtherApplicationClientId00000000', tenant.app.client_id]);
    assert.equal((await setupStep('oidcProvider').inspect(ctx())).status, 'done', 'the trailing-slash provider is the one for the URL');
  });

  it('an existing provider pinning old thumbprints: the current one is added, the oldest dropped at 5', async () => {
    const old = ['1111111111111111111111111111111111111111', '2222222222222222222222222222222222222222', '3333333333333333333333333333333333333333', '4444444444444444444444444444444444444444', '5555555555555555555555555555555555555555'];
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: tenant.baseUrl, ClientIDList: [tenant.app.client_id], ThumbprintList: old }));
    const plan = await setupStep('oidcProvider').plan(ctx());
    assert.deepEqual(plan.calls.map((x) => x.action), ['UpdateOpenIDConnectProviderThumbprint']);
    assert.deepEqual(plan.calls[0]?.params.ThumbprintList, [...old.slice(1), tenant.certs.fingerprints.intermediate]);
    assert.ok(plan.warnings.some((w) => w.includes(old[0]!) && /at most 5/.test(w)));
  });

  it('an expired ID token in "Try it": the preflight\'s message first, nothing sent to Cognito', async () => {
    tenant.app.jwt_configuration.alg = 'RS256';
    assert.equal((await applyAll(ctx())).ok, true);
    const expired = tenant.mintIdToken({ alg: 'RS256', expiresIn: -3600 });
    const mark = sent.length;
    const run = await applyAll(ctx({ idToken: expired }));
    assert.equal(run.ok, false);
    assert.equal(run.failed?.step, 'tryIt');
    assert.match(run.failed?.message ?? '', /Expired 1 h ago .* beyond the 5-minute clock skew/);
    assert.match(run.failed?.message ?? '', /Invalid login token\. Token expired/);
    assert.match(run.failed?.hint ?? '', /Sign in again/);
    assert.ok(!sent.slice(mark).some((s) => s.action === 'GetId'), 'no GetId');
    const ins = await setupStep('tryIt').inspect(ctx({ idToken: expired }));
    assert.equal(ins.status, 'error');
  });

  it('an RS256 ID token with its signature cut off in "Try it": refused as unsigned, nothing sent to Cognito', async () => {
    tenant.app.jwt_configuration.alg = 'RS256';
    assert.equal((await applyAll(ctx())).ok, true);
    const signed = tenant.mintIdToken({ alg: 'RS256' });
    const unsigned = signed.slice(0, signed.lastIndexOf('.') + 1);
    const mark = sent.length;
    const run = await applyAll(ctx({ idToken: unsigned }));
    assert.equal(run.ok, false);
    assert.equal(run.failed?.step, 'tryIt');
    assert.match(run.failed?.message ?? '', /not signed \(alg "RS256", empty signature part\)/);
    assert.ok(!sent.slice(mark).some((s) => s.action === 'GetId'), 'no GetId');
    assert.equal((await setupStep('tryIt').inspect(ctx({ idToken: unsigned }))).status, 'error');
  });

  it('two identity pools with the same name: an error asking to pick one by id; picking works', async () => {
    tenant.app.jwt_configuration.alg = 'RS256';
    const a = await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'auth0_pool', AllowUnauthenticatedIdentities: false }));
    const b = await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'auth0_pool', AllowUnauthenticatedIdentities: false }));
    const run = await applyAll(ctx());
    assert.equal(run.failed?.step, 'identityPool');
    assert.match(run.failed?.message ?? '', /2 identity pools in us-east-1 are named "auth0_pool": us-east-1:.*, us-east-1:/);
    assert.match(run.failed?.hint ?? '', /Pick one by its id \(names\.poolId/);
    const picked = await applyAll(ctx({ config: config({ poolId: b.IdentityPoolId }) }));
    assert.equal(picked.ok, true, JSON.stringify(picked.failed));
    assert.equal(picked.outputs.poolId, b.IdentityPoolId);
    const d = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: b.IdentityPoolId }));
    assert.equal(d.OpenIdConnectProviderARNs?.length, 1, 'UpdateIdentityPool attached the provider');
    const untouched = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: a.IdentityPoolId }));
    assert.deepEqual(untouched.OpenIdConnectProviderARNs ?? [], []);
  });

  it('adopts a named role: fixes its trust after showing the plan, keeps the guest role and the mappings', async () => {
    tenant.app.jwt_configuration.alg = 'RS256';
    assert.equal((await applyAll(ctx(), ['connections', 'auth0App', 'oidcProvider', 'identityPool'])).ok, true);
    const poolId = (await inspectAll(ctx())).outputs.poolId ?? '';
    const otherPool = 'us-east-1:00000000-1111-2222-3333-444444444444';
    const mine = await iam.send(new CreateRoleCommand({ RoleName: 'my-app-role', AssumeRolePolicyDocument: recommendedTrustPolicy(otherPool) }));
    const guest = await iam.send(new CreateRoleCommand({ RoleName: 'guest-role', AssumeRolePolicyDocument: recommendedTrustPolicy(poolId) }));
    const mappings = { [tenant.domain]: { Type: 'Token' as const, AmbiguousRoleResolution: 'AuthenticatedRole' as const } };
    await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { unauthenticated: guest.Role?.Arn ?? '' }, RoleMappings: mappings }));
    const c = ctx({ config: config({ roleName: mine.Role?.Arn ?? '' }) });
    const ins = await setupStep('authenticatedRole').inspect(c);
    assert.ok(ins.problems.some((p) => /allows only the identity pool us-east-1:00000000/.test(p.message)), formatInspection(ins));
    const plan = await setupStep('authenticatedRole').plan(c);
    assert.deepEqual(plan.calls.map((x) => x.action), ['UpdateAssumeRolePolicy', 'PutRolePolicy', 'SetIdentityPoolRoles']);
    assert.ok(plan.warnings.some((w) => w.includes(otherPool)), 'warns that the other pool loses the role');
    assert.deepEqual(plan.calls[2]?.params, { IdentityPoolId: poolId, Roles: { unauthenticated: guest.Role?.Arn, authenticated: mine.Role?.Arn }, RoleMappings: mappings });
    const o = await setupStep('authenticatedRole').apply(c, plan);
    assert.equal(o.ok, true, o.message);
    assert.equal(o.outputs.roleArn, mine.Role?.Arn);
    const roles = await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }));
    assert.deepEqual(roles.Roles, { unauthenticated: guest.Role?.Arn, authenticated: mine.Role?.Arn });
    assert.deepEqual(roles.RoleMappings, mappings, 'the role mappings are kept');
    assert.equal((await setupStep('authenticatedRole').inspect(c)).status, 'done');
  });

  it('adopting a role whose trust has the right statement plus a loose one: no "signed-in identities only" claim, the finding names statement 2, the exact policy is planned', async () => {
    tenant.app.jwt_configuration.alg = 'RS256';
    assert.equal((await applyAll(ctx(), ['connections', 'auth0App', 'oidcProvider', 'identityPool'])).ok, true);
    const poolId = (await inspectAll(ctx())).outputs.poolId ?? '';
    const loose = JSON.parse(recommendedTrustPolicy(poolId)) as { Statement: unknown[] };
    loose.Statement.push({ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' });
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'loose-role', AssumeRolePolicyDocument: JSON.stringify(loose) }));
    const c = ctx({ config: config({ roleName: role.Role?.Arn ?? '' }) });
    const ins = await setupStep('authenticatedRole').inspect(c);
    assert.ok(!ins.found.some((f) => /signed-in identities only/.test(f)), formatInspection(ins));
    assert.ok(ins.problems.some((p) => /Statement 2 \(no Sid\) allows any identity pool in any account, authenticated or not/.test(p.message)), formatInspection(ins));
    const plan = await setupStep('authenticatedRole').plan(c);
    assert.equal(plan.calls[0]?.action, 'UpdateAssumeRolePolicy');
    assert.deepEqual(plan.calls[0]?.params, { RoleName: 'loose-role', PolicyDocument: recommendedTrustPolicy(poolId) });
  });

  it('a plan made stale by a change in between is not applied: the new plan comes back', async () => {
    tenant.app.jwt_configuration.alg = 'RS256';
    const plan = await setupStep('oidcProvider').plan(ctx());
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: tenant.baseUrl, ClientIDList: ['SomeoneElse'] }));
    const mark = sent.length;
    const o = await setupStep('oidcProvider').apply(ctx(), plan);
    assert.equal(o.ok, false);
    assert.equal(o.writeCalls, 0);
    assert.deepEqual(o.newPlan?.calls.map((x) => x.action), ['AddClientIDToOpenIDConnectProvider']);
    assert.deepEqual(writes(mark), []);
  });

  it('without Management API access: what to click in the Dashboard (HS256 seen in a token), or a note to check it', async () => {
    const noMgmt = { management: undefined };
    const unknown = await setupStep('auth0App').plan(ctx(noMgmt));
    assert.deepEqual(unknown.calls, []);
    assert.ok(unknown.warnings.some((w) => /not checked .* JsonWebToken Signature Algorithm/.test(w)), unknown.warnings.join('\n'));
    const hs = tenant.mintIdToken({ alg: 'HS256' });
    const plan = await setupStep('auth0App').plan(ctx({ ...noMgmt, idToken: hs }));
    assert.match(plan.manual ?? '', /Applications > your application > Settings > Advanced Settings > OAuth > JsonWebToken Signature Algorithm > RS256 > Save/);
    const run = await applyAll(ctx({ ...noMgmt, idToken: hs }));
    assert.equal(run.failed?.step, 'auth0App');
    assert.match(run.failed?.hint ?? '', /JsonWebToken Signature Algorithm > RS256/);
    assert.equal(tenant.writeCalls, 0);
  });

  // ---- CLI ---------------------------------------------------------------------------------------

  describe('CLI: auth0-cognito setup --plan | --apply --config FILE', () => {
    let dir: string;
    const saved: Record<string, string | undefined> = {};
    const ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AUTH0_MGMT_CLIENT_ID', 'AUTH0_MGMT_CLIENT_SECRET', 'AUTH0_MGMT_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_PROFILE'];

    before(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'setup-cli-'));
      for (const k of ENV) saved[k] = process.env[k];
    });
    after(async () => {
      for (const k of ENV) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      await fs.rm(dir, { recursive: true, force: true });
    });
    beforeEach(() => {
      process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
      process.env.AUTH0_MGMT_CLIENT_ID = tenant.mgmt.clientId;
      process.env.AUTH0_MGMT_CLIENT_SECRET = tenant.mgmt.clientSecret;
      delete process.env.AUTH0_MGMT_TOKEN;
      delete process.env.AWS_ENDPOINT_URL;
      delete process.env.AWS_PROFILE;
    });

    /** `auth0-cognito setup ARGS`, in-process. */
    const cli = (args: string[]) => runCli(['setup', ...args]);
    async function writeConfig(c: unknown): Promise<string> {
      const f = path.join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
      await fs.writeFile(f, JSON.stringify(c));
      return f;
    }

    it('--plan prints every step (masked, no secret), writes nothing; --apply applies; --apply again changes nothing', async () => {
      const file = await writeConfig({ aws: { region: moto.region }, auth0: { domain: tenant.domain, clientId: tenant.app.client_id }, names: { poolName: 'auth0_pool' } });
      process.env.AWS_ENDPOINT_URL = moto.endpoint;
      const plan = await cli(['--plan', '--config', file, '--ca', tenant.certs.rootPath]);
      assert.equal(plan.code, 0, plan.err);
      for (const t of ['Connections', 'Auth0 application', 'IAM OIDC provider', 'Identity pool', 'Authenticated role', 'CreateOpenIDConnectProvider', 'CreateIdentityPool', 'CreateRole', 'PATCH /api/v2/clients/{id}']) {
        assert.ok(plan.out.includes(t), `${t} in\n${plan.out}`);
      }
      assert.ok(!plan.out.includes(tenant.mgmt.clientSecret) && !plan.err.includes(tenant.mgmt.clientSecret), 'the secret is never printed');
      assert.equal(tenant.writeCalls, 0);
      assert.deepEqual((await counts()), { providers: 0, pools: 0, roles: 0 });

      const apply = await cli(['--apply', '--config', file, '--ca', tenant.certs.rootPath]);
      assert.equal(apply.code, 0, apply.out + apply.err);
      assert.deepEqual((await counts()), { providers: 1, pools: 1, roles: 1 });
      assert.match(apply.out, /6 write calls/);

      const json = await cli(['--apply', '--config', file, '--ca', tenant.certs.rootPath, '--json']);
      assert.equal(json.code, 0, json.err);
      const parsed = JSON.parse(json.out) as { ok: boolean; writeCalls: number; outputs: { poolId: string } };
      assert.equal(parsed.ok, true);
      assert.equal(parsed.writeCalls, 0);
      assert.match(parsed.outputs.poolId, /^us-east-1:/);
    });

    it('--apply exits 1 naming the failing step and the fix; a bad config exits 2', async () => {
      const file = await writeConfig({ aws: { region: moto.region, endpoint: moto.endpoint }, auth0: { domain: tenant.domain, clientId: 'NoSuchClientId000000000000000000' }, names: { poolName: 'auth0_pool' } });
      const r = await cli(['--apply', '--config', file, '--ca', tenant.certs.rootPath]);
      assert.equal(r.code, 1);
      assert.match(r.err, /Step "Connections" failed: Auth0 has no application with that client ID/);
      assert.match(r.err, /Fix: Copy the Client ID/);

      const secretful = await writeConfig({ aws: { region: moto.region }, auth0: { domain: tenant.domain, clientId: 'x', clientSecret: 'oops' }, names: { poolName: 'p' } });
      const bad = await cli(['--plan', '--config', secretful]);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /must not hold secrets \(auth0\.clientSecret\)/);
      assert.equal((await cli(['--config', secretful])).code, 2, '--plan or --apply is required');
      assert.equal((await cli(['--plan'])).code, 2, '--config is required');
    });
  });
});
