/**
 * `auth0-cognito resources [--json] [--strict]` (issue 10, item 4), run in-process (runCli) against
 * moto seeded with 130 identity pools, providers and roles (test/helpers/resourcesSeed.ts), and
 * against a clean setup made by the setup engine. Credentials come from the environment, as in CI.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { CreateIdentityPoolCommand } from '@aws-sdk/client-cognito-identity';
import { resourcesCommand } from '../../../src/cli/resources';
import { applyAll, createSetupCache } from '../../../src/engine/setup';
import { runCli } from '../../helpers/cli';
import { seedResources } from '../../helpers/resourcesSeed';
import { useStandins } from '../../standins/fixture';
import { freePort } from '../../standins/ports';

const ENV_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'];

interface AuditJson {
  providers: { arn: string; url: string; clientIds: string[]; thumbprints: string[]; findings: { code: string; severity: string; message: string }[] }[];
  pools: { id: string; name: string; providers: string[]; authenticatedRole: string | null; unauthenticatedRole: string | null; findings: { code: string; severity: string; message: string }[] }[];
  roles: { arn: string; name: string; pools: string[]; findings: { code: string; severity: string; message: string }[] }[];
  calls: Record<string, number>;
}

describe('CLI resources: the audit for CI (moto + local tenant)', function () {
  this.timeout(120_000);
  const standins = useStandins();
  const saved: Record<string, string | undefined> = {};
  let dir: string;
  let caFile: string;
  const args = (...more: string[]) => ['resources', '--region', standins.moto.region, '--endpoint', standins.moto.endpoint, '--ca', caFile, '--timeout', '5', ...more];

  before(() => {
    for (const k of ENV_KEYS) saved[k] = process.env[k];
    for (const k of ENV_KEYS) delete process.env[k];
    process.env.AWS_ACCESS_KEY_ID = standins.moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = standins.moto.credentials.secretAccessKey;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-resources-'));
    process.env.AWS_CONFIG_FILE = path.join(dir, 'no-aws-config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'no-aws-credentials');
    caFile = path.join(dir, 'tenant-ca.pem');
    fs.writeFileSync(caFile, standins.tenant.caPem);
  });

  after(() => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--json lists all 130 pools (3 ListIdentityPools), the providers and roles in the documented shape, with the drift and the loose trust; --strict exits 1', async () => {
    const { iam, ci, tenant } = standins;
    const seeded = await seedResources(iam, ci, tenant, 130);
    const r = await runCli(args('--json'));
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    const j = JSON.parse(r.out) as AuditJson;
    assert.equal(j.pools.length, 130);
    assert.equal(j.calls.ListIdentityPools, 3);
    for (const p of j.providers) for (const k of ['arn', 'url', 'clientIds', 'thumbprints', 'findings']) assert.ok(k in p, `provider.${k}`);
    for (const p of j.pools) for (const k of ['id', 'name', 'providers', 'authenticatedRole', 'unauthenticatedRole', 'findings']) assert.ok(k in p, `pool.${k}`);
    for (const x of j.roles) for (const k of ['arn', 'name', 'pools', 'findings']) assert.ok(k in x, `role.${k}`);
    for (const f of [...j.providers, ...j.pools, ...j.roles].flatMap((x) => x.findings)) assert.deepEqual(Object.keys(f), ['code', 'severity', 'message']);
    const drift = j.providers.find((p) => p.arn === seeded.tenantProviderArn)?.findings.find((f) => f.code === 'thumbprint-drift');
    assert.equal(drift?.severity, 'warning');
    assert.match(drift?.message ?? '', new RegExp(tenant.certs.fingerprints.intermediate));
    assert.equal(j.roles.find((x) => x.arn === seeded.looseRoleArn)?.findings.find((f) => f.code === 'trust-any-pool')?.severity, 'error');
    assert.equal(j.providers.find((p) => p.arn === seeded.closedProviderArn)?.findings[0]?.code, 'thumbprint-unchecked');

    const strict = await runCli(args('--strict'));
    assert.equal(strict.code, 1, 'an error finding with --strict');
    assert.match(strict.out, /^ {2}audit-loose .*\n {4}error {3}trust-any-pool: /m);
    assert.match(strict.out, /^ {2}localhost:\d+ {2}1 client ID, 1 thumbprint, 1 pool\n {4}warning thumbprint-drift: /m);
    assert.match(strict.out, /^Findings: 3 errors, /m);
  });

  it('--strict exits 0 on a clean setup (setup applyAll)', async () => {
    const { tenant, moto, clients, trust } = standins;
    tenant.app.jwt_configuration.alg = 'HS256';
    const run = await applyAll({
      config: { aws: { region: moto.region, endpoint: moto.endpoint }, auth0: { domain: tenant.domain, clientId: tenant.app.client_id }, names: { poolName: 'auth0_pool' } },
      management: { kind: 'clientCredentials', clientId: tenant.mgmt.clientId, clientSecret: tenant.mgmt.clientSecret },
      trust,
      timeoutMs: 5000,
      awsCredentials: moto.credentials,
      clients,
      cache: createSetupCache(),
    });
    assert.equal(run.ok, true, JSON.stringify(run.failed));
    const r = await runCli(args('--strict'));
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^ {2}auth0_pool \(us-east-1:[0-9a-f-]{36}\) {2}1 OIDC provider, role Cognito_auth0_pool_Auth_Role \[setup: auth0_pool\]$/m);
    assert.match(r.out, /^Findings: 0 errors, 0 warnings, 0 info\.$/m);
  });

  it('text from AWS is escaped (a tag value with escape and bidi characters)', async () => {
    await standins.ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'tagged', AllowUnauthenticatedIdentities: false, IdentityPoolTags: { 'auth0-cognito-bridge:setup': 'x\u001b[2Jy\u202ez' } }));
    const r = await runCli(args());
    assert.equal(r.code, 0, r.err);
    assert.ok(!r.out.includes('\u001b') && !r.out.includes('\u202e'), 'no raw escape or bidi character');
    assert.match(r.out, /\[setup: x\\u001b\[2Jy\\u202ez\]/);
    const j = await runCli(args('--json'));
    assert.ok(!j.out.includes('\u001b'), 'JSON escapes control characters');
  });

  it('usage errors exit 2; an unreachable AWS endpoint exits 1; --help; a cancelled run exits 130', async () => {
    const unknown = await runCli(args('--bogus'));
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /Unknown option --bogus\.\nRun "auth0-cognito resources --help" for usage\./);
    assert.equal((await runCli(args('extra'))).code, 2);
    assert.equal((await runCli(['resources', '--timeout', '0'])).code, 2);
    const noRegion = await runCli(['resources', '--endpoint', standins.moto.endpoint]);
    assert.equal(noRegion.code, 2);
    assert.match(noRegion.err, /No AWS region: give --region/);
    const help = await runCli(['resources', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: auth0-cognito resources \[--json\] \[--strict\]/);
    assert.match(help.out, /trust-any-pool +error/);

    const closed = await freePort();
    const down = await runCli(['resources', '--region', 'us-east-1', '--endpoint', `http://127.0.0.1:${closed}`, '--timeout', '3', '--json']);
    assert.equal(down.code, 1, down.err);
    assert.equal(down.out, '');
    assert.ok((JSON.parse(down.err) as { error: { message: string } }).error.message.length > 0);

    const ac = new AbortController();
    ac.abort();
    const out = new PassThrough();
    const err = new PassThrough();
    let e = '';
    err.on('data', (d: Buffer) => { e += d.toString(); });
    const code = await resourcesCommand(['--region', standins.moto.region, '--endpoint', standins.moto.endpoint], out, err, ac.signal);
    assert.equal(code, 130);
    assert.match(e, /Cancelled/);
  });
});
