/**
 * Read once per run (issue 11): the exact AWS calls, by action, of a from-scratch apply and of a
 * second apply (nothing to do), counted on the wire against moto (test/helpers/awsCalls.ts), for
 * applyAll and for the CLI's `setup --apply` (which makes its own cache and clients). Each read is
 * made once per run and shared by the steps (and the re-plan before each apply); a create call's
 * response is used instead of reading the resource back. Across runs nothing is reused: a second
 * run reads everything again.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateOpenIDConnectProviderCommand, IAMClient } from '@aws-sdk/client-iam';
import { loadAws, type AwsConfig } from '../../../../src/engine/aws/config';
import type { AwsClients } from '../../../../src/engine/aws/sdk';
import { applyAll, createSetupCache, planAll, SetupCache, type SetupContext } from '../../../../src/engine/setup';
import { runCli } from '../../../helpers/cli';
import { awsClientConfig, findOrInstallMoto, startMoto, type Moto } from '../../../standins/moto';
import { startTenant, type Tenant } from '../../../standins/tenant';
import { recordRequests, type SentRequest } from '../../../helpers/awsCalls';

function byAction(sent: readonly SentRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sent) out[s.action] = (out[s.action] ?? 0) + 1;
  return out;
}

/** A from-scratch apply: the 5 writes and only the reads that decide them. */
const FROM_SCRATCH = {
  GetCallerIdentity: 1, // connections (memoised for the ARNs the plans show)
  ListOpenIDConnectProviders: 1, // -> CreateOpenIDConnectProvider; its ARN joins the list (no read back)
  CreateOpenIDConnectProvider: 1,
  ListIdentityPools: 1, // -> CreateIdentityPool; its response is the pool (no DescribeIdentityPool)
  CreateIdentityPool: 1,
  GetRole: 1, // -> CreateRole (a new pool has no roles: no GetIdentityPoolRoles)
  CreateRole: 1,
  PutRolePolicy: 1,
  SetIdentityPoolRoles: 1,
};

/** A second apply, nothing to do: every read once. */
const NOTHING_TO_DO = {
  GetCallerIdentity: 1,
  ListOpenIDConnectProviders: 1,
  GetOpenIDConnectProvider: 1,
  ListIdentityPools: 1,
  DescribeIdentityPool: 1,
  GetIdentityPoolRoles: 1,
  GetRole: 1,
  ListRolePolicies: 1,
  ListAttachedRolePolicies: 1,
};

