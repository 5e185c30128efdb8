/**
 * CLI polish (issue 12, item 7), on the built CLI (dist/cli.js, as `bin` runs it): a run that calls
 * AWS prints no multi-line SDK warning (the AWS SDK's NodeVersionSupportWarning is one line, once
 * per machine, and none with --json), other process warnings still print, `--help` per command,
 * `--version`.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMoto, type Moto } from '../../standins/moto';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
/** Node versions the SDK warns on (it asks for >= 22). */
const SDK_WARNS = Number(process.versions.node.split('.')[0]) < 22;

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return fs.readdirSync(p).reduce((n, name) => Math.max(n, newestMtime(path.join(p, name))), st.mtimeMs);
}

/** Builds dist/ when dist/cli.js is missing or older than the source, the build script or package.json. */
function ensureBuilt(): void {
  const newest = Math.max(newestMtime(path.join(REPO, 'src')), newestMtime(path.join(REPO, 'esbuild.mjs')), newestMtime(path.join(REPO, 'package.json')));
  if (!fs.existsSync(CLI) || fs.statSync(CLI).mtimeMs < newest) {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' });
  }
}

interface Run { code: number | null; out: string; err: string }

/** Runs `node [nodeArgs] dist/cli.js args` with `env` over a clean AWS environment. */
function runBuilt(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<Run> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  delete base.NODE_OPTIONS;
  delete base.NODE_NO_WARNINGS;
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
    cwd: REPO,
    env: {
      ...base,
      AWS_ENDPOINT_URL: '',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: path.join(REPO, 'no-such-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(REPO, 'no-such-aws-credentials'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** The lines of stderr that are about the SDK's Node version warning. */
const sdkWarningLines = (err: string): string[] => err.split('\n').filter((l) => /NodeVersionSupportWarning|AWS SDK|node >=|Node\.js >=|a\.co\/c895JFp/i.test(l));

describe('CLI polish: one-line SDK warning, --help per command, --version (issue 12, item 7)', function () {
  this.timeout(120_000);
  let moto: Moto;
  let dir: string;
  let config: string;
  let awsEnv: NodeJS.ProcessEnv;

  before(async () => {
    ensureBuilt();
    moto = await startMoto();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-polish-'));
    config = path.join(dir, 'setup.json');
    fs.writeFileSync(config, JSON.stringify({
      aws: { region: moto.region, endpoint: moto.endpoint },
      auth0: { domain: 'localhost:1', clientId: 'ClientId0000000000000000000000000' },
      names: { poolName: 'polish_pool' },
    }));
    awsEnv = { AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey, AWS_REGION: moto.region };
  });
  after(async () => {
    await moto?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh "machine": its own cache and temp directories. */
  const machine = (name: string): NodeJS.ProcessEnv => {
    const home = path.join(dir, name);
    fs.mkdirSync(path.join(home, 'tmp'), { recursive: true });
    return { XDG_CACHE_HOME: path.join(home, 'cache'), TMPDIR: path.join(home, 'tmp'), TMP: path.join(home, 'tmp'), TEMP: path.join(home, 'tmp') };
  };

  describe('the AWS SDK Node version warning', () => {
    it('setup --plan against moto: at most one line, once per machine, and other warnings still print', async () => {
      const env = { ...awsEnv, ...machine('a') };
      // An unrelated warning, emitted once the CLI runs (its filter is installed by then).
      const preload = path.join(dir, 'other-warning.js');
      fs.writeFileSync(preload, "setImmediate(() => process.emitWarning('an unrelated warning, kept', 'OtherWarning'));\n");

      const first = await runBuilt(['setup', '--plan', '--config', config], env, ['--require', preload]);
      assert.ok(first.code === 0 || first.code === 1, `exit ${first.code}: ${first.err}`);
      assert.match(first.out + first.err, /GetCallerIdentity|caller|account/i, 'the run reached AWS (moto)');
      assert.doesNotMatch(first.err, /NodeVersionSupportWarning/);
      assert.doesNotMatch(first.err, /a\.co\/c895JFp|To continue receiving updates/);
      const lines = sdkWarningLines(first.err);
      assert.equal(lines.length, SDK_WARNS ? 1 : 0, `SDK warning lines:\n${lines.join('\n')}\n--- stderr:\n${first.err}`);
      if (SDK_WARNS) assert.match(lines[0]!, /^Note \(shown once\): AWS SDK releases .*need Node\.js >= \d+ \(this is v\d+\.\d+\.\d+\); auth0-cognito works on it today\.$/);
      assert.match(first.err, /OtherWarning: an unrelated warning, kept/, `other warnings still print:\n${first.err}`);

      const second = await runBuilt(['setup', '--plan', '--config', config], env);
      assert.deepEqual(sdkWarningLines(second.err), [], `shown once per machine:\n${second.err}`);
      if (SDK_WARNS) assert.equal(fs.readdirSync(path.join(env.XDG_CACHE_HOME!, 'auth0-cognito-bridge')).length, 1);
    });

    it('inspect-token --pool --json: stderr holds no warning at all', async () => {
      const env = { ...awsEnv, ...machine('b') };
      const token = ['{"alg":"RS256","kid":"k"}', `{"iss":"https://localhost:1/","aud":"a","sub":"s","exp":${Math.floor(Date.now() / 1000) + 600}}`]
        .map((p) => Buffer.from(p).toString('base64url')).join('.') + '.c2ln';
      const r = await runBuilt(['inspect-token', token, '--pool', `${moto.region}:00000000-0000-0000-0000-000000000000`, '--endpoint', moto.endpoint, '--json', '--timeout', '5'], env);
      assert.ok(r.code !== null && r.code !== 2, `exit ${r.code}: ${r.err}`);
      assert.match(r.out + r.err, /DescribeIdentityPool failed: ResourceNotFoundException/, 'the run reached AWS (moto)');
      assert.deepEqual(sdkWarningLines(r.err), [], r.err);
      // What is on stderr is JSON only.
      for (const line of r.err.split('\n').filter(Boolean)) assert.doesNotThrow(() => JSON.parse(line), line);
      // Not marked as shown: the next run without --json shows it (once).
      const cache = path.join(env.XDG_CACHE_HOME!, 'auth0-cognito-bridge');
      assert.ok(!fs.existsSync(cache) || fs.readdirSync(cache).length === 0);
    });

    it('remembers it under os.tmpdir() when the cache directory cannot be written', async () => {
      const env = machine('c');
      const blocked = path.join(dir, 'c', 'cache-is-a-file');
      fs.writeFileSync(blocked, '');
      env.XDG_CACHE_HOME = blocked;
      const first = await runBuilt(['setup', '--plan', '--config', config], { ...awsEnv, ...env });
      assert.equal(sdkWarningLines(first.err).length, SDK_WARNS ? 1 : 0, first.err);
      const second = await runBuilt(['setup', '--plan', '--config', config], { ...awsEnv, ...env });
      assert.deepEqual(sdkWarningLines(second.err), [], second.err);
      if (SDK_WARNS) assert.equal(fs.readdirSync(path.join(env.TMPDIR!, 'auth0-cognito-bridge')).length, 1);
    });
  });

  describe('--help per command and --version', () => {
    for (const [command, usage] of [
      ['thumbprint', /^Usage: auth0-cognito thumbprint <host> \[options\]\n/],
      ['inspect-token', /^Usage: auth0-cognito inspect-token \[token\] \[options\]\n/],
      ['setup', /^Usage: auth0-cognito setup \(--plan \| --apply\) --config FILE \[options\]\n/],
    ] as const) {
      it(`${command} --help prints that command's usage and exits 0`, async () => {
        for (const flag of ['--help', '-h']) {
          const r = await runBuilt([command, flag]);
          assert.equal(r.code, 0, r.err);
          assert.equal(r.err, '');
          assert.match(r.out, usage);
          // One layout: options (with --help) and exit codes.
          assert.match(r.out, /\n {2}-h, --help {12}Show this help\.\n/);
          assert.match(r.out, /\nExit codes: 0 /);
          assert.doesNotMatch(r.out, /^Commands:/m, 'not the overview');
        }
      });
    }

    it('--help alone prints the overview, which points at the per-command help and --version', async () => {
      const r = await runBuilt(['--help']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^Usage: auth0-cognito <command> \[options\]\n/);
      assert.match(r.out, /Run "auth0-cognito <command> --help" for a command's options\./);
      assert.match(r.out, /--version {13}Print the CLI's version\./);
    });

    it('--version prints the package version and exits 0', async () => {
      const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
      const r = await runBuilt(['--version']);
      assert.deepEqual(r, { code: 0, out: `${version}\n`, err: '' });
    });
  });
});
