/**
 * Teardown against moto and the local tenant, after a real setup applyAll: what the setup made
 * (tagged) is removed in reverse order, what it did not make is left alone, a second run makes no
 * call, and a run denied halfway (a real IAM AccessDenied on the wire, from a proxy in front of
 * moto) is finished by the next one. Write calls are counted on the wire (recordRequests).
 */
import * as assert from 'node:assert/strict';
import {
  AddClientIDToOpenIDConnectProviderCommand,
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import {
  CreateIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  ListIdentityPoolsCommand,
} from '@aws-sdk/client-cognito-identity';
import { loadAws } from '../../../../src/engine/aws/config';
import type { AwsClients } from '../../../../src/engine/aws/sdk';
import { applyAll, createSetupCache, type SetupConfig } from '../../../../src/engine/setup';
import {
  applyPoolTeardown,
  applyTeardown,
  formatTeardownPlan,
  planPoolTeardown,
  planTeardown,
  RS256_NOTE,
  type TeardownContext,
} from '../../../../src/engine/teardown';
import { isWrite, recordRequests } from '../../../helpers/awsCalls';
import { startAwsProxy, type AwsProxy } from '../../../helpers/awsProxy';
import { MOTO_ACCOUNT_ID } from '../../../standins/moto';
import { useStandins } from '../../../standins/fixture';

const OTHER_CLIENT = 'OtherApplicationClientId00000000';

describe('teardown engine: removes what the setup made (moto + local tenant)', function () {
  this.timeout(60_000);
  const standins = useStandins({ awsTrust: true });
  const { sent } = standins;
  const writes = (from = 0): string[] => sent.slice(from).filter(isWrite).map((s) => s.action);

  beforeEach(() => {
    const { tenant } = standins;
    tenant.app.jwt_configuration.alg = 'HS256';
    tenant.clearFaults();
  });

  const config = (names: Partial<SetupConfig['names']> = {}): SetupConfig => ({
    aws: { region: standins.moto.region, endpoint: standins.moto.endpoint },
    auth0: { domain: standins.tenant.domain, clientId: standins.tenant.app.client_id },
    names: { poolName: 'auth0_pool', ...names },
  });
  const m2m = () => ({ kind: 'clientCredentials' as const, clientId: standins.tenant.mgmt.clientId, clientSecret: standins.tenant.mgmt.clientSecret });
  const ctx = (over: Partial<TeardownContext> = {}): TeardownContext => ({
    config: config(),
    trust: standins.trust,
    timeoutMs: 5000,
    awsCredentials: standins.moto.credentials,
    clients: standins.clients,
    cache: createSetupCache(),
    ...over,
  });
  const providerArn = () => `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/${standins.tenant.domain}`;

  /** setup --apply, for real; returns its outputs. */
  async function setUp(names: Partial<SetupConfig['names']> = {}): Promise<{ poolId: string; roleArn: string; providerArn: string }> {
    const run = await applyAll({ config: config(names), management: m2m(), trust: standins.trust, timeoutMs: 5000, awsCredentials: standins.moto.credentials, clients: standins.clients, cache: createSetupCache() });
    assert.equal(run.ok, true, JSON.stringify(run.failed));
    const { poolId, roleArn, providerArn: arn } = run.outputs;
    assert.ok(poolId && roleArn && arn);
    sent.length = 0;
    return { poolId, roleArn, providerArn: arn };
  }

  async function state(): Promise<{ providers: string[]; pools: string[]; roles: string[] }> {
    const p = await standins.iam.send(new ListOpenIDConnectProvidersCommand({}));
    const pools = await standins.ci.send(new ListIdentityPoolsCommand({ MaxResults: 60 }));
    const roles = await standins.iam.send(new ListRolesCommand({}));
    return {
      providers: (p.OpenIDConnectProviderList ?? []).map((x) => x.Arn ?? '').sort(),
      pools: (pools.IdentityPools ?? []).map((x) => `${x.IdentityPoolName} ${x.IdentityPoolId}`).sort(),
      roles: (roles.Roles ?? []).map((r) => r.RoleName ?? '').sort(),
    };
  }

  it('after setup --apply: removes the tagged pool, role and provider in reverse order; unrelated ones stay; a second run makes 0 writes', async () => {
    // Unrelated, made directly (untagged): another provider and a pool using it.
    const other = await standins.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://other-idp.example.com', ClientIDList: ['someone-else'] }));
    const otherPool = await standins.ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'unrelated_pool', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [other.OpenIDConnectProviderArn ?? ''] }));
    const made = await setUp();
    const before = await state();
    const auth0Writes = standins.tenant.writeCalls;

    const plan = await planTeardown(ctx());
    assert.deepEqual(writes(), [], 'planning writes nothing');
    assert.equal(standins.tenant.writeCalls, auth0Writes, 'no Auth0 write');
    assert.deepEqual(plan.calls.map((c) => c.action), ['SetIdentityPoolRoles', 'DeleteIdentityPool', 'DeleteRolePolicy', 'DeleteRole', 'DeleteOpenIDConnectProvider']);
    assert.deepEqual(plan.calls.map((c) => c.params), [
      { IdentityPoolId: made.poolId, Roles: {} },
      { IdentityPoolId: made.poolId },
      { RoleName: 'Cognito_auth0_pool_Auth_Role', PolicyName: 'auth0-cognito-bridge-minimal' },
      { RoleName: 'Cognito_auth0_pool_Auth_Role' },
      { OpenIDConnectProviderArn: made.providerArn },
    ]);
    assert.equal(plan.subject.kind, 'teardown');
    assert.equal(plan.subject.setupName, 'auth0_pool');
    assert.deepEqual(plan.subject.items.map((i) => [i.kind, i.fate]), [['identity pool', 'remove'], ['IAM role', 'remove'], ['IAM OIDC provider', 'remove']]);
    assert.ok(plan.warnings.includes(RS256_NOTE), 'the plan says the application stays on RS256, and why');
    assert.ok(plan.warnings.some((w) => /Callback URLs .* stay/.test(w)));
    const text = formatTeardownPlan(plan);
    assert.match(text, /^Tear down the setup "auth0_pool"\nPlan: Remove what the setup "auth0_pool" made in us-east-1, in reverse order: the identity pool auth0_pool/);
    assert.match(text, /other applications, APIs and SDKs may validate its ID tokens with RS256/i);

    const out = await applyTeardown(ctx(), plan);
    assert.equal(out.ok, true, out.message);
    assert.equal(out.writeCalls, 5);
    assert.deepEqual(writes(), ['SetIdentityPoolRoles', 'DeleteIdentityPool', 'DeleteRolePolicy', 'DeleteRole', 'DeleteOpenIDConnectProvider']);
    const after = await state();
    assert.deepEqual(after.providers, [other.OpenIDConnectProviderArn], 'the unrelated provider stays');
    assert.deepEqual(after.pools, [`unrelated_pool ${otherPool.IdentityPoolId}`], 'the unrelated pool stays');
    assert.deepEqual(after.roles, before.roles.filter((r) => r !== 'Cognito_auth0_pool_Auth_Role'));
    const d = await standins.ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: otherPool.IdentityPoolId }));
    assert.deepEqual(d.OpenIdConnectProviderARNs, [other.OpenIDConnectProviderArn], 'untouched');
    assert.equal(standins.tenant.app.jwt_configuration.alg, 'RS256', 'the application stays on RS256');
    assert.equal(standins.tenant.writeCalls, auth0Writes, 'no Auth0 write');

    // Again: nothing left, no call.
    const mark = sent.length;
    const again = await planTeardown(ctx());
    assert.equal(again.alreadyDone, true, formatTeardownPlan(again));
    assert.match(again.summary, /Nothing of the setup "auth0_pool" is left to remove/);
    const out2 = await applyTeardown(ctx(), again);
    assert.equal(out2.ok, true);
    assert.equal(out2.alreadyDone, true);
    assert.equal(out2.writeCalls, 0);
    assert.deepEqual(writes(mark), [], 'zero write calls on the wire');
  });

  it('a teardown denied halfway (IAM AccessDenied on DeleteRole, on the wire) names what was done and what was not; the next run finishes it', async () => {
    await setUp();
    const proxy: AwsProxy = await startAwsProxy(standins.moto.endpoint);
    let proxied: AwsClients | undefined;
    try {
      proxied = loadAws().createAwsClients({ ...standins.aws, endpoint: proxy.url });
      recordRequests(proxied, sent);
      const pctx = ctx({ clients: proxied, config: { ...config(), aws: { region: standins.moto.region, endpoint: proxy.url } } });
      const plan = await planTeardown(pctx);
      proxy.denyOnce('DeleteRole');
      const failed = await applyTeardown(pctx, plan);
      assert.equal(failed.ok, false);
      assert.equal(failed.error?.code, 'AWS');
      assert.deepEqual(proxy.writes(), ['SetIdentityPoolRoles', 'DeleteIdentityPool', 'DeleteRolePolicy']);
      assert.match(failed.message, /^Failed \(step 4 of 5, iam:DeleteRole\): AWS denied iam:DeleteRole: /);
      assert.match(failed.message, /Done before that: Detached the roles of the identity pool auth0_pool .* Deleted the identity pool auth0_pool .* Deleted the inline policy auth0-cognito-bridge-minimal of the role Cognito_auth0_pool_Auth_Role\./);
      assert.match(failed.message, /Running the teardown again continues from there\./);
      assert.match(failed.message, /Not done: Delete the IAM role Cognito_auth0_pool_Auth_Role\. Delete the IAM OIDC provider localhost:\d+\.$/);
      assert.deepEqual(failed.done.length, 3);
      assert.deepEqual(failed.notDone, ['Delete the IAM role Cognito_auth0_pool_Auth_Role.', `Delete the IAM OIDC provider ${standins.tenant.domain}.`]);
    } finally {
      proxied?.iam.destroy();
      await proxy.close();
    }
    // Still there: the role (without its policy) and the provider.
    const mid = await state();
    assert.deepEqual(mid.pools, []);
    assert.ok(mid.roles.includes('Cognito_auth0_pool_Auth_Role'));
    assert.deepEqual(mid.providers, [providerArn()]);

    // The next run, without the proxy: finds the role by the setup's name and tag, the provider by its URL.
    const mark = sent.length;
    const rest = await planTeardown(ctx());
    assert.deepEqual(rest.calls.map((c) => c.action), ['DeleteRole', 'DeleteOpenIDConnectProvider']);
    const out = await applyTeardown(ctx(), rest);
    assert.equal(out.ok, true, out.message);
    assert.deepEqual(writes(mark), ['DeleteRole', 'DeleteOpenIDConnectProvider']);
    const end = await state();
    assert.deepEqual(end.providers, []);
    assert.ok(!end.roles.includes('Cognito_auth0_pool_Auth_Role'));
    const last = sent.length;
    assert.equal((await applyTeardown(ctx(), await planTeardown(ctx()))).writeCalls, 0);
    assert.deepEqual(writes(last), []);
  });

  it('keeps the provider when it has another client ID: only this application\'s client ID is removed', async () => {
    const made = await setUp();
    await standins.iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: made.providerArn, ClientID: OTHER_CLIENT }));
    const plan = await planTeardown(ctx());
    assert.deepEqual(plan.calls.map((c) => c.action), ['SetIdentityPoolRoles', 'DeleteIdentityPool', 'DeleteRolePolicy', 'DeleteRole', 'RemoveClientIDFromOpenIDConnectProvider']);
    assert.deepEqual(plan.calls[4]?.params, { OpenIDConnectProviderArn: made.providerArn, ClientID: standins.tenant.app.client_id });
    assert.ok(plan.warnings.some((w) => w.includes(`other client IDs remain (${OTHER_CLIENT})`)), plan.warnings.join('\n'));
    assert.equal((await applyTeardown(ctx(), plan)).ok, true);
    const p = await standins.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: made.providerArn }));
    assert.deepEqual(p.ClientIDList, [OTHER_CLIENT]);
    const again = await planTeardown(ctx());
    assert.equal(again.alreadyDone, true, formatTeardownPlan(again));
  });

  it('keeps the provider (and the client ID) when another pool lists it', async () => {
    const made = await setUp();
    const user = await standins.ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'another_app', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [made.providerArn] }));
    const plan = await planTeardown(ctx());
    assert.deepEqual(plan.calls.map((c) => c.action), ['SetIdentityPoolRoles', 'DeleteIdentityPool', 'DeleteRolePolicy', 'DeleteRole']);
    const kept = plan.subject.items.find((i) => i.kind === 'IAM OIDC provider');
    assert.equal(kept?.fate, 'keep');
    assert.match(kept?.why ?? '', new RegExp(`the identity pool another_app \\(${user.IdentityPoolId}\\) lists it`));
    assert.ok(plan.preconditions.some((p) => /1 other identity pool of us-east-1 checked/.test(p)), plan.preconditions.join('\n'));
    assert.equal((await applyTeardown(ctx(), plan)).ok, true);
    const p = await standins.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: made.providerArn }));
    assert.deepEqual(p.ClientIDList, [standins.tenant.app.client_id]);
  });

  it('an untagged pool with the same name is left alone unless named with include', async () => {
    const made = await setUp();
    const twin = await standins.ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'auth0_pool', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [made.providerArn] }));
    const twinId = twin.IdentityPoolId ?? '';
    const plan = await planTeardown(ctx());
    assert.deepEqual(plan.calls.filter((c) => /IdentityPool/.test(c.action)).map((c) => c.params.IdentityPoolId), [made.poolId, made.poolId], 'only the tagged pool');
    assert.ok(!plan.calls.some((c) => c.action === 'DeleteOpenIDConnectProvider'), 'the twin lists the provider');
    const left = plan.subject.items.find((i) => i.id === twinId);
    assert.deepEqual([left?.fate, left?.why], ['keep', 'left alone: not tagged by this setup']);
    assert.ok(plan.warnings.some((w) => w.includes(`Left alone: the identity pool auth0_pool (${twinId}): not tagged by this setup (name it with --include ${twinId} to remove it too).`)), plan.warnings.join('\n'));
    assert.equal((await applyTeardown(ctx(), plan)).ok, true);
    assert.deepEqual((await state()).pools, [`auth0_pool ${twinId}`]);

    // Named: the twin goes, and with it the provider (no other pool lists it now).
    const named = await planTeardown(ctx({ include: [twinId] }));
    assert.deepEqual(named.calls.map((c) => c.action), ['DeleteIdentityPool', 'DeleteOpenIDConnectProvider']);
    assert.equal(named.subject.items[0]?.why, 'named with --include');
    assert.equal((await applyTeardown(ctx({ include: [twinId] }), named)).ok, true);
    assert.deepEqual(await state(), { providers: [], pools: [], roles: (await state()).roles });
  });

  it('a role with permissions the setup did not make is kept (with its policies), unless named', async () => {
    await setUp();
    const pol = await standins.iam.send(new CreatePolicyCommand({ PolicyName: 'app-data', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }));
    await standins.iam.send(new AttachRolePolicyCommand({ RoleName: 'Cognito_auth0_pool_Auth_Role', PolicyArn: pol.Policy?.Arn ?? '' }));
    const plan = await planTeardown(ctx());
    assert.deepEqual(plan.calls.map((c) => c.action), ['SetIdentityPoolRoles', 'DeleteIdentityPool', 'DeleteOpenIDConnectProvider']);
    const role = plan.subject.items.find((i) => i.kind === 'IAM role');
    assert.equal(role?.fate, 'keep');
    assert.match(role?.why ?? '', /permissions the setup did not make \(managed policy app-data\)/);
    assert.ok(plan.warnings.some((w) => /--include Cognito_auth0_pool_Auth_Role to delete it with them/.test(w)));
    assert.equal((await applyTeardown(ctx(), plan)).ok, true);

    const named = await planTeardown(ctx({ include: ['Cognito_auth0_pool_Auth_Role'] }));
    assert.deepEqual(named.calls.map((c) => c.action), ['DetachRolePolicy', 'DeleteRolePolicy', 'DeleteRole']);
    assert.equal((await applyTeardown(ctx({ include: ['Cognito_auth0_pool_Auth_Role'] }), named)).ok, true);
    assert.ok(!(await state()).roles.includes('Cognito_auth0_pool_Auth_Role'));
  });

  it('a plan shown before the state changed is not applied: the new plan comes back', async () => {
    const made = await setUp();
    const plan = await planTeardown(ctx());
    await standins.iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: made.providerArn, ClientID: OTHER_CLIENT }));
    const mark = sent.length;
    const out = await applyTeardown(ctx(), plan);
    assert.equal(out.ok, false);
    assert.equal(out.writeCalls, 0);
    assert.deepEqual(writes(mark), []);
    assert.deepEqual(out.newPlan?.calls.at(-1)?.action, 'RemoveClientIDFromOpenIDConnectProvider');
  });

  it('the tenant unreachable: falls back to https://<domain> with a warning, and still finds the provider', async () => {
    await setUp();
    standins.tenant.addFault({ path: '/.well-known/openid-configuration', status: 503, body: { error: 'down' } });
    const plan = await planTeardown(ctx());
    assert.ok(plan.warnings.some((w) => /discovery document could not be read .* looked for at https:\/\/localhost:\d+/.test(w)), plan.warnings.join('\n'));
    assert.equal(plan.calls.at(-1)?.action, 'DeleteOpenIDConnectProvider');
  });

  it('from a tagged pool id (the tree): the same removal; an untagged pool is left alone', async () => {
    const made = await setUp();
    const untagged = await standins.ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'not_ours', AllowUnauthenticatedIdentities: false }));
    const none = await planPoolTeardown({ poolId: untagged.IdentityPoolId ?? '', aws: standins.aws, clients: standins.clients });
    assert.equal(none.alreadyDone, true);
    assert.equal(none.subject.items[0]?.fate, 'keep');

    const plan = await planPoolTeardown({ poolId: made.poolId, aws: standins.aws, clients: standins.clients });
    assert.equal(plan.subject.setupName, 'auth0_pool');
    assert.deepEqual(plan.calls.map((c) => c.action), ['SetIdentityPoolRoles', 'DeleteIdentityPool', 'DeleteRolePolicy', 'DeleteRole', 'DeleteOpenIDConnectProvider']);
    const out = await applyPoolTeardown({ poolId: made.poolId, aws: standins.aws, clients: standins.clients }, plan);
    assert.equal(out.ok, true, out.message);
    const s = await state();
    assert.deepEqual(s.providers, []);
    assert.deepEqual(s.pools, [`not_ours ${untagged.IdentityPoolId}`]);
    const again = await planPoolTeardown({ poolId: made.poolId, aws: standins.aws, clients: standins.clients });
    assert.equal(again.alreadyDone, true);
  });
});
