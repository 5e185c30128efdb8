/**
 * The resources tree's engine (src/engine/resources/) against moto seeded with 300 identity
 * pools, 300 roles (180 trusting cognito-identity.amazonaws.com in four ways, 120 not) and 20 IAM
 * OIDC providers (one of them for the local HTTPS tenant, for the thumbprint drift check).
 *
 * Calls are counted on the wire, not mocked: a middleware on the session's own SDK clients (the
 * approach of fixes.test.ts) records the action of every request and how many are in flight; for
 * the concurrency test it holds each request 25 ms so that overlaps really happen.
 */
import * as assert from 'node:assert/strict';
import {
  AttachRolePolicyCommand,
  AddRoleToInstanceProfileCommand,
  CreateAccessKeyCommand,
  CreateInstanceProfileCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CognitoIdentityClient, CreateIdentityPoolCommand, DescribeIdentityPoolCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { loadAws, type AwsConfig } from '../../../../src/engine/aws/config';
import { consoleUrl } from '../../../../src/engine/aws/console';
import type { AwsClients } from '../../../../src/engine/aws/sdk';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import {
  ResourceSession,
  analyzeCognitoTrust,
  applyResourceAction,
  planResourceAction,
  type RoleSummary,
} from '../../../../src/engine/resources';
import { formatPlan } from '../../../../src/engine/plan';
import { expectEngineError } from '../../../helpers/errors';
import { awsClientConfig, findOrInstallMoto, MOTO_ACCOUNT_ID, startMoto, type Moto } from '../../../standins/moto';
import { startTenant, type Tenant } from '../../../standins/tenant';
import { recordRequests, type SentRequest } from '../../../helpers/awsCalls';


const N_POOLS = 300;
const N_ROLES = 300;
const N_PROVIDERS = 20;

type RoleKind = 'full' | 'noAud' | 'noAmr' | 'wildcard' | 'lambda' | 'denyCognito' | 'oidc';

function roleKind(i: number): RoleKind {
  switch (i % 10) {
    case 0: case 5: return 'full';
    case 1: case 6: return 'noAud';
    case 2: return 'noAmr';
    case 7: return 'wildcard';
    case 3: case 8: return 'lambda';
    case 4: return 'denyCognito';
    default: return 'oidc';
  }
}
const TRUSTS_COGNITO: readonly RoleKind[] = ['full', 'noAud', 'noAmr', 'wildcard'];

function trustPolicy(kind: RoleKind, poolId: string): string {
  const cognito = (condition: Record<string, unknown> | undefined, federated: string | string[] = 'cognito-identity.amazonaws.com', effect = 'Allow') => ({
    Version: '2012-10-17',
    Statement: [{ Effect: effect, Principal: { Federated: federated }, Action: 'sts:AssumeRoleWithWebIdentity', ...(condition ? { Condition: condition } : {}) }],
  });
  const aud = { StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId } };
  const amr = { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } };
  switch (kind) {
    case 'full': return recommendedTrustPolicy(poolId);
    case 'noAud': return JSON.stringify(cognito(amr));
    case 'noAmr': return JSON.stringify(cognito(aud));
    case 'wildcard': return JSON.stringify(cognito({ StringLike: { 'cognito-identity.amazonaws.com:aud': '*' }, ...amr }, ['accounts.google.com', 'cognito-identity.amazonaws.com']));
    case 'lambda': return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    case 'denyCognito': return JSON.stringify(cognito(undefined, 'cognito-identity.amazonaws.com', 'Deny'));
    case 'oidc': return JSON.stringify(cognito({ StringEquals: { 'tenant-00.example.com:aud': 'x' } }, `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/tenant-00.example.com`));
  }
}

/** Runs fn over items, `n` at a time. */
async function eachLimit<T>(items: readonly T[], n: number, fn: (x: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  }));
}

