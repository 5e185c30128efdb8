import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as AwsChunk from '../../../src/engine/aws/sdk';
import type * as Auth0Chunk from '../../../src/engine/auth0/sdk';
import { describeError, EngineError, isCancelled, isEngineError, networkError } from '../../../src/engine/errors';
import { startTenant, type Tenant } from '../../standins/tenant';

/**
 * The lazy chunks (dist/chunks/*.js) each bundle their own copy of src/engine/errors.ts, so an
 * error they throw is not an `instanceof` the EngineError of extension.js / cli.js (nor of this
 * test, which loads the engine from source). These tests load the REAL built chunks and check
 * that such errors are still described with their own message and hint.
 */
const root = path.join(__dirname, '..', '..', '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = fs.statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** Requires dist/chunks/<name>.js, building first when it is missing or older than the engine source. */
function builtChunk<T>(name: 'aws' | 'auth0'): T {
  const file = path.join(root, 'dist', 'chunks', `${name}.js`);
  if (!fs.existsSync(file) || fs.statSync(file).mtimeMs < newestMtime(path.join(root, 'src', 'engine'))) {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a failure');
}

describe('errors thrown inside the built lazy chunks keep their meaning', function () {
  this.timeout(60_000);

  describe('AWS chunk: a profile that does not exist', () => {
    const saved: Record<string, string | undefined> = {};
    const vars = ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chunk-errors-'));
      fs.writeFileSync(path.join(dir, 'config'), '');
      fs.writeFileSync(path.join(dir, 'credentials'), '');
      for (const v of vars) saved[v] = process.env[v];
      for (const v of vars) delete process.env[v];
      process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
    });
    after(() => {
      for (const v of vars) {
        if (saved[v] === undefined) delete process.env[v];
        else process.env[v] = saved[v];
      }
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('is described with its message and hint, not as an unexpected error', async () => {
      const aws = builtChunk<typeof AwsChunk>('aws');
      const clients = aws.createAwsClients({ region: 'us-east-1', profile: 'no-such-profile', endpoint: 'http://127.0.0.1:9', timeoutMs: 5000 });
      const e = await rejection(aws.getCallerIdentity(clients));
      // The chunk's own class: this is the case `instanceof` got wrong.
      assert.equal(e instanceof EngineError, false, 'the error comes from the chunk\'s copy of EngineError');
      assert.ok(isEngineError(e), `recognised as an engine error: ${String(e)}`);
      const d = describeError(e);
      assert.equal(d.code, 'AWS');
      assert.match(d.message, /^No AWS credentials found for profile "no-such-profile"/);
      assert.doesNotMatch(d.message, /Unexpected error/);
      assert.match(d.hint, /aws configure --profile no-such-profile/);
      assert.doesNotMatch(d.hint, /Please report this/);
      // Passed through as is by the engine's other error helpers.
      assert.equal(networkError(e, 'example.com:443'), e);
      assert.equal(isCancelled(e), false);
    });

    it('a cancellation inside the chunk is recognised as one', async () => {
      const aws = builtChunk<typeof AwsChunk>('aws');
      const clients = aws.createAwsClients({ region: 'us-east-1', profile: 'no-such-profile', timeoutMs: 5000 });
      const ac = new AbortController();
      ac.abort();
      const e = await rejection(aws.getCallerIdentity(clients, ac.signal));
      assert.equal(e instanceof EngineError, false);
      assert.equal(isCancelled(e), true, String(e));
      assert.equal(describeError(e).code, 'CANCELLED');
    });
  });

  describe('Auth0 chunk: the Management API refuses the credentials', () => {
    let tenant: Tenant;
    before(async () => { tenant = await startTenant(); });
    after(async () => { await tenant?.stop(); });

    it('is described with its message and hint, not as an unexpected error', async () => {
      const a0 = builtChunk<typeof Auth0Chunk>('auth0');
      const conn = { domain: tenant.domain, trust: { extraCaPems: [tenant.caPem] }, timeoutMs: 5000 };
      const e = await rejection(a0.openManagement(conn, { kind: 'clientCredentials', clientId: tenant.mgmt.clientId, clientSecret: 'wrong' }));
      assert.equal(e instanceof EngineError, false, 'the error comes from the chunk\'s copy of EngineError');
      const d = describeError(e);
      assert.equal(d.code, 'AUTH0');
      assert.match(d.message, /rejected the Management API client credentials/);
      assert.match(d.hint, /client ID and secret/);
      assert.doesNotMatch(`${d.message} ${d.hint}`, /Unexpected error|Please report this/);

      const bad = await a0.openManagement(conn, { kind: 'token', token: 'not-a-token' });
      const refused = describeError(await rejection(a0.getApplication(bad, tenant.app.client_id)));
      assert.equal(refused.code, 'AUTH0');
      assert.match(refused.message, /rejected the token/);
      assert.match(refused.hint, /paste a fresh Management API token/);
    });
  });

  it('a look-alike without the brand, or with a bad shape, is not an engine error', () => {
    const plain = Object.assign(new Error('x'), { name: 'EngineError', code: 'AWS', hint: 'h' });
    assert.equal(isEngineError(plain), false);
    assert.equal(describeError(plain).code, 'INTERNAL');
    const branded = Object.assign(new Error('x'), { [Symbol.for('auth0-cognito-bridge.EngineError')]: true, code: 'NOPE', hint: 'h' });
    assert.equal(isEngineError(branded), false);
    assert.equal(isEngineError(new EngineError('AWS', 'm', 'h')), true);
  });
});
