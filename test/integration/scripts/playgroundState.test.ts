/**
 * scripts/playgroundState.ts: what `npm run token` does, against a started local tenant.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TOKEN_REDIRECT_URI, fetchIdToken, readPlaygroundState, writePlaygroundState } from '../../../scripts/playgroundState';
import { startTenant, type Tenant } from '../../standins/tenant';

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('scripts/playgroundState', () => {
  let tenant: Tenant;
  let dir: string;
  before(async () => {
    tenant = await startTenant({ app: { callbacks: [TOKEN_REDIRECT_URI] } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a0c-playground-state-'));
  });
  after(async () => {
    await tenant?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs in through the tenant and returns an ID token for the app', async () => {
    const token = await fetchIdToken({ issuer: tenant.issuer, caPem: tenant.caPem, clientId: tenant.app.client_id, redirectUri: TOKEN_REDIRECT_URI });
    const c = claims(token);
    assert.equal(c.iss, tenant.issuer);
    assert.equal(c.aud, tenant.app.client_id);
    assert.equal(c.sub, tenant.user.sub);
    assert.equal(typeof c.exp, 'number');
    assert.equal(tenant.countRequests('GET', '/authorize'), 1);
  });

  it('logs in on the tenant\'s login page (the playground\'s tenant shows one) with the test user\'s password', async () => {
    tenant.loginPage = { password: 'pw-1' };
    try {
      const req = { issuer: tenant.issuer, caPem: tenant.caPem, clientId: tenant.app.client_id, redirectUri: TOKEN_REDIRECT_URI };
      assert.equal(claims(await fetchIdToken({ ...req, login: { email: tenant.user.email, password: 'pw-1' } })).sub, tenant.user.sub);
      await assert.rejects(fetchIdToken({ ...req, login: { email: tenant.user.email, password: 'wrong' } }), /refused the sign-in \(HTTP 400\).*Wrong email or password/);
      await assert.rejects(fetchIdToken(req), /refused the sign-in \(HTTP 200\).*Log in/);
    } finally {
      tenant.loginPage = undefined;
    }
  });

  it('says what the tenant answered when the callback is not registered', async () => {
    await assert.rejects(
      fetchIdToken({ issuer: tenant.issuer, caPem: tenant.caPem, clientId: tenant.app.client_id, redirectUri: 'http://localhost/elsewhere' }),
      /refused the sign-in \(HTTP 400\).*Callback URL mismatch/,
    );
  });

  it('says the playground is not running when nobody answers', async () => {
    const other = await startTenant();
    const issuer = other.issuer;
    await other.stop();
    await assert.rejects(
      fetchIdToken({ issuer, caPem: tenant.caPem, clientId: 'x', redirectUri: TOKEN_REDIRECT_URI }),
      /does not answer.*is the playground running/,
    );
  });

  it('reads the state file back, and refuses a missing one or one from a stopped playground', () => {
    const file = path.join(dir, 'state.json');
    assert.throws(() => readPlaygroundState(file), /no running playground.*npm run playground/);
    const state = { issuer: tenant.issuer, caPath: path.join(dir, 'ca.pem'), clientId: 'abc', redirectUri: TOKEN_REDIRECT_URI, workbenchUrl: 'http://127.0.0.1:1/', pid: process.pid };
    writePlaygroundState(file, state);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readPlaygroundState(file), state);
    writePlaygroundState(file, { ...state, pid: 2 ** 22 + 1 });
    assert.throws(() => readPlaygroundState(file), /no longer running/);
  });
});