describe('setup: AWS calls per run, exact by action (moto + local tenant)', function () {
  this.timeout(60_000);
  let tenant: Tenant;
  let moto: Moto;
  let aws: AwsConfig;
  let clients: AwsClients;
  const sent: SentRequest[] = [];

  before(async function () {
    this.timeout(15 * 60_000); // a first run installs moto
    await findOrInstallMoto();
    [tenant, moto] = await Promise.all([startTenant(), startMoto()]);
    aws = { region: moto.region, endpoint: moto.endpoint, credentials: moto.credentials, timeoutMs: 10_000, trust: { extraCaPems: [tenant.caPem] } };
    clients = loadAws().createAwsClients(aws);
    recordRequests(clients, sent);
  });

  after(async () => {
    await Promise.all([tenant?.stop(), moto?.stop()]);
  });

  beforeEach(async () => {
    await moto.reset();
    sent.length = 0;
    tenant.app.jwt_configuration.alg = 'HS256';
    tenant.clearFaults();
    tenant.resetLog();
  });

  const ctx = (): SetupContext => ({
    config: {
      aws: { region: moto.region, endpoint: moto.endpoint },
      auth0: { domain: tenant.domain, clientId: tenant.app.client_id },
      names: { poolName: 'auth0_pool' },
    },
    management: { kind: 'clientCredentials', clientId: tenant.mgmt.clientId, clientSecret: tenant.mgmt.clientSecret },
    trust: { extraCaPems: [tenant.caPem] },
    timeoutMs: 5000,
    awsCredentials: moto.credentials,
    clients,
    cache: createSetupCache(),
  });

  it('applyAll from scratch, then again: the exact calls by action', async () => {
    const first = await applyAll(ctx());
    assert.equal(first.ok, true, JSON.stringify(first.failed));
    assert.deepEqual(byAction(sent), FROM_SCRATCH);
    assert.equal(first.writeCalls, 6, '5 AWS writes + the PATCH to RS256');

    sent.length = 0;
    const second = await applyAll(ctx());
    assert.equal(second.ok, true, JSON.stringify(second.failed));
    assert.equal(second.writeCalls, 0);
    assert.deepEqual(byAction(sent), NOTHING_TO_DO);
    assert.deepEqual(second.outputs.poolId, first.outputs.poolId);
    assert.deepEqual(second.outputs.roleArn, first.outputs.roleArn);
    assert.deepEqual(second.outputs.providerArn, first.outputs.providerArn);
  });

  it('the same cache across runs still reads afresh in each run (only the caller identity is kept)', async () => {
    const c = ctx();
    assert.equal((await applyAll(c)).ok, true);
    sent.length = 0;
    assert.equal((await applyAll(c)).ok, true);
    const { GetCallerIdentity: _kept, ...rest } = NOTHING_TO_DO;
    assert.deepEqual(byAction(sent), rest);
  });

  it('planAll from scratch reads each thing once', async () => {
    const r = await planAll(ctx());
    assert.equal(r.ok, true, JSON.stringify(r.failed));
    assert.deepEqual(byAction(sent), { GetCallerIdentity: 1, ListOpenIDConnectProviders: 1, ListIdentityPools: 1, GetRole: 1 });
  });

  it('an existing provider without our client ID: the client ID is added, the provider list read once, the created pool not read back', async () => {
    const iam = new IAMClient(awsClientConfig(moto));
    try {
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url: tenant.baseUrl, ClientIDList: ['someone-else'] }));
    } finally {
      iam.destroy();
    }
    sent.length = 0;
    const r = await applyAll(ctx());
    assert.equal(r.ok, true, JSON.stringify(r.failed));
    const calls = byAction(sent);
    assert.equal(calls.AddClientIDToOpenIDConnectProvider, 1);
    assert.equal(calls.ListOpenIDConnectProviders, 1, 'the list is not changed by adding a client ID');
    assert.equal(calls.CreateIdentityPool, 1);
    assert.equal(calls.ListIdentityPools, 1);
    assert.equal(calls.DescribeIdentityPool, undefined, 'CreateIdentityPool returned the pool');
    assert.equal(calls.GetIdentityPoolRoles, undefined, 'a pool created in this run has no roles');
    // GetOpenIDConnectProvider: the step's own read is made once; the fix it reuses (fixes.ts
    // addClientIdToProvider) reads the provider again in the plan and in the re-plan.
    assert.ok((calls.GetOpenIDConnectProvider ?? 0) <= 3);
  });

  describe('CLI setup --apply (its own cache and clients)', () => {
    let dir: string;
    const ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AUTH0_MGMT_CLIENT_ID', 'AUTH0_MGMT_CLIENT_SECRET', 'AUTH0_MGMT_TOKEN', 'AUTH0_ID_TOKEN'];
    const saved: Record<string, string | undefined> = {};
    const original = SetupCache.prototype.clients;
    const recorded = new WeakSet<AwsClients>();

    before(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'setup-calls-'));
      for (const k of ENV) saved[k] = process.env[k];
      // Every client the CLI's cache makes records its requests.
      SetupCache.prototype.clients = function (this: SetupCache, cfg: AwsConfig): AwsClients {
        const c = original.call(this, cfg);
        if (!recorded.has(c)) {
          recordRequests(c, sent);
          recorded.add(c);
        }
        return c;
      };
    });
    after(async () => {
      SetupCache.prototype.clients = original;
      for (const k of ENV) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      await fs.rm(dir, { recursive: true, force: true });
    });

    /** `auth0-cognito setup ARGS`, in-process; stdout and stderr together. */
    async function cli(args: string[]): Promise<{ code: number; out: string }> {
      const r = await runCli(['setup', ...args]);
      return { code: r.code, out: r.out + r.err };
    }

    it('from scratch, then again: the exact calls by action', async () => {
      for (const k of ENV) delete process.env[k];
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
        AWS_ENDPOINT_URL: moto.endpoint,
        AUTH0_MGMT_CLIENT_ID: tenant.mgmt.clientId,
        AUTH0_MGMT_CLIENT_SECRET: tenant.mgmt.clientSecret,
      });
      const file = path.join(dir, 'setup.json');
      await fs.writeFile(file, JSON.stringify({ aws: { region: moto.region }, auth0: { domain: tenant.domain, clientId: tenant.app.client_id }, names: { poolName: 'auth0_pool' } }));
      const args = ['--apply', '--config', file, '--ca', tenant.certs.rootPath];

      const first = await cli(args);
      assert.equal(first.code, 0, first.out);
      assert.deepEqual(byAction(sent), FROM_SCRATCH);

      sent.length = 0;
      const second = await cli(args);
      assert.equal(second.code, 0, second.out);
      assert.match(second.out, /Done: 0 write calls/);
      assert.deepEqual(byAction(sent), NOTHING_TO_DO);
    });
  });
});
