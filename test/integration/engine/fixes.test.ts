/**
 * The preflight's fixes, planned and applied for real: against moto (IAM, Cognito Identity, STS
 * through moto_plus.py) and the local Auth0-like tenant (Management API PATCH).
 *
 * For every kind: the plan shows the right calls with masked parameters and makes no write;
 * applying makes exactly those calls; the preflight that offered the fix passes afterwards; a
 * second plan says alreadyDone and a second apply makes zero write calls.
 *
 * Write calls are counted on the wire, not mocked: a middleware on the engine's own SDK clients
 * records the action of every request they send to moto (IAM: the query's Action=...; Cognito:
 * the X-Amz-Target header), with its serialized body; Auth0 writes are the tenant's own count of
 * PATCH /api/v2/clients/* requests. Failures are real ones: a provider deleted in IAM
 * (NoSuchEntity), a pool deleted between two calls of an apply (ResourceNotFoundException), and an
 * AccessDenied from moto's IAM policy enforcement turned on for a read-only user.
 */
import * as assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  GetIdentityPoolRolesCommand,
  SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand,
  type CreateIdentityPoolCommandInput,
} from '@aws-sdk/client-cognito-identity';
import { loadAuth0 } from '../../../src/engine/auth0/connection';
import { loadAws, type AwsConfig } from '../../../src/engine/aws/config';
import type { AwsClients } from '../../../src/engine/aws/sdk';
import { applyFix, authenticatedRoleName, normalizeProviderUrl, planFix, type FixContext, type FixSubject } from '../../../src/engine/fixes';
import { formatPlan, type Plan } from '../../../src/engine/plan';
import { JwksCache, verifySignature } from '../../../src/engine/token/jwks';
import { runPreflight, type FixAction, type PreflightReport, type RuleId } from '../../../src/engine/token/preflight';
import { readPoolTarget, type ReadTargetOptions } from '../../../src/engine/aws/readPool';
import { parseTrustPolicy, recommendedTrustPolicy } from '../../../src/engine/aws/trustPolicy';
import { decodeToken } from '../../../src/engine/token/decode';
import type { TrustSettings } from '../../../src/engine/trust';
import { expectEngineError } from '../../helpers/errors';
import { MOTO_ACCOUNT_ID, type Moto } from '../../standins/moto';
import type { Tenant } from '../../standins/tenant';
import { useStandins } from '../../standins/fixture';
import { isWrite, recordRequests, type SentRequest } from '../../helpers/awsCalls';



