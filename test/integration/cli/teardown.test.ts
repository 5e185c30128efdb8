/**
 * `auth0-cognito teardown` in-process (runCli / main), against moto behind a recording proxy
 * (test/helpers/awsProxy.ts: the CLI builds its own AWS clients, so its calls are counted on the
 * wire there) and the local tenant: --plan makes no write, --apply removes what the setup made,
 * again makes none; --json; exit codes 0/1/2/130 like `setup`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import { ListIdentityPoolsCommand as ListPools } from '@aws-sdk/client-cognito-identity';
import { main } from '../../../src/cli/main';
import { TEARDOWN_USAGE } from '../../../src/cli/usage';
import { applyAll, createSetupCache } from '../../../src/engine/setup';
import { runCli } from '../../helpers/cli';
import { startAwsProxy, type AwsProxy } from '../../helpers/awsProxy';
import { startHangServer, type HangServer } from '../../helpers/hangServer';
import { useStandins } from '../../standins/fixture';


describe('CLI teardown (moto behind a recording proxy + local tenant)', function () {
  this.timeout(60_000);
  const standins = useStandins({ awsTrust: true });
  let proxy: AwsProxy;
  let hang: HangServer;
  let dir: string;
  const ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] as const;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    proxy = await startAwsProxy(standins.moto.endpoint);
    hang = await startHangServer();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teardown-cli-'));
    for (const k of ENV) saved[k] = process.env[k];
    process.env.AWS_ACCESS_KEY_ID = standins.moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = standins.moto.credentials.secretAccessKey;
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_PROFILE;
  });
  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await Promise.allSettled([proxy?.close(), hang?.close()]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  async function writeConfig(c: unknown): Promise<string> {
    const f = path.join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    await fs.writeFile(f, JSON.stringify(c));
    return f;
  }
  const configFile = () => writeConfig({
    aws: { region: standins.moto.region, endpoint: proxy.url },
    auth0: { domain: standins.tenant.domain, clientId: standins.tenant.app.client_id },
    names: { poolName: 'auth0_pool' },
  });
  const cli = (args: string[]) => runCli(['teardown', ...args, '--ca', standins.tenant.certs.rootPath]);

  async function setUp(): Promise<void> {
    const { tenant, moto } = standins;
    const run = await applyAll({
      config: { aws: { region: moto.region, endpoint: moto.endpoint }, auth0: { domain: tenant.domain, clientId: tenant.app.client_id }, names: { poolName: 'auth0_pool' } },
      management: { kind: 'clientCredentials', clientId: tenant.mgmt.clientId, clientSecret: tenant.mgmt.clientSecret },
      trust: standins.trust, awsCredentials: moto.credentials, clients: standins.clients, cache: createSetupCache(), timeoutMs: 5000,
    });
    assert.equal(run.ok, true, JSON.stringify(run.failed));
  }
  async function counts(): Promise<{ providers: number; pools: number }> {
    const p = await standins.iam.send(new ListOpenIDConnectProvidersCommand({}));
    const pools = await standins.ci.send(new ListPools({ MaxResults: 60 }));
    return { providers: p.OpenIDConnectProviderList?.length ?? 0, pools: pools.IdentityPools?.length ?? 0 };
  }

  it('--plan writes nothing; --apply removes what the setup made; --apply --json again makes 0 writes', async () => {
    await setUp();
    const file = await configFile();
    let mark = proxy.requests.length;
    const plan = await cli(['--plan', '--config', file]);
    assert.equal(plan.code, 0, plan.err);
    assert.deepEqual(proxy.writes(mark), [], '--plan makes no write');
    assert.ok(proxy.requests.length > mark, 'it did read through the proxy');
    for (const t of ['Tear down the setup "auth0_pool"', 'Built on:', 'cognito-identity SetIdentityPoolRoles', 'cognito-identity DeleteIdentityPool', 'iam DeleteRolePolicy', 'iam DeleteRole ', 'iam DeleteOpenIDConnectProvider', 'stays on RS256', 'Run with --apply']) {
      assert.ok(plan.out.includes(t), `${t} in\n${plan.out}`);
    }
    assert.deepEqual(await counts(), { providers: 1, pools: 1 });

    const json = await cli(['--plan', '--config', file, '--json']);
    assert.equal(json.code, 0, json.err);
    const parsed = JSON.parse(json.out) as { ok: boolean; plan: { subject: { kind: string; items: { fate: string }[] }; calls: { action: string }[] } };
    assert.equal(parsed.plan.subject.kind, 'teardown');
    assert.deepEqual(parsed.plan.calls.map((c) => c.action), ['SetIdentityPoolRoles', 'DeleteIdentityPool', 'DeleteRolePolicy', 'DeleteRole', 'DeleteOpenIDConnectProvider']);

    mark = proxy.requests.length;
    const apply = await cli(['--apply', '--config', file]);
    assert.equal(apply.code, 0, apply.out + apply.err);
    assert.deepEqual(proxy.writes(mark), ['SetIdentityPoolRoles', 'DeleteIdentityPool', 'DeleteRolePolicy', 'DeleteRole', 'DeleteOpenIDConnectProvider']);
    assert.match(apply.out, /Done:\n- Detached the roles/);
    assert.match(apply.out, /Done: 5 write calls\.\n$/);
    assert.deepEqual(await counts(), { providers: 0, pools: 0 });

    mark = proxy.requests.length;
    const again = await cli(['--apply', '--config', file, '--json']);
    assert.equal(again.code, 0, again.err);
    const r = JSON.parse(again.out) as { ok: boolean; writeCalls: number; outcome: { alreadyDone: boolean } };
    assert.deepEqual([r.ok, r.writeCalls, r.outcome.alreadyDone], [true, 0, true]);
    assert.deepEqual(proxy.writes(mark), []);
  });

  it('a denied call exits 1 naming what was done and what was not; the next run finishes (exit 0)', async () => {
    await setUp();
    const file = await configFile();
    proxy.denyOnce('DeleteOpenIDConnectProvider');
    const r = await cli(['--apply', '--config', file]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, /^Teardown stopped: Failed \(step 5 of 5, iam:DeleteOpenIDConnectProvider\): AWS denied iam:DeleteOpenIDConnectProvider: /);
    assert.match(r.err, /Done before that: .*Deleted the IAM role Cognito_auth0_pool_Auth_Role/);
    assert.match(r.err, /Not done: Delete the IAM OIDC provider localhost:\d+\./);
    assert.match(r.out, /Stopped: 5 write calls\./);
    assert.deepEqual(await counts(), { providers: 1, pools: 0 });
    const mark = proxy.requests.length;
    const fin = await cli(['--apply', '--config', file]);
    assert.equal(fin.code, 0, fin.err);
    assert.deepEqual(proxy.writes(mark), ['DeleteOpenIDConnectProvider']);
    assert.deepEqual(await counts(), { providers: 0, pools: 0 });
  });

  it('usage and config errors exit 2 with one line and a pointer to the help; --help exits 0', async () => {
    const file = await configFile();
    const cases: Array<[string[], RegExp]> = [
      [['--config', file], /Give --plan .* or --apply/],
      [['--plan'], /Give the setup config with --config FILE/],
      [['--plan', '--apply', '--config', file], /either --plan or --apply/],
      [['--plan', '--config', file, '--bogus'], /Unknown option --bogus/],
      [['--plan', '--config', file, '--include', 'not a resource!'], /--include "not a resource!" is not an identity pool id/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, re);
    }
    const bad = await cli(['--plan', '--config', await writeConfig({ aws: { region: 'us-east-1' }, auth0: { domain: 'x.auth0.com', clientId: 'c', clientSecret: 's' }, names: { poolName: 'p' } })]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /must not hold secrets/);
    const missing = await cli(['--plan', '--config', path.join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /Cannot read the config file/);
    const unknown = await cli(['--plan', '--config', file, '--bogus']);
    assert.match(unknown.err, /Run "auth0-cognito teardown --help" for usage\./);
    const help = await runCli(['teardown', '--help']);
    assert.deepEqual([help.code, help.out], [0, TEARDOWN_USAGE]);
    const top = await runCli(['--help']);
    assert.match(top.out, /teardown --plan\|--apply --config FILE/);
  });

  it('Ctrl+C while an AWS call is pending ends it with exit 130', async () => {
    const file = await writeConfig({ aws: { region: 'us-east-1', endpoint: hang.url }, auth0: { domain: 'localhost:1', clientId: 'ClientId0000000000000000000000000' }, names: { poolName: 'auth0_pool' } });
    const ac = new AbortController();
    const sink = new PassThrough();
    sink.resume();
    const before = hang.connections();
    const p = main(['teardown', '--plan', '--config', file, '--timeout', '60'], sink, sink, ac.signal);
    await hang.waitForConnections(before + 1);
    ac.abort();
    assert.equal(await p, 130);
  });
});