describe('resources: lists, details and actions (moto seeded with 300 pools, 300 roles, 20 providers)', function () {
  this.timeout(120_000);
  let moto: Moto;
  let tenant: Tenant;
  let iam: IAMClient;
  let ci: CognitoIdentityClient;
  let aws: AwsConfig;
  let clients: AwsClients;
  const sent: SentRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  /** ms each request is held before it is sent (0: none). */
  let holdMs = 0;
  const poolIds: string[] = [];
  const roleNames: string[] = [];
  const providerArns: string[] = [];
  let tenantProviderArn = '';
  let poolZero = '';

  function instrument(c: AwsClients): void {
    recordRequests(c, sent, () => async (_req, send) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (holdMs) await new Promise((r) => setTimeout(r, holdMs));
        return await send();
      } finally {
        inFlight--;
      }
    });
  }

  const count = (action: string, from = 0) => sent.slice(from).filter((s) => s.action === action).length;
  const session = (opts: ConstructorParameters<typeof ResourceSession>[1] = {}) => new ResourceSession(aws, { clients, ...opts });

  before(async function () {
    this.timeout(15 * 60_000);
    await findOrInstallMoto();
    [moto, tenant] = await Promise.all([startMoto(), startTenant()]);
    const cfg = awsClientConfig(moto);
    iam = new IAMClient(cfg);
    ci = new CognitoIdentityClient(cfg);
    aws = { region: moto.region, endpoint: moto.endpoint, credentials: moto.credentials, timeoutMs: 10_000, trust: { extraCaPems: [tenant.caPem] } };
    clients = loadAws().createAwsClients(aws);
    instrument(clients);

    const t0 = Date.now();
    // 19 example providers and the local tenant's (with a stale thumbprint: drift).
    await eachLimit(Array.from({ length: N_PROVIDERS - 1 }, (_, i) => i), 8, async (i) => {
      const r = await iam.send(new CreateOpenIDConnectProviderCommand({
        Url: `https://tenant-${String(i).padStart(2, '0')}.example.com`,
        ClientIDList: [`client${i}a`, `client${i}b`],
        ThumbprintList: [String(i).padStart(2, '0').repeat(20)],
      }));
      providerArns[i] = r.OpenIDConnectProviderArn ?? '';
    });
    tenantProviderArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: tenant.baseUrl, ClientIDList: [tenant.app.client_id], ThumbprintList: ['ab'.repeat(20)] }))).OpenIDConnectProviderArn ?? '';
    providerArns.push(tenantProviderArn);
    // 300 pools; the first lists the first provider and guest access is on.
    await eachLimit(Array.from({ length: N_POOLS }, (_, i) => i), 12, async (i) => {
      const r = await ci.send(new CreateIdentityPoolCommand({
        IdentityPoolName: `pool_${String(i).padStart(3, '0')}`,
        AllowUnauthenticatedIdentities: i === 0,
        ...(i === 0 ? { OpenIdConnectProviderARNs: [providerArns[0] ?? ''] } : {}),
      }));
      poolIds[i] = r.IdentityPoolId ?? '';
    });
    poolZero = poolIds[0] ?? '';
    // 300 roles: 180 trust Cognito (full, no aud, no amr, wildcard aud), 120 do not.
    await eachLimit(Array.from({ length: N_ROLES }, (_, i) => i), 12, async (i) => {
      const name = `role-${String(i).padStart(3, '0')}-${roleKind(i)}`;
      roleNames[i] = name;
      await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy(roleKind(i), poolIds[i] ?? poolZero) }));
    });
    await ci.send(new SetIdentityPoolRolesCommand({
      IdentityPoolId: poolZero,
      Roles: { authenticated: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${roleNames[0]}`, unauthenticated: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${roleNames[10]}` },
    }));
    process.stderr.write(`      (seeded ${N_PROVIDERS} providers, ${N_POOLS} pools, ${N_ROLES} roles in ${Date.now() - t0} ms)\n`);
  });

  after(async () => {
    iam?.destroy();
    ci?.destroy();
    await Promise.all([moto?.stop(), tenant?.stop()]);
  });

  beforeEach(() => {
    sent.length = 0;
    inFlight = 0;
    maxInFlight = 0;
    holdMs = 0;
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`--- moto log tail ---\n${moto.logTail(2000)}\n`);
  });

  // ---- lists ------------------------------------------------------------------------------------

  it('OIDC providers: ONE ListOpenIDConnectProviders lists all 20, served a page at a time, sorted by URL, no detail call', async () => {
    const s = session({ pageSize: 8 });
    const first = await s.providers.next();
    assert.equal(first.length, 8);
    assert.equal(sent.length, 1);
    assert.equal(count('ListOpenIDConnectProviders'), 1);
    assert.equal(s.providers.done, false);
    await s.providers.next();
    const last = await s.providers.next();
    assert.equal(last.length, 4);
    assert.equal(s.providers.done, true);
    assert.equal(sent.length, 1, 'further pages need no call');
    assert.deepEqual(new Set(s.providers.items.map((p) => p.arn)), new Set(providerArns));
    const urls = s.providers.items.map((p) => p.url);
    assert.deepEqual(urls, [...urls].sort((a, b) => a.localeCompare(b)));
    assert.ok(urls.includes('tenant-07.example.com'));
    assert.ok(urls.includes(tenant.domain), 'the URL comes from the ARN (host:port in moto)');
    assert.equal(s.providers.items[0]?.account, MOTO_ACCOUNT_ID);
    assert.deepEqual(s.stats.byAction, { ListOpenIDConnectProviders: 1 });
  });

  it('identity pools: pages of 50 from ListIdentityPools pages of 60 (NextToken): at most 1 call per page, 5 calls for all 300', async () => {
    const s = session();
    const perPage: number[] = [];
    while (!s.pools.done) {
      const before = sent.length;
      const page = await s.pools.next();
      perPage.push(sent.length - before);
      if (!s.pools.done) assert.equal(page.length, 50);
    }
    assert.equal(s.pools.items.length, N_POOLS);
    assert.deepEqual(new Set(s.pools.items.map((p) => p.id)), new Set(poolIds), 'every pool exactly once');
    assert.equal(new Set(s.pools.items.map((p) => p.id)).size, N_POOLS);
    assert.ok(perPage.every((n) => n <= 1), `calls per page: ${perPage.join(',')}`);
    assert.equal(count('ListIdentityPools'), Math.ceil(N_POOLS / 60));
    assert.equal(sent.length, count('ListIdentityPools'), 'no detail call while listing');
    assert.equal(s.pools.items.find((p) => p.id === poolZero)?.name, 'pool_000');
    process.stderr.write(`      (pools: ${perPage.length} pages, calls per page ${perPage.join(',')})\n`);
  });

  it('roles trusting Cognito: ListRoles with Marker (100 per call), filtered by the trust policy, 3 calls for all 300', async () => {
    const s = session();
    const first = await s.roles.next();
    assert.equal(first.length, 50);
    const firstCalls = sent.length;
    assert.ok(firstCalls >= 1 && firstCalls <= 10, `first page: ${firstCalls} calls`);
    await s.roles.all();
    const want = roleNames.filter((_, i) => TRUSTS_COGNITO.includes(roleKind(i)));
    assert.equal(want.length, 180);
    assert.deepEqual(s.roles.items.map((r) => r.name).sort(), want.sort(), 'exactly the roles whose trust has Principal.Federated cognito-identity');
    assert.equal(s.rolesScanned, N_ROLES);
    assert.equal(count('ListRoles'), Math.ceil(N_ROLES / 100));
    assert.equal(sent.length, count('ListRoles'), 'the trust policy comes with ListRoles: no GetRole');
    process.stderr.write(`      (roles: first page ${firstCalls} ListRoles call(s), all ${count('ListRoles')})\n`);

    const byName = new Map(s.roles.items.map((r) => [r.name, r] as const));
    const kinds = (r: RoleSummary | undefined) => (r?.trust.warnings ?? []).map((w) => w.kind).sort();
    assert.deepEqual(kinds(byName.get(roleNames[0] ?? '')), []);
    assert.equal(byName.get(roleNames[0] ?? '')?.trust.summary, `pool ${poolIds[0]} · authenticated identities`);
    assert.deepEqual(kinds(byName.get(roleNames[1] ?? '')), ['noAud']);
    assert.equal(byName.get(roleNames[1] ?? '')?.trust.summary, 'any identity pool · authenticated identities');
    assert.deepEqual(kinds(byName.get(roleNames[2] ?? '')), ['noAmr']);
    assert.deepEqual(kinds(byName.get(roleNames[7] ?? '')), ['audWildcard']);
    assert.match(byName.get(roleNames[1] ?? '')?.trust.warnings[0]?.message ?? '', /ANY identity pool/);
    assert.equal(byName.get(roleNames[0] ?? '')?.arn, `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${roleNames[0]}`);
  });

  it('roles: one page stops after its ListRoles budget (an account with few Cognito roles never runs away)', async () => {
    const s = session({ rolesPerCall: 10, maxRoleCallsPerPage: 3 });
    const before = sent.length;
    const page = await s.roles.next();
    assert.equal(sent.length - before, 3, 'exactly the budget: 30 roles scanned hold fewer than 50 Cognito roles');
    assert.ok(page.length > 0 && page.length < 50);
    assert.equal(s.rolesScanned, 30);
    assert.equal(s.roles.done, false);
  });

  // ---- details ----------------------------------------------------------------------------------

  it('details on expand: GetOpenIDConnectProvider; DescribeIdentityPool + GetIdentityPoolRoles; cached until forgotten', async () => {
    const s = session();
    const p = await s.providerDetails(providerArns[3] ?? '');
    assert.equal(p.url, 'tenant-03.example.com');
    assert.deepEqual(p.clientIds, ['client3a', 'client3b']);
    assert.deepEqual(p.thumbprints, ['03'.repeat(20)]);
    assert.match(p.createDate ?? '', /^\d{4}-\d\d-\d\dT/);
    const d = await s.poolDetails(poolZero);
    assert.equal(d.pool.poolName, 'pool_000');
    assert.equal(d.pool.allowUnauthenticated, true);
    assert.deepEqual(d.pool.openIdConnectProviderArns, [providerArns[0]]);
    assert.equal(d.roles?.roles.authenticated, `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${roleNames[0]}`);
    assert.equal(d.roles?.roles.unauthenticated, `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${roleNames[10]}`);
    assert.deepEqual(s.stats.byAction, { GetOpenIDConnectProvider: 1, DescribeIdentityPool: 1, GetIdentityPoolRoles: 1 });
    await s.poolDetails(poolZero);
    await s.providerDetails(providerArns[3] ?? '');
    assert.equal(sent.length, 3, 'cached');
    s.forget(poolZero);
    await s.poolDetails(poolZero);
    assert.equal(sent.length, 5);
    assert.equal(s.stats.calls, sent.length, 'the session counts what went over the wire');
  });

  it('detail calls run with bounded concurrency: 50 pools expanded at once never put more than 4 requests in flight', async () => {
    const s = session({ concurrency: 4 });
    holdMs = 25;
    const t0 = Date.now();
    const all = await Promise.all(poolIds.slice(0, 50).map((id) => s.poolDetails(id)));
    const ms = Date.now() - t0;
    assert.equal(all.length, 50);
    assert.equal(count('DescribeIdentityPool'), 50);
    assert.equal(count('GetIdentityPoolRoles'), 50);
    assert.equal(maxInFlight, 4, `in flight at most: ${maxInFlight}`);
    assert.equal(s.stats.maxInFlight, 4);
    assert.ok(ms >= (100 / 4) * 25, `100 requests held 25 ms, 4 at a time, take at least 625 ms (took ${ms})`);
    process.stderr.write(`      (50 pool expansions: 100 calls, max ${maxInFlight} in flight, ${ms} ms)\n`);
  });

  it('one failing group leaves the others usable (moto enforcing IAM policies for a user without Cognito permissions)', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'iam-only' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'iam-only',
      PolicyName: 'iam-read',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' }] }),
    }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'iam-only' }));
    const creds = { accessKeyId: key.AccessKey?.AccessKeyId ?? '', secretAccessKey: key.AccessKey?.SecretAccessKey ?? '' };
    const setAuth = async (n: string) => {
      const r = await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: n });
      assert.equal(r.status, 200, await r.text());
    };
    await setAuth('0');
    try {
      const s = new ResourceSession({ ...aws, credentials: creds });
      const [providers, pools, roles] = await Promise.allSettled([s.providers.next(), s.pools.next(), s.roles.next()]);
      assert.equal(providers.status, 'fulfilled');
      assert.equal(roles.status, 'fulfilled');
      assert.equal(pools.status, 'rejected');
      // moto answers Cognito's JSON protocol with an XML AccessDenied body, so the SDK reports a
      // deserialization error where AWS would say AccessDeniedException; either way it is this group's.
      await expectEngineError(Promise.reject(pools.status === 'rejected' ? pools.reason : undefined), 'AWS', /cognito-identity:ListIdentityPools/);
      assert.equal(s.providers.items.length, N_PROVIDERS);
      // The failed page is not remembered: the next try asks again.
      assert.equal(s.pools.items.length, 0);
      assert.equal(s.pools.done, false);
      s.clients.iam.destroy();
      s.clients.cognito.destroy();
    } finally {
      await setAuth('inf');
    }
  });

  // ---- thumbprint drift and the actions -----------------------------------------------------------

  it('thumbprint drift: detected, planned (exact call, list kept), applied, then current; a second apply writes nothing', async () => {
    const s = session();
    const check = await s.checkThumbprint(tenantProviderArn);
    assert.equal(check.status, 'drift');
    assert.equal(check.current, tenant.certs.fingerprints.intermediate);
    assert.deepEqual(check.listed, ['ab'.repeat(20)]);
    assert.match(check.message, /does not list/);

    const plan = await planResourceAction({ kind: 'updateThumbprint', providerArn: tenantProviderArn }, s);
    assert.deepEqual(plan.calls, [{ service: 'iam', action: 'UpdateOpenIDConnectProviderThumbprint', access: 'write', params: { OpenIDConnectProviderArn: tenantProviderArn, ThumbprintList: ['ab'.repeat(20), check.current] } }]);
    assert.match(formatPlan(plan), /Calls:\n1\. iam UpdateOpenIDConnectProviderThumbprint/);
    const writesBefore = count('UpdateOpenIDConnectProviderThumbprint');
    assert.equal(writesBefore, 0, 'planning writes nothing');
    const out = await applyResourceAction(plan, s);
    assert.equal(out.ok, true, out.message);
    assert.equal(out.writeCalls, 1);
    assert.equal(count('UpdateOpenIDConnectProviderThumbprint'), 1);
    assert.equal((await s.checkThumbprint(tenantProviderArn)).status, 'current');
    const again = await applyResourceAction(plan, s);
    assert.equal(again.alreadyDone, true);
    assert.equal(count('UpdateOpenIDConnectProviderThumbprint'), 1);
  });

  it('thumbprint update with 5 listed: the oldest is dropped (IAM keeps at most 5), and the plan says so', async () => {
    const five = ['11', '22', '33', '44', '55'].map((x) => x.repeat(20));
    const arn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: `${tenant.baseUrl}/five`, ClientIDList: ['x'], ThumbprintList: five }))).OpenIDConnectProviderArn ?? '';
    const s = session();
    const plan = await planResourceAction({ kind: 'updateThumbprint', providerArn: arn }, s);
    const list = [...five.slice(1), tenant.certs.fingerprints.intermediate];
    assert.deepEqual(plan.calls[0]?.params.ThumbprintList, list);
    assert.match(plan.warnings.join(' '), /at most 5 thumbprints: the oldest, 1{40}, is dropped/);
    assert.equal((await applyResourceAction(plan, s)).ok, true);
    const p = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.deepEqual(p.ThumbprintList, list);
  });

  it('add a client ID (the preflight fix, reused): plan, apply, apply again', async () => {
    const s = session();
    const arn = providerArns[5] ?? '';
    const plan = await planResourceAction({ kind: 'addClientId', providerArn: arn, clientId: 'NewClientId123' }, s);
    assert.deepEqual(plan.calls, [{ service: 'iam', action: 'AddClientIDToOpenIDConnectProvider', access: 'write', params: { OpenIDConnectProviderArn: arn, ClientID: 'NewClientId123' } }]);
    assert.equal(plan.subject.resource, 'the IAM OIDC provider tenant-05.example.com');
    assert.equal(count('AddClientIDToOpenIDConnectProvider'), 0);
    const out = await applyResourceAction(plan, s);
    assert.equal(out.ok, true, out.message);
    assert.deepEqual((await s.providerDetails(arn)).clientIds, ['client5a', 'client5b', 'NewClientId123'], 'details are read again after the change');
    const again = await applyResourceAction(plan, s);
    assert.equal(again.alreadyDone, true);
    assert.equal(count('AddClientIDToOpenIDConnectProvider'), 1);
    await expectEngineError(planResourceAction({ kind: 'addClientId', providerArn: arn, clientId: 'x'.repeat(256) }, s), 'INVALID_INPUT', /1 to 255 characters/);
  });

  it('delete a provider: the plan names the identity pools that list it (all 300 scanned, 4 at a time), then one DeleteOpenIDConnectProvider', async () => {
    const s = session();
    const arn = providerArns[0] ?? '';
    const plan = await planResourceAction({ kind: 'deleteProvider', providerArn: arn }, s, { poolScanLimit: 1000 });
    assert.equal(plan.subject.resource, 'the IAM OIDC provider tenant-00.example.com');
    assert.deepEqual(plan.calls, [{ service: 'iam', action: 'DeleteOpenIDConnectProvider', access: 'write', params: { OpenIDConnectProviderArn: arn } }]);
    assert.match(plan.warnings.join('\n'), new RegExp(`The identity pool pool_000 \\(${poolZero}\\) lists this provider`));
    assert.match(plan.warnings.join('\n'), /All 300 identity pools of us-east-1 were checked/);
    assert.equal(count('DescribeIdentityPool'), N_POOLS);
    assert.ok(s.stats.maxInFlight <= 4, `max in flight ${s.stats.maxInFlight}`);
    assert.equal(count('DeleteOpenIDConnectProvider'), 0);
    const scanCalls = sent.length;

    const out = await applyResourceAction(plan, s);
    assert.equal(out.ok, true, out.message);
    assert.equal(out.writeCalls, 1);
    assert.equal(sent.length - scanCalls, 2, 'apply re-reads the provider (1 call) without scanning the pools again, then deletes (1 call)');
    const left = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    assert.ok(!left.OpenIDConnectProviderList?.some((p) => p.Arn === arn));
    const again = await planResourceAction({ kind: 'deleteProvider', providerArn: arn }, s);
    assert.equal(again.alreadyDone, true);
    assert.match(again.summary, /does not exist/);
  });

  it('delete an identity pool: the plan keeps its roles (named), apply deletes only the pool', async () => {
    const s = session();
    const pool = (await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'doomed', AllowUnauthenticatedIdentities: false }))).IdentityPoolId ?? '';
    const roleArn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${roleNames[5]}`;
    await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool, Roles: { authenticated: roleArn } }));
    const plan = await planResourceAction({ kind: 'deletePool', poolId: pool }, s);
    assert.equal(plan.subject.resource, `the identity pool doomed (${pool})`);
    assert.deepEqual(plan.calls, [{ service: 'cognito-identity', action: 'DeleteIdentityPool', access: 'write', params: { IdentityPoolId: pool } }]);
    assert.match(plan.warnings.join(' '), new RegExp(`Its roles stay in IAM \\(authenticated: ${roleArn}\\)`));
    const out = await applyResourceAction(plan, s);
    assert.equal(out.ok, true, out.message);
    await assert.rejects(ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: pool })), /ResourceNotFound/);
    assert.equal((await applyResourceAction(plan, s)).alreadyDone, true);
  });

  it('delete a role: remove it from its instance profile, delete inline and detach managed policies, then DeleteRole', async () => {
    const s = session();
    const name = 'doomed-role';
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: recommendedTrustPolicy(poolZero) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'inline-s3', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }));
    const policyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'managed-read', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }) }))).Policy?.Arn ?? '';
    await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'doomed-profile' }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'doomed-profile', RoleName: name }));

    const plan = await planResourceAction({ kind: 'deleteRole', roleName: name }, s);
    assert.deepEqual(plan.calls.map((c) => c.action), ['RemoveRoleFromInstanceProfile', 'DeleteRolePolicy', 'DetachRolePolicy', 'DeleteRole']);
    assert.deepEqual(plan.calls[2]?.params, { RoleName: name, PolicyArn: policyArn });
    assert.match(plan.summary, /first remove it from 1 instance profile, delete 1 inline policy, detach 1 managed policy, as IAM requires/);
    assert.match(plan.warnings.join(' '), /inline-s3 is deleted for good/);
    assert.match(plan.warnings.join(' '), new RegExp(`names the identity pool ${poolZero}`));

    // The state changes after the plan: apply changes nothing and returns the new plan.
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'inline-2', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] }) }));
    const stale = await applyResourceAction(plan, s);
    assert.equal(stale.ok, false);
    assert.equal(stale.writeCalls, 0);
    assert.deepEqual(stale.newPlan?.calls.map((c) => c.action), ['RemoveRoleFromInstanceProfile', 'DeleteRolePolicy', 'DeleteRolePolicy', 'DetachRolePolicy', 'DeleteRole']);

    const out = await applyResourceAction(stale.newPlan!, s);
    assert.equal(out.ok, true, out.message);
    assert.equal(out.writeCalls, 5);
    assert.equal((await planResourceAction({ kind: 'deleteRole', roleName: name }, s)).alreadyDone, true);
    // The managed policy itself stays.
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy?.Arn, policyArn);
  });

  it('console links point at the right page and region', () => {
    const arn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/tenant.auth0.com`;
    assert.equal(consoleUrl({ kind: 'provider', arn }, 'eu-west-1'),
      'https://eu-west-1.console.aws.amazon.com/iam/home?region=eu-west-1#/identity_providers/details/OPENID/arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Ftenant.auth0.com');
    assert.equal(consoleUrl({ kind: 'role', name: 'Cognito_x_Auth_Role' }, 'eu-west-1'),
      'https://eu-west-1.console.aws.amazon.com/iam/home?region=eu-west-1#/roles/details/Cognito_x_Auth_Role?section=permissions');
    const poolId = 'ap-south-1:0123abcd-0000-1111-2222-333344445555';
    assert.equal(consoleUrl({ kind: 'pool', poolId }, 'us-east-1'),
      `https://ap-south-1.console.aws.amazon.com/cognito/v2/identity/identity-pools/${poolId}/user-statistics?region=ap-south-1`, 'the pool\'s own region');
    assert.match(consoleUrl({ kind: 'pool', poolId: 'cn-north-1:0123abcd-0000-1111-2222-333344445555' }, 'cn-north-1'), /^https:\/\/cn-north-1\.console\.amazonaws\.cn\//);
  });

  it('the trust analysis reads URL-encoded policies as IAM returns them', () => {
    const t = analyzeCognitoTrust(encodeURIComponent(recommendedTrustPolicy(poolZero)));
    assert.ok(t);
    assert.deepEqual(t.warnings, []);
    assert.deepEqual(t.audPools, [poolZero]);
    assert.equal(analyzeCognitoTrust(encodeURIComponent(trustPolicy('lambda', poolZero))), undefined);
  });
});
