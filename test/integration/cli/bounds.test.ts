/**
 * The CLI's bounds (issue 8, items 4 and 7): every AWS call ends (a hung endpoint ends
 * `setup --plan --timeout 2` with a message naming the call), the first Ctrl+C ends every command
 * with exit 130, config and stdin are capped, usage/config errors exit 2 everywhere with one line
 * and a pointer to --help, unknown config fields are named, and inspect-token exits 3 (and says
 * "cannot-confirm") when it cannot verify the token.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as fsSync from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';
import { runCli as cli } from '../../helpers/cli';
import { startHangServer, type HangServer } from '../../helpers/hangServer';
import { startTenant, type Tenant } from '../../standins/tenant';
import { freePort } from '../../standins/ports';

const REPO = path.resolve(__dirname, '..', '..', '..');
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1' };

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An RS256 token for `iss` with a made-up signature (nobody can verify it against `iss`). */
function forgedToken(iss: string): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss, aud: 'ClientId0000000000000000000000000', sub: 'auth0|u1', iat: now, exp: now + 3600 };
  return `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64url(payload)}.${Buffer.alloc(256, 7).toString('base64url')}`;
}

interface Spawned {
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string; ms: number }>;
  kill(sig: NodeJS.Signals): void;
}

/** The CLI as its own process (from source: node -r tsx/cjs src/cli/main.ts), as a shell runs it. */
function spawnCli(args: string[]): Spawned {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join('src', 'cli', 'main.ts'), ...args], {
    cwd: REPO,
    // The SDK's Node version note is polish.test.ts's business: none here, and no marker in the user's cache.
    env: { ...process.env, ...AWS_ENV, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_ENDPOINT_URL: '', AWS_CONFIG_FILE: path.join(REPO, 'no-such-aws-config'), AWS_SHARED_CREDENTIALS_FILE: path.join(REPO, 'no-such-aws-credentials') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdout.resume();
  let t0 = 0;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string; ms: number }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, err, ms: t0 ? Date.now() - t0 : -1 }));
  });
  return {
    exit,
    kill: (sig) => {
      t0 = Date.now();
      child.kill(sig);
    },
  };
}