describe('fixes: plan, apply, apply again (moto + local tenant)', function () {
  this.timeout(120_000);
  let tenant: Tenant;
  let moto: Moto;
  let iam: IAMClient;
  let ci: CognitoIdentityClient;
  let aws: AwsConfig;
  let trust: TrustSettings;
  let clients: AwsClients;
  let clientId: string;
  /** Runs before a request of the engine's clients is sent (to make something happen in between). */
  let beforeSend: ((s: SentRequest) => Promise<void>) | undefined;
  let roleCounter = 0;
  const around = () => (beforeSend ? async (req: SentRequest, send: () => Promise<unknown>) => { await beforeSend?.(req); return send(); } : undefined);
  const standins = useStandins({ awsTrust: true, around });
  /** Every request the engine's clients sent, in order. */
  const { sent } = standins;

  /** Counts the requests an AWS SDK client really sends (one per command, after serialization). */
  /** Counts the requests the engine's clients really send; beforeSend runs before each goes out. */
  function instrument(c: AwsClients): void {
    recordRequests(c, sent, around);
  }

  const writes = (from = 0): SentRequest[] => sent.slice(from).filter(isWrite);

  before(() => {
    ({ tenant, moto, iam, ci, aws, trust, clients } = standins);
    clientId = tenant.app.client_id;
  });

  beforeEach(() => {
    beforeSend = undefined;
    tenant.app.jwt_configuration.alg = 'HS256';
    tenant.resetLog();
  });

  const m2m = () => ({ kind: 'clientCredentials' as const, clientId: tenant.mgmt.clientId, clientSecret: tenant.mgmt.clientSecret });
  const ctx = (over: Partial<FixContext> = {}): FixContext => ({
    aws,
    clients,
    auth0: { connection: { domain: tenant.domain, trust, timeoutMs: 5000 }, credentials: m2m() },
    ...over,
  });

  // ---- the world and the preflight ------------------------------------------------------------

  interface World {
    providerArn: string | undefined;
    poolId: string;
    roleArn: string;
  }

  interface WorldOptions {
    clientIds?: string[];
    /** Create the provider (default true) and attach it (default true). */
    provider?: boolean;
    attach?: boolean;
    trust?: (poolId: string) => string;
    allowUnauthenticated?: boolean;
    /** SetIdentityPoolRoles with the role (default true). */
    setRoles?: boolean;
    pool?: Partial<CreateIdentityPoolCommandInput>;
  }

  async function world(o: WorldOptions = {}): Promise<World> {
    let providerArn: string | undefined;
    if (o.provider !== false) {
      const r = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: tenant.baseUrl, ClientIDList: o.clientIds ?? [clientId] }));
      providerArn = r.OpenIDConnectProviderArn ?? '';
    }
    const { IdentityPoolId } = await ci.send(new CreateIdentityPoolCommand({
      IdentityPoolName: 'auth0_pool',
      AllowUnauthenticatedIdentities: o.allowUnauthenticated ?? false,
      OpenIdConnectProviderARNs: providerArn && o.attach !== false ? [providerArn] : [],
      ...o.pool,
    }));
    const poolId = IdentityPoolId ?? '';
    const role = await iam.send(new CreateRoleCommand({
      RoleName: `auth0-cognito-authenticated-${++roleCounter}`,
      AssumeRolePolicyDocument: (o.trust ?? recommendedTrustPolicy)(poolId),
    }));
    const roleArn = role.Role?.Arn ?? '';
    if (o.setRoles !== false) await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: roleArn } }));
    return { providerArn, poolId, roleArn };
  }

  /** decode -> verify with the tenant's JWKS -> read the pool (GetIdentityPoolRoles included) -> rules. */
  async function preflight(token: string, poolId: string, read: Partial<ReadTargetOptions> = {}): Promise<PreflightReport> {
    const decoded = decodeToken(token);
    const iss = decoded.ok && typeof decoded.claims.iss === 'string' ? decoded.claims.iss : undefined;
    const [signature, { target }] = await Promise.all([
      verifySignature(decoded, { trust, cache: new JwksCache(), timeoutMs: 5000 }),
      readPoolTarget({ aws, poolId, issuer: iss, ...read }),
    ]);
    return runPreflight({ token: decoded, signature, target });
  }

  function rule(report: PreflightReport, id: RuleId) {
    const r = report.rules.find((x) => x.id === id);
    assert.ok(r, id);
    return r;
  }

  function fixOf(report: PreflightReport, id: RuleId): FixAction {
    const f = rule(report, id).fix;
    assert.ok(f, `${id} offers a fix: ${rule(report, id).message}`);
    return f;
  }

  const rs256 = () => tenant.mintIdToken({ alg: 'RS256' });

  /**
   * The common life of a fix: plan (no writes) -> apply (exactly the planned calls) -> plan again
   * (alreadyDone, no calls) -> apply again (zero writes) -> apply the first plan again (zero writes).
   */
  async function lifecycle(fix: FixAction, expectedActions: string[], c: FixContext = ctx()): Promise<{ plan: Plan<FixSubject>; second: Plan<FixSubject> }> {
    const start = sent.length;
    const plan = await planFix(fix, c);
    assert.equal(plan.alreadyDone, false, plan.summary);
    assert.deepEqual(plan.calls.map((x) => x.action), expectedActions);
    assert.deepEqual(writes(start), [], 'planning writes nothing');
    assert.ok(plan.summary.length > 20 && plan.changes.length > 0, formatPlan(plan));

    const before = sent.length;
    const outcome = await applyFix(plan, c);
    assert.equal(outcome.ok, true, outcome.message);
    assert.deepEqual(writes(before).map((s) => s.action), expectedActions, 'apply made exactly the planned calls');
    assert.equal(outcome.writeCalls, expectedActions.length);
    assert.equal(outcome.done.length, expectedActions.length);

    const second = await planFix(fix, c);
    assert.equal(second.alreadyDone, true, second.summary);
    assert.deepEqual(second.calls, []);
    const mark = sent.length;
    const again = await applyFix(second, c);
    assert.equal(again.ok, true);
    assert.equal(again.alreadyDone, true);
    assert.equal(again.writeCalls, 0);
    assert.match(again.message, /^Nothing to do, nothing was changed: /);
    const replay = await applyFix(plan, c);
    assert.equal(replay.alreadyDone, true, 'applying the first plan again changes nothing either');
    assert.deepEqual(writes(mark), [], 'zero write calls on the wire');
    return { plan, second };
  }

  // ---- one test per kind ------------------------------------------------------------------------

  it('addClientIdToProvider: AddClientIDToOpenIDConnectProvider, then aud.clientId passes', async () => {
    const w = await world({ clientIds: ['SomeOtherApplicationClientId0000'] });
    const token = rs256();
    const before = await preflight(token, w.poolId);
    assert.equal(rule(before, 'aud.clientId').status, 'fail');
    const fix = fixOf(before, 'aud.clientId');
    assert.deepEqual(fix, { kind: 'addClientIdToProvider', providerArn: w.providerArn, clientId });

    const { plan, second } = await lifecycle(fix, ['AddClientIDToOpenIDConnectProvider']);
    assert.deepEqual(plan.calls, [{ service: 'iam', action: 'AddClientIDToOpenIDConnectProvider', access: 'write', params: { OpenIDConnectProviderArn: w.providerArn, ClientID: clientId } }]);
    assert.deepEqual(plan.changes, [{ what: `Client IDs (audiences) of the IAM OIDC provider ${tenant.domain}`, from: 'SomeOtherApplicationClientId0000', to: `SomeOtherApplicationClientId0000, ${clientId}` }]);
    assert.match(second.summary, /already lists the client ID/);

    const after = await preflight(token, w.poolId);
    assert.equal(rule(after, 'aud.clientId').status, 'pass');
    assert.equal(after.ok, true, after.summary);
  });

  it('attachProviderToPool: UpdateIdentityPool carries every setting of the pool over', async () => {
    const other = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://other.example.com', ClientIDList: ['other-client'] }));
    const otherArn = other.OpenIDConnectProviderArn ?? '';
    const samlArn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:saml-provider/corp`;
    const userPool = { ProviderName: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123', ClientId: '1example23456789', ServerSideTokenCheck: true };
    const w = await world({
      attach: false,
      pool: {
        OpenIdConnectProviderARNs: [otherArn],
        SupportedLoginProviders: { 'graph.facebook.com': '7346241598935552' },
        DeveloperProviderName: 'login.myapp',
        CognitoIdentityProviders: [userPool],
        SamlProviderARNs: [samlArn],
        IdentityPoolTags: { team: 'identity', env: 'test' },
      },
    });
    const providerArn = w.providerArn ?? '';
    const token = rs256();
    const before = await preflight(token, w.poolId);
    assert.equal(rule(before, 'provider.attached').status, 'fail');
    const fix = fixOf(before, 'provider.attached');
    assert.deepEqual(fix, { kind: 'attachProviderToPool', poolId: w.poolId, providerArn });

    const start = sent.length;
    const { plan } = await lifecycle(fix, ['UpdateIdentityPool']);
    const expected = {
      IdentityPoolId: w.poolId,
      IdentityPoolName: 'auth0_pool',
      AllowUnauthenticatedIdentities: false,
      SupportedLoginProviders: { 'graph.facebook.com': '7346241598935552' },
      DeveloperProviderName: 'login.myapp',
      OpenIdConnectProviderARNs: [otherArn, providerArn],
      CognitoIdentityProviders: [userPool],
      SamlProviderARNs: [samlArn],
      IdentityPoolTags: { team: 'identity', env: 'test' },
    };
    assert.deepEqual(plan.calls, [{ service: 'cognito-identity', action: 'UpdateIdentityPool', access: 'write', params: expected }]);
    assert.deepEqual(plan.changes[0]?.from, otherArn);
    assert.deepEqual(plan.changes[0]?.to, `${otherArn}, ${providerArn}`);
    // What went over the wire is the whole configuration (moto keeps fields left out, AWS clears them).
    const update = writes(start).find((s) => s.action === 'UpdateIdentityPool');
    assert.ok(update);
    assert.deepEqual(JSON.parse(update.body), expected);

    const d = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: w.poolId }));
    assert.deepEqual(d.OpenIdConnectProviderARNs, [otherArn, providerArn]);
    assert.deepEqual(d.SupportedLoginProviders, { 'graph.facebook.com': '7346241598935552' });
    assert.equal(d.DeveloperProviderName, 'login.myapp');
    assert.deepEqual(d.CognitoIdentityProviders, [userPool]);
    assert.deepEqual(d.SamlProviderARNs, [samlArn]);
    assert.deepEqual(d.IdentityPoolTags, { team: 'identity', env: 'test' });
    assert.equal(d.AllowUnauthenticatedIdentities, false);
    assert.equal(d.IdentityPoolName, 'auth0_pool');

    const after = await preflight(token, w.poolId);
    assert.equal(rule(after, 'provider.attached').status, 'pass');
    assert.equal(after.ok, true, after.summary);
  });

  it('createProvider: CreateOpenIDConnectProvider (no trailing slash, client ID, computed thumbprint) + attach', async () => {
    const w = await world({ provider: false });
    const token = rs256();
    const before = await preflight(token, w.poolId);
    assert.equal(rule(before, 'iss.provider').status, 'fail');
    const fix = fixOf(before, 'iss.provider');
    assert.deepEqual(fix, { kind: 'createProvider', url: tenant.baseUrl, clientId, poolId: w.poolId });

    const arn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/${tenant.domain}`;
    // With the issuer's trailing slash, as a user may type it: created without it.
    const { plan } = await lifecycle({ kind: 'createProvider', url: tenant.issuer, clientId, poolId: w.poolId }, ['CreateOpenIDConnectProvider', 'UpdateIdentityPool']);
    assert.deepEqual(plan.calls[0], {
      service: 'iam',
      action: 'CreateOpenIDConnectProvider',
      params: { Url: tenant.baseUrl, ClientIDList: [clientId], ThumbprintList: [tenant.certs.fingerprints.intermediate] },
      access: 'write',
    });
    assert.deepEqual(plan.calls[1]?.params, { IdentityPoolId: w.poolId, IdentityPoolName: 'auth0_pool', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [arn] });
    assert.equal(plan.changes[0]?.from, '(none)');
    assert.match(plan.changes[0]?.to ?? '', new RegExp(`^${arn.replace(/[.:/]/g, '\\$&')}: client IDs ${clientId}; thumbprint ${tenant.certs.fingerprints.intermediate} \\(SHA-1 of .*intermediate`, 'i'));
    assert.ok(plan.warnings.some((x) => /port/.test(x)), 'warns that AWS rejects a port');

    const p = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.equal(p.Url, tenant.domain);
    assert.deepEqual(p.ClientIDList, [clientId]);
    assert.deepEqual(p.ThumbprintList, [tenant.certs.fingerprints.intermediate]);

    const after = await preflight(token, w.poolId);
    assert.equal(after.ok, true, after.summary);
    assert.equal(rule(after, 'iss.provider').status, 'pass');
  });

  it('switchAppToRS256: Management API PATCH, then RS256 tokens pass; secrets never in the plan', async () => {
    const w = await world();
    const before = await preflight(tenant.mintIdToken(), w.poolId); // the app's default: HS256
    assert.equal(rule(before, 'token.alg').status, 'fail');
    const fix = fixOf(before, 'token.alg');
    assert.deepEqual(fix, { kind: 'switchAppToRS256', clientId });

    const plan = await planFix(fix, ctx());
    assert.equal(plan.alreadyDone, false);
    assert.equal(tenant.writeCalls, 0, 'planning writes nothing');
    assert.deepEqual(plan.calls, [{
      service: 'auth0',
      action: 'PATCH /api/v2/clients/{id}',
      params: {
        domain: tenant.domain,
        id: clientId,
        body: { jwt_configuration: { alg: 'RS256' } },
        authorization: `Bearer (a Management API token for the machine-to-machine client ${tenant.mgmt.clientId.slice(0, 4)}…${tenant.mgmt.clientId.slice(-4)}, from its client credentials)`,
      },
      access: 'write',
    }]);
    assert.deepEqual(plan.changes.map((c) => [c.from, c.to]), [['HS256', 'RS256']]);
    const text = JSON.stringify(plan) + formatPlan(plan);
    assert.ok(!text.includes(tenant.mgmt.clientSecret), 'no client secret in the plan');
    assert.ok(!text.includes(tenant.mgmt.clientId), 'the M2M client id is masked');

    // A pasted Management API token is shown masked, never whole.
    const { token: mgmtToken } = await loadAuth0().managementToken({ domain: tenant.domain, trust }, m2m());
    const pasted = await planFix(fix, ctx({ auth0: { connection: { domain: tenant.domain, trust }, credentials: { kind: 'token', token: `Bearer ${mgmtToken}` } } }));
    assert.equal(pasted.calls[0]?.params.authorization, `Bearer ${mgmtToken.slice(0, 4)}…${mgmtToken.slice(-4)}`);
    assert.ok(!JSON.stringify(pasted).includes(mgmtToken.split('.')[1] ?? mgmtToken));

    const outcome = await applyFix(plan, ctx());
    assert.equal(outcome.ok, true, outcome.message);
    assert.equal(tenant.writeCalls, 1);
    assert.equal(tenant.app.jwt_configuration.alg, 'RS256');
    assert.match(outcome.done[0] ?? '', /from HS256 to RS256/);

    const second = await planFix(fix, ctx());
    assert.equal(second.alreadyDone, true);
    const again = await applyFix(second, ctx());
    assert.equal(again.writeCalls, 0);
    assert.equal((await applyFix(plan, ctx())).alreadyDone, true);
    assert.equal(tenant.writeCalls, 1, 'zero PATCH requests the second time');

    const after = await preflight(tenant.mintIdToken(), w.poolId); // now RS256 by default
    assert.equal(rule(after, 'token.alg').status, 'pass');
    assert.equal(after.ok, true, after.summary);
  });

  it('switchAppToRS256 without Management API access: the Dashboard clicks, nothing applied', async () => {
    const c = ctx({ auth0: { connection: { domain: tenant.domain, trust } } });
    const plan = await planFix({ kind: 'switchAppToRS256', clientId }, c);
    assert.deepEqual(plan.calls, []);
    assert.match(plan.manual ?? '', /Applications > your application > Settings > Advanced Settings > OAuth > JsonWebToken Signature Algorithm > RS256 > Save/);
    const outcome = await applyFix(plan, c);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.writeCalls, 0);
    assert.equal(tenant.countRequests('PATCH', new RegExp('^/api/v2/clients/')), 0);
  });

  it('switchAppToRS256 with a token lacking update:clients: warned in the plan, a clear error on apply', async () => {
    const ro = tenant.addClient({ name: 'read-only m2m', app_type: 'non_interactive' }, ['read:clients']);
    const c = ctx({ auth0: { connection: { domain: tenant.domain, trust }, credentials: { kind: 'clientCredentials', clientId: ro.client_id, clientSecret: ro.client_secret } } });
    const plan = await planFix({ kind: 'switchAppToRS256', clientId }, c);
    assert.match(plan.warnings[0] ?? '', /lacks the update:clients scope/);
    const outcome = await applyFix(plan, c);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error?.code, 'AUTH0');
    assert.match(outcome.error?.message ?? '', /may not update the application.*Insufficient scope/);
    assert.match(outcome.error?.hint ?? '', /Grant the update:clients scope/);
    assert.deepEqual(outcome.done, []);
    assert.equal(outcome.notDone?.length, 1);
    assert.match(outcome.message, /Nothing was changed\.$/);
    assert.equal(tenant.app.jwt_configuration.alg, 'HS256');
  });

  it('fixLoginsKey: manual only, with the exact line to change', async () => {
    const w = await world();
    const before = await preflight(rs256(), w.poolId, { loginsKey: `https://${tenant.domain}/` });
    const fix = fixOf(before, 'logins.key');
    const plan = await planFix(fix, ctx());
    assert.deepEqual(plan.calls, []);
    assert.equal(plan.alreadyDone, false);
    assert.ok((plan.manual ?? '').includes(`-  logins: { "https://${tenant.domain}/": idToken }\n+  logins: { "${tenant.domain}": idToken }`), plan.manual);
    const outcome = await applyFix(plan, ctx());
    assert.equal(outcome.ok, false);
    assert.equal(outcome.writeCalls, 0);
    assert.equal((await planFix({ kind: 'fixLoginsKey', expected: tenant.domain, current: tenant.domain }, ctx())).alreadyDone, true);
    assert.deepEqual(sent.filter(isWrite), []);
  });

  it('setAuthenticatedRole: CreateRole (least-privilege trust) + SetIdentityPoolRoles keeping the unauthenticated role', async () => {
    const w = await world({ setRoles: false });
    const guest = await iam.send(new CreateRoleCommand({ RoleName: 'guest-role', AssumeRolePolicyDocument: recommendedTrustPolicy(w.poolId) }));
    const guestArn = guest.Role?.Arn ?? '';
    await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: w.poolId, Roles: { unauthenticated: guestArn } }));
    const token = rs256();
    const before = await preflight(token, w.poolId);
    assert.equal(rule(before, 'role.attached').status, 'fail');
    const fix = fixOf(before, 'role.attached');
    assert.deepEqual(fix, { kind: 'setAuthenticatedRole', poolId: w.poolId });

    const name = 'Cognito_auth0_pool_Auth_Role';
    const arn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${name}`;
    const { plan } = await lifecycle(fix, ['CreateRole', 'SetIdentityPoolRoles']);
    assert.deepEqual(plan.calls[0]?.params, {
      RoleName: name,
      AssumeRolePolicyDocument: recommendedTrustPolicy(w.poolId),
      Description: 'Authenticated role of the Cognito identity pool auth0_pool; trusts only that pool\'s signed-in identities.',
    });
    assert.deepEqual(plan.calls[1]?.params, { IdentityPoolId: w.poolId, Roles: { unauthenticated: guestArn, authenticated: arn } });
    assert.ok(plan.warnings.some((x) => /no permissions/.test(x)));

    const roles = await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: w.poolId }));
    assert.deepEqual(roles.Roles, { unauthenticated: guestArn, authenticated: arn });
    const after = await preflight(token, w.poolId);
    for (const id of ['role.attached', 'role.trust.principal', 'role.trust.aud', 'role.trust.amr'] as const) assert.equal(rule(after, id).status, 'pass', id);
    assert.equal(after.ok, true, after.summary);
  });

  it('setAuthenticatedRole: adopts a role made for this pool before, and never takes over a role with another trust', async () => {
    const w = await world({ setRoles: false });
    // A role with the name and the recommended trust: left over from an apply that failed halfway.
    await iam.send(new CreateRoleCommand({ RoleName: authenticatedRoleName('auth0_pool'), AssumeRolePolicyDocument: recommendedTrustPolicy(w.poolId) }));
    const plan = await planFix({ kind: 'setAuthenticatedRole', poolId: w.poolId }, ctx());
    assert.deepEqual(plan.calls.map((c) => c.action), ['SetIdentityPoolRoles']);
    assert.match(plan.summary, /existing role Cognito_auth0_pool_Auth_Role/);

    const w2 = await world({ setRoles: false, provider: false });
    const plan2 = await planFix({ kind: 'setAuthenticatedRole', poolId: w2.poolId }, ctx());
    assert.deepEqual(plan2.calls.map((c) => c.action), ['CreateRole', 'SetIdentityPoolRoles']);
    assert.equal(plan2.calls[0]?.params.RoleName, 'Cognito_auth0_pool_Auth_Role_2');
    assert.ok(plan2.warnings.some((x) => /exists with another trust policy/.test(x)));
    assert.equal(authenticatedRoleName('my pool with spaces and a very long name that goes on and on and on'), 'Cognito_my_pool_with_spaces_and_a_very_long_name_that_Auth_Role');
    assert.equal(authenticatedRoleName('auth0_pool', 2), 'Cognito_auth0_pool_Auth_Role_2');
  });

  it('fixRoleTrust: UpdateAssumeRolePolicy, the plan shows the old and the new policy', async () => {
    const otherPool = 'us-east-1:00000000-1111-2222-3333-444444444444';
    const w = await world({ trust: () => recommendedTrustPolicy(otherPool) });
    const token = rs256();
    const before = await preflight(token, w.poolId);
    assert.equal(rule(before, 'role.trust.aud').status, 'fail');
    const fix = fixOf(before, 'role.trust.aud');
    assert.equal(fix.kind, 'fixRoleTrust');

    const { plan } = await lifecycle(fix, ['UpdateAssumeRolePolicy']);
    const name = w.roleArn.slice(w.roleArn.lastIndexOf('/') + 1);
    assert.deepEqual(plan.calls, [{ service: 'iam', action: 'UpdateAssumeRolePolicy', access: 'write', params: { RoleName: name, PolicyDocument: recommendedTrustPolicy(w.poolId) } }]);
    assert.deepEqual(JSON.parse(plan.changes[0]?.from ?? ''), JSON.parse(recommendedTrustPolicy(otherPool)));
    assert.equal(plan.changes[0]?.to, recommendedTrustPolicy(w.poolId));
    assert.ok(plan.warnings.some((x) => x.includes(otherPool)), 'warns that the other pool loses the role');

    const role = await iam.send(new GetRoleCommand({ RoleName: name }));
    const parsed = parseTrustPolicy(role.Role?.AssumeRolePolicyDocument);
    assert.ok('policy' in parsed);
    assert.deepEqual(parsed.policy, JSON.parse(recommendedTrustPolicy(w.poolId)));
    const after = await preflight(token, w.poolId);
    assert.equal(rule(after, 'role.trust.aud').status, 'pass');
    assert.equal(after.ok, true, after.summary);
  });

  it('disableUnauthenticated: UpdateIdentityPool with guest access off, everything else kept', async () => {
    const w = await world({ allowUnauthenticated: true, pool: { SupportedLoginProviders: { 'accounts.google.com': 'google-client' }, IdentityPoolTags: { owner: 'me' } } });
    const before = await preflight(rs256(), w.poolId);
    assert.equal(rule(before, 'pool.unauthenticated').status, 'warn');
    const fix = fixOf(before, 'pool.unauthenticated');

    const start = sent.length;
    const { plan } = await lifecycle(fix, ['UpdateIdentityPool']);
    const expected = {
      IdentityPoolId: w.poolId,
      IdentityPoolName: 'auth0_pool',
      AllowUnauthenticatedIdentities: false,
      SupportedLoginProviders: { 'accounts.google.com': 'google-client' },
      OpenIdConnectProviderARNs: [w.providerArn],
      IdentityPoolTags: { owner: 'me' },
    };
    assert.deepEqual(plan.calls[0]?.params, expected);
    assert.deepEqual(plan.changes.map((c) => [c.from, c.to]), [['true', 'false']]);
    assert.deepEqual(JSON.parse(writes(start)[0]?.body ?? '{}'), expected);
    const d = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: w.poolId }));
    assert.equal(d.AllowUnauthenticatedIdentities, false);
    assert.deepEqual(d.SupportedLoginProviders, { 'accounts.google.com': 'google-client' });
    assert.deepEqual(d.IdentityPoolTags, { owner: 'me' });
    const after = await preflight(rs256(), w.poolId);
    assert.equal(rule(after, 'pool.unauthenticated').status, 'pass');
  });

  // ---- failures ---------------------------------------------------------------------------------

  it('a provider deleted in IAM: planning and applying fail with a clear error, nothing written', async () => {
    const w = await world({ clientIds: ['SomeOtherApplicationClientId0000'] });
    const fix: FixAction = { kind: 'addClientIdToProvider', providerArn: w.providerArn ?? '', clientId };
    const plan = await planFix(fix, ctx());
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: w.providerArn }));
    await expectEngineError(applyFix(plan, ctx()), 'AWS', /The IAM OIDC provider arn:aws:iam::\d+:oidc-provider\/localhost:\d+ does not exist/, /create the provider/);
    await expectEngineError(planFix(fix, ctx()), 'AWS', /does not exist \(it may have been deleted\)/);
    await expectEngineError(planFix({ kind: 'attachProviderToPool', poolId: w.poolId, providerArn: w.providerArn ?? '' }, ctx()), 'AWS', /does not exist/);
    assert.deepEqual(sent.filter(isWrite), []);
  });

  it('a plan made stale by a change in between is not applied: the new plan comes back', async () => {
    const w = await world({ attach: false });
    const fix: FixAction = { kind: 'attachProviderToPool', poolId: w.poolId, providerArn: w.providerArn ?? '' };
    const plan = await planFix(fix, ctx());
    // Someone adds a login provider to the pool in between.
    await ci.send(new UpdateIdentityPoolCommand({ IdentityPoolId: w.poolId, IdentityPoolName: 'auth0_pool', AllowUnauthenticatedIdentities: false, SupportedLoginProviders: { 'www.amazon.com': 'amzn1.application.x' } }));
    const mark = sent.length;
    const outcome = await applyFix(plan, ctx());
    assert.equal(outcome.ok, false);
    assert.equal(outcome.writeCalls, 0);
    assert.match(outcome.message, /^Nothing was changed: the current state differs/);
    assert.ok(outcome.newPlan);
    assert.notDeepEqual(outcome.newPlan.calls, plan.calls);
    assert.deepEqual(writes(mark), []);
    const ok = await applyFix(outcome.newPlan, ctx());
    assert.equal(ok.ok, true, ok.message);
    const after = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: w.poolId }));
    assert.deepEqual(after.OpenIdConnectProviderARNs, [w.providerArn]);
    assert.deepEqual(after.SupportedLoginProviders, { 'www.amazon.com': 'amzn1.application.x' }, 'the change made in between is kept');
  });

  it('a failure halfway says what was done and what was not; planning again continues without duplicates', async () => {
    const w = await world({ provider: false });
    const fix: FixAction = { kind: 'createProvider', url: tenant.baseUrl, clientId, poolId: w.poolId };
    const plan = await planFix(fix, ctx());
    assert.deepEqual(plan.calls.map((c) => c.action), ['CreateOpenIDConnectProvider', 'UpdateIdentityPool']);
    // Someone deletes the pool between the two calls: UpdateIdentityPool really fails.
    beforeSend = async (s) => {
      if (s.action === 'UpdateIdentityPool') {
        beforeSend = undefined;
        await ci.send(new DeleteIdentityPoolCommand({ IdentityPoolId: w.poolId }));
      }
    };
    const outcome = await applyFix(plan, ctx());
    assert.equal(outcome.ok, false);
    assert.equal(outcome.writeCalls, 2);
    assert.equal(outcome.done.length, 1);
    assert.match(outcome.done[0] ?? '', /^Created the IAM OIDC provider https:\/\/localhost:\d+ \(arn:aws:iam::123456789012:oidc-provider\/localhost:\d+\)/);
    assert.deepEqual(outcome.notDone, [`Attach the IAM OIDC provider ${tenant.domain} to the identity pool auth0_pool (${w.poolId}).`]);
    assert.equal(outcome.error?.code, 'AWS');
    assert.match(outcome.error?.message ?? '', /ResourceNotFoundException: IdentityPool '.*' not found\. \(it was deleted after the plan was made\?\)/);
    assert.match(outcome.message, /^Failed \(step 2 of 2, cognito-identity:UpdateIdentityPool\): .* Done before that: Created the IAM OIDC provider/);

    // The same fix for a (new) pool: the provider is found by its URL, not created again.
    const w2 = await world({ provider: false });
    const next = await planFix({ ...fix, poolId: w2.poolId }, ctx());
    assert.deepEqual(next.calls.map((c) => c.action), ['UpdateIdentityPool']);
    assert.equal((await applyFix(next, ctx())).ok, true);
    const list = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    assert.equal(list.OpenIDConnectProviderList?.length, 1, 'one provider, no duplicate');
    assert.equal((await preflight(rs256(), w2.poolId)).ok, true);
  });

  it('AccessDenied (moto enforcing IAM policies for a read-only user): a clear error naming the permission', async () => {
    const w = await world({ clientIds: ['SomeOtherApplicationClientId0000'] });
    await iam.send(new CreateUserCommand({ UserName: 'readonly' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'readonly',
      PolicyName: 'read-only',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 'cognito-identity:Describe*', 'cognito-identity:Get*', 'sts:GetCallerIdentity'], Resource: '*' }] }),
    }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'readonly' }));
    const creds = { accessKeyId: key.AccessKey?.AccessKeyId ?? '', secretAccessKey: key.AccessKey?.SecretAccessKey ?? '' };
    const ro = loadAws().createAwsClients({ ...aws, credentials: creds });
    instrument(ro);
    const setAuth = async (count: string) => {
      const r = await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: count });
      assert.equal(r.status, 200, await r.text());
    };
    await setAuth('0');
    try {
      const c = ctx({ aws: { ...aws, credentials: creds }, clients: ro });
      const fix: FixAction = { kind: 'addClientIdToProvider', providerArn: w.providerArn ?? '', clientId };
      const plan = await planFix(fix, c); // reading is allowed
      assert.equal(plan.calls.length, 1);
      const outcome = await applyFix(plan, c);
      assert.equal(outcome.ok, false);
      assert.equal(outcome.writeCalls, 1);
      assert.equal(outcome.error?.code, 'AWS');
      assert.match(outcome.error?.message ?? '', /^AWS denied iam:AddClientIDToOpenIDConnectProvider: /);
      assert.match(outcome.error?.hint ?? '', /Grant the missing permission/);
      assert.match(outcome.message, /Nothing was changed\.$/);
    } finally {
      await setAuth('inf');
      ro.iam.destroy();
      ro.cognito.destroy();
      ro.sts.destroy();
    }
    const p = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: w.providerArn }));
    assert.deepEqual(p.ClientIDList, ['SomeOtherApplicationClientId0000'], 'nothing changed');
  });

  it('cancellation before applying: nothing is written', async () => {
    const w = await world({ clientIds: ['SomeOtherApplicationClientId0000'] });
    const fix: FixAction = { kind: 'addClientIdToProvider', providerArn: w.providerArn ?? '', clientId };
    const plan = await planFix(fix, ctx());
    const ac = new AbortController();
    ac.abort();
    await expectEngineError(applyFix(plan, ctx({ signal: ac.signal })), 'CANCELLED', /Cancelled/);
    assert.deepEqual(sent.filter(isWrite), []);
  });

  it('provider URLs are normalised the way IAM wants them', () => {
    assert.deepEqual(normalizeProviderUrl('https://Tenant.Auth0.com/'), { url: 'https://tenant.auth0.com', warnings: [] });
    assert.equal(normalizeProviderUrl('tenant.eu.auth0.com').url, 'https://tenant.eu.auth0.com');
    assert.equal(normalizeProviderUrl('https://login.example.com/tenant//').url, 'https://login.example.com/tenant');
    assert.throws(() => normalizeProviderUrl('http://tenant.auth0.com'), /must start with https:\/\//);
    assert.throws(() => normalizeProviderUrl('https://tenant.auth0.com/?x=1'), /query string/);
  });
});
