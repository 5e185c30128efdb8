/**
 * `auth0-cognito setup --export cloudformation|terraform|cli --config FILE [--out FILE]`
 * in-process (runCli), against moto behind a counting proxy (the CLI builds its own AWS clients,
 * so its calls are counted on the wire) and the local tenant: it reads only (no write call, on
 * AWS or Auth0), prints to stdout or writes --out, and has the exit codes of the other commands.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { runCli } from '../../helpers/cli';
import { useStandins } from '../../standins/fixture';
import { isWriteRequest, startCountingProxy, type CountingProxy } from '../engine/export/tools';

describe('CLI setup --export (moto behind a counting proxy + local tenant)', function () {
  this.timeout(60_000);
  const standins = useStandins({ awsTrust: true });
  let proxy: CountingProxy;
  let dir: string;
  const ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
    'AUTH0_MGMT_TOKEN', 'AUTH0_MGMT_CLIENT_ID', 'AUTH0_MGMT_CLIENT_SECRET'] as const;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    proxy = await startCountingProxy(standins.moto);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'export-cli-'));
    for (const k of ENV) saved[k] = process.env[k];
    for (const k of ENV) delete process.env[k];
    process.env.AWS_ACCESS_KEY_ID = standins.moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = standins.moto.credentials.secretAccessKey;
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    // Management API access: the Auth0 step is read with it (and must not write).
    process.env.AUTH0_MGMT_CLIENT_ID = standins.tenant.mgmt.clientId;
    process.env.AUTH0_MGMT_CLIENT_SECRET = standins.tenant.mgmt.clientSecret;
  });
  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await proxy?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    proxy.requests.length = 0;
    standins.tenant.app.jwt_configuration.alg = 'HS256';
    standins.tenant.resetLog();
  });

  async function configFile(domain = standins.tenant.domain): Promise<string> {
    const f = path.join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    await fs.writeFile(f, JSON.stringify({
      aws: { region: standins.moto.region, endpoint: proxy.endpoint },
      auth0: { domain, clientId: standins.tenant.app.client_id },
      names: { poolName: 'auth0_pool' },
    }));
    return f;
  }
  const ca = () => ['--ca', standins.tenant.certs.rootPath];
  const writes = () => proxy.requests.filter(isWriteRequest).map((r) => r.action);

  it('prints each format on stdout, reading only (no AWS or Auth0 write); the same text with --out FILE', async () => {
    const config = await configFile();
    const expect: Record<string, RegExp> = {
      cloudformation: /^AWSTemplateFormatVersion: "2010-09-09"$[\s\S]*Type: "AWS::IAM::OIDCProvider"[\s\S]*Type: "AWS::Cognito::IdentityPoolRoleAttachment"/m,
      terraform: /^resource "aws_iam_openid_connect_provider" "auth0" \{$[\s\S]*^resource "aws_cognito_identity_pool_roles_attachment" "this" \{$/m,
      cli: /^#!\/usr\/bin\/env bash\n[\s\S]*^set -euo pipefail$[\s\S]*create-open-id-connect-provider/m,
    };
    for (const format of ['cloudformation', 'terraform', 'cli']) {
      proxy.requests.length = 0;
      const r = await runCli(['setup', '--export', format, '--config', config, ...ca()]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, expect[format]!);
      assert.ok(r.out.includes(`https://${standins.tenant.domain}`) || r.out.includes(standins.tenant.domain));
      assert.deepEqual(writes(), [], `${format}: no AWS write call`);
      assert.ok(proxy.requests.some((q) => q.action === 'ListOpenIDConnectProviders'), `${format}: it read the account`);
      assert.equal(standins.tenant.writeCalls, 0, `${format}: no Auth0 write (the app stays on HS256)`);
      assert.equal(standins.tenant.app.jwt_configuration.alg, 'HS256');

      const out = path.join(dir, `setup-${format}`);
      const w = await runCli(['setup', '--export', format, '--config', config, '--out', out, ...ca()]);
      assert.equal(w.code, 0, w.err);
      assert.match(w.out, /^Wrote the setup as .* to .*\.\nNothing was changed in AWS or Auth0\.\n$/);
      assert.equal(await fs.readFile(out, 'utf8'), r.out, 'the file holds what stdout printed');
      assert.equal(((await fs.stat(out)).mode & 0o111) !== 0, format === 'cli', 'only the script is executable');
    }
    // The Auth0 step says RS256 is needed, as a comment (the export never changes Auth0).
    const tf = await runCli(['setup', '--export', 'terraform', '--config', config, ...ca()]);
    assert.match(tf.out, /^# The Auth0 application \S+ must sign ID tokens with RS256/m);
  });

  it('--json gives the format, the import ids and the text', async () => {
    const made = await standins.iam.send(new CreateOpenIDConnectProviderCommand({ Url: standins.tenant.baseUrl, ClientIDList: [standins.tenant.app.client_id] }));
    const r = await runCli(['setup', '--export', 'terraform', '--config', await configFile(), '--json', ...ca()]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { ok: boolean; format: string; imports: Record<string, string>; text: string };
    assert.equal(j.ok, true);
    assert.equal(j.format, 'terraform');
    assert.deepEqual(j.imports, { 'aws_iam_openid_connect_provider.auth0': made.OpenIDConnectProviderArn });
    assert.match(j.text, /^import \{\n {2}to = aws_iam_openid_connect_provider\.auth0\n {2}id = "arn:aws:iam::123456789012:oidc-provider\/localhost:\d+"\n\}$/m);
    assert.deepEqual(writes(), []);
  });

  it('exit codes: 2 for usage errors, 1 when the setup cannot be planned', async () => {
    const config = await configFile();
    for (const [args, message] of [
      [['--export', 'yaml', '--config', config], /--export takes cloudformation, terraform, cli; not "yaml"/],
      [['--export'], /--export needs a value/],
      [['--export', 'terraform', '--plan', '--config', config], /Give one of --plan, --apply or --export, not more/],
      [['--plan', '--out', 'x.tf', '--config', config], /--out goes with --export only/],
      [['--export', 'terraform'], /Give the setup config with --config FILE/],
    ] as const) {
      const r = await runCli(['setup', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, message);
      assert.match(r.err, /Run "auth0-cognito setup --help" for usage\./);
    }
    const bad = await runCli(['setup', '--export', 'cloudformation', '--config', await configFile('no-such-tenant.invalid'), '--timeout', '5', ...ca()]);
    assert.equal(bad.code, 1, bad.err);
    assert.match(bad.err, /^Error: Step ".+" cannot be planned: /);
    assert.equal(bad.out, '', 'no partial template on stdout');
    const unwritable = await runCli(['setup', '--export', 'cli', '--config', config, '--out', path.join(dir, 'no-such-dir', 'x.sh'), ...ca()]);
    assert.equal(unwritable.code, 1);
    assert.match(unwritable.err, /cannot write .*x\.sh \(ENOENT\)/);
    const help = await runCli(['setup', '--help']);
    assert.match(help.out, /--export FORMAT/);
  });
});