describe('CLI bounds: timeouts, Ctrl+C, input caps, exit codes', function () {
  this.timeout(60_000);
  let hang: HangServer;
  let tenant: Tenant;
  let dir: string;
  const saved: Record<string, string | undefined> = {};

  const writeJson = async (name: string, v: unknown): Promise<string> => {
    const f = path.join(dir, name);
    await fs.writeFile(f, typeof v === 'string' ? v : JSON.stringify(v));
    return f;
  };
  const goodConfig = () => ({ aws: { region: 'us-east-1', endpoint: hang.url }, auth0: { domain: 'localhost:1', clientId: 'ClientId0000000000000000000000000' }, names: { poolName: 'auth0_pool' } });

  before(async () => {
    [hang, tenant] = await Promise.all([startHangServer(), startTenant({ app: { jwt_configuration: { alg: 'RS256' } } })]);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-bounds-'));
    for (const [k, v] of Object.entries({ ...AWS_ENV, AWS_ENDPOINT_URL: undefined })) {
      saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await Promise.allSettled([hang?.close(), tenant?.stop()]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe('every AWS call ends', () => {
    it('setup --plan --timeout 2 against an endpoint that never answers ends, naming the call', async () => {
      const file = await writeJson('hang.json', goodConfig());
      const t0 = Date.now();
      const r = await cli(['setup', '--plan', '--config', file, '--timeout', '2']);
      const ms = Date.now() - t0;
      assert.equal(r.code, 1, r.out + r.err);
      assert.ok(ms < 30_000, `ended after ${ms} ms`);
      assert.match(r.err, /STS GetCallerIdentity did not answer within 2 s\./);
      assert.match(r.out + r.err, /auth0Cognito\.network\.timeoutSeconds \(CLI: --timeout SECONDS\)/);
      assert.match(r.out + r.err, new RegExp(`AWS endpoint setting \\(http://127\\.0\\.0\\.1:${hang.port}`));
    });

    it('inspect-token --pool --timeout 2 against an endpoint that never answers ends, naming the call', async () => {
      const token = forgedToken(`https://127.0.0.1:${await freePort()}/`);
      const t0 = Date.now();
      const r = await cli(['inspect-token', token, '--pool', 'us-east-1:00000000-0000-0000-0000-000000000000', '--endpoint', hang.url, '--timeout', '2']);
      const ms = Date.now() - t0;
      assert.ok(ms < 30_000, `ended after ${ms} ms`);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, /Cognito Identity DescribeIdentityPool did not answer within 2 s\./);
    });
  });

  describe('the first Ctrl+C ends every command with exit 130', () => {
    it('setup --plan while an AWS call is pending', async () => {
      const file = await writeJson('sigint.json', goodConfig());
      const before = hang.connections();
      const c = spawnCli(['setup', '--plan', '--config', file, '--timeout', '60']);
      await hang.waitForConnections(before + 1);
      c.kill('SIGINT');
      const r = await c.exit;
      assert.equal(r.code, 130, `exit ${r.code} (signal ${r.signal}): ${r.err}`);
      assert.ok(r.ms < 10_000, `ended ${r.ms} ms after Ctrl+C`);
    });

    it('thumbprint while the TLS handshake is pending', async () => {
      const before = hang.connections();
      const c = spawnCli(['thumbprint', `127.0.0.1:${hang.port}`, '--timeout', '60']);
      await hang.waitForConnections(before + 1);
      c.kill('SIGINT');
      const r = await c.exit;
      assert.equal(r.code, 130, `exit ${r.code} (signal ${r.signal}): ${r.err}`);
      assert.ok(r.ms < 10_000, `ended ${r.ms} ms after Ctrl+C`);
    });

    it('inspect-token while the issuer\'s keys are being fetched', async () => {
      const before = hang.connections();
      const c = spawnCli(['inspect-token', forgedToken(`https://127.0.0.1:${hang.port}/`), '--timeout', '60']);
      await hang.waitForConnections(before + 1);
      c.kill('SIGINT');
      const r = await c.exit;
      assert.equal(r.code, 130, `exit ${r.code} (signal ${r.signal}): ${r.err}`);
      assert.ok(r.ms < 10_000, `ended ${r.ms} ms after Ctrl+C`);
    });

    it('inspect-token waiting for stdin stops on cancellation (exit 130)', async () => {
      const stdin = new PassThrough(); // never ends
      const desc = Object.getOwnPropertyDescriptor(process, 'stdin')!;
      Object.defineProperty(process, 'stdin', { value: stdin, configurable: true });
      const ac = new AbortController();
      const sink = new PassThrough();
      sink.resume();
      try {
        const p = main(['inspect-token'], sink, sink, ac.signal);
        setTimeout(() => ac.abort(), 100);
        assert.equal(await p, 130);
      } finally {
        Object.defineProperty(process, 'stdin', desc);
      }
    });
  });

  describe('input caps', () => {
    it('a config over 1 MB is a config error (exit 2), read without loading it all', async () => {
      const big = await writeJson('big.json', `{"aws":{"region":"us-east-1"},"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
      const r = await cli(['setup', '--plan', '--config', big]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /The config file .*big\.json is larger than 1 MB\./);
      if (fsSync.existsSync('/dev/zero')) {
        const z = await cli(['setup', '--plan', '--config', '/dev/zero']);
        assert.equal(z.code, 2, z.err);
        assert.match(z.err, /larger than 1 MB/);
      }
    });

    it('a 20,000-deep config is a config error (exit 2), not INTERNAL', async () => {
      // Objects inside a known field: what a config file nests (JSON.parse itself copes).
      const deep = await writeJson('deep.json', `{"names":${'{"n":'.repeat(19_999)}1${'}'.repeat(20_000)}`);
      const r = await cli(['setup', '--plan', '--config', deep]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /nests deeper than 32 levels/);
      const j = await cli(['setup', '--plan', '--config', deep, '--json']);
      assert.equal(j.code, 2);
      assert.equal(JSON.parse(j.err).error.code, 'INVALID_INPUT');
    });

    it('stdin over 4 MB is refused (exit 2), not cut silently', async () => {
      const r = await cli(['inspect-token'], `${'a'.repeat(4 * 1024 * 1024)}b`);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /The input on stdin is larger than 4 MB/);
    });
  });

  describe('usage and config errors', () => {
    it('exit 2 with one line and a pointer to --help, not the whole usage', async () => {
      for (const [args, help] of [
        [['thumbprint', 'x', '--bogus'], 'auth0-cognito thumbprint --help'],
        [['thumbprint'], 'auth0-cognito thumbprint --help'],
        [['frobnicate'], 'auth0-cognito --help'],
        [['--bogus'], 'auth0-cognito --help'],
        [['inspect-token', 'a', 'b'], 'auth0-cognito inspect-token --help'],
        [['setup', '--plan', '--bogus'], 'auth0-cognito setup --help'],
        [['setup', '--plan'], 'auth0-cognito setup --help'],
      ] as const) {
        const r = await cli([...args]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
        const lines = r.err.trimEnd().split('\n');
        assert.equal(lines.length, 2, `${args.join(' ')}:\n${r.err}`);
        assert.equal(lines[1], `Run "${help}" for usage.`);
        assert.doesNotMatch(r.err, /Usage:/);
      }
    });

    it('a bad --ca exits 2 in every command', async () => {
      const cfg = await writeJson('ca.json', goodConfig());
      const missing = path.join(dir, 'missing-ca.pem');
      for (const args of [
        ['thumbprint', 'localhost:1', '--ca', missing],
        ['inspect-token', forgedToken('https://localhost:1/'), '--ca', missing],
        ['setup', '--plan', '--config', cfg, '--ca', missing],
      ]) {
        const r = await cli(args);
        assert.equal(r.code, 2, `${args[0]}: ${r.err}`);
        assert.match(r.err, /Cannot read the CA certificate file .*missing-ca\.pem \(ENOENT\)/);
      }
    });

    it('--ca /dev/zero is refused after a bounded read (exit 2), not read into memory', async () => {
      const r = await cli(['thumbprint', 'localhost:1', '--ca', '/dev/zero']);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /The CA certificate file \/dev\/zero is larger than 5 MB/);
    });

    it('an unknown config field is an error naming it (exit 2)', async () => {
      const typo = await writeJson('typo.json', { ...goodConfig(), aws: { regoin: 'us-east-1', region: 'us-east-1' } });
      const r = await cli(['setup', '--plan', '--config', typo]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /unknown field "aws\.regoin"/);
      const extra = await writeJson('extra.json', { ...goodConfig(), names: { poolName: 'p', rolename: 'r' } });
      const e = await cli(['setup', '--plan', '--config', extra]);
      assert.equal(e.code, 2, e.err);
      assert.match(e.err, /unknown field "names\.rolename"/);
      assert.match(e.err, /Did you mean "names\.roleName"\?/);
      const top = await writeJson('top.json', { ...goodConfig(), region: 'us-east-1' });
      assert.match((await cli(['setup', '--plan', '--config', top])).err, /unknown field "region"/);
    });
  });

  describe('inspect-token verdicts', () => {
    it('exits 0 with verdict "pass" only when the signature was verified', async () => {
      const r = await cli(['inspect-token', tenant.mintIdToken({ alg: 'RS256' }), '--ca', tenant.certs.rootPath, '--json']);
      assert.equal(r.code, 0, r.out + r.err);
      assert.equal(JSON.parse(r.out).verdict, 'pass');
    });

    it('exits 3 with verdict "cannot-confirm" when the issuer\'s keys cannot be fetched', async () => {
      const token = forgedToken(`https://127.0.0.1:${await freePort()}/`);
      const r = await cli(['inspect-token', token, '--json']);
      assert.equal(r.code, 3, r.out + r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.verdict, 'cannot-confirm');
      assert.equal(j.ok, false);
      const t = await cli(['inspect-token', token]);
      assert.equal(t.code, 3, t.out + t.err);
    });

    it('exits 1 with verdict "fail" for a token that fails a rule', async () => {
      const r = await cli(['inspect-token', tenant.mintIdToken({ alg: 'HS256' }), '--ca', tenant.certs.rootPath, '--json']);
      assert.equal(r.code, 1, r.out + r.err);
      assert.equal(JSON.parse(r.out).verdict, 'fail');
    });
  });
});
