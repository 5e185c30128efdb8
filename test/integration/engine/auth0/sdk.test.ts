import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { loadAuth0, isAuth0Loaded, normalizeAuth0Domain } from '../../../../src/engine/auth0/connection';
import { startTenant, type Tenant } from '../../../standins/tenant';
import { expectEngineError } from '../../../helpers/errors';

describe('Auth0 Management API (lazy chunk) against the local tenant, over HTTPS with an extra CA', function () {
  this.timeout(30_000);
  let tenant: Tenant;
  before(async () => { tenant = await startTenant(); });
  after(async () => { await tenant?.stop(); });

  const conn = () => ({ domain: tenant.domain, trust: { extraCaPems: [tenant.caPem] }, timeoutMs: 5000 });
  const m2m = () => ({ kind: 'clientCredentials' as const, clientId: tenant.mgmt.clientId, clientSecret: tenant.mgmt.clientSecret });

  it('normalises what people type as a domain', () => {
    assert.equal(normalizeAuth0Domain('https://Tenant.Auth0.com/'), 'tenant.auth0.com');
    assert.equal(normalizeAuth0Domain(' tenant.eu.auth0.com '), 'tenant.eu.auth0.com');
    assert.equal(normalizeAuth0Domain('localhost:8443'), 'localhost:8443');
    assert.throws(() => normalizeAuth0Domain('http://tenant.auth0.com'), /must use https/);
    assert.throws(() => normalizeAuth0Domain(''), /No Auth0 domain/);
  });

  it('is loaded on first use only (checked in a fresh process: other suites in this one load it)', () => {
    const probe = "const a=require('./src/engine/auth0/connection');const before=a.isAuth0Loaded();a.loadAuth0();"
      + "process.stdout.write(JSON.stringify([before,a.isAuth0Loaded()]))";
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', probe], { cwd: path.join(__dirname, '..', '..', '..', '..'), encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [false, true]);
    loadAuth0();
    assert.equal(isAuth0Loaded(), true);
  });

  it('reads the application, switches it from HS256 to RS256, and the next ID token is RS256', async () => {
    const a0 = loadAuth0();
    const s = await a0.openManagement(conn(), m2m());
    assert.ok(s.scopes?.includes('update:clients'));
    const before = await a0.getApplication(s, tenant.app.client_id);
    assert.equal(before.alg, 'HS256');
    assert.equal(before.clientId, tenant.app.client_id);
    const writes = tenant.writeCalls;
    const after = await a0.updateApplication(s, tenant.app.client_id, { alg: 'RS256', callbacks: ['http://127.0.0.1:53682/callback'] });
    assert.equal(after.alg, 'RS256');
    assert.deepEqual(after.callbacks, ['http://127.0.0.1:53682/callback']);
    assert.equal(tenant.writeCalls, writes + 1);
    const token = tenant.mintIdToken({ clientId: tenant.app.client_id });
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg, 'RS256');
  });

  it('works with a pasted Management API token, Bearer prefix and all', async () => {
    const a0 = loadAuth0();
    const { token } = await a0.managementToken(conn(), m2m());
    const s = await a0.openManagement(conn(), { kind: 'token', token: `Bearer ${token}` });
    assert.ok(s.scopes?.includes('read:clients'));
    assert.equal((await a0.getApplication(s, tenant.app.client_id)).clientId, tenant.app.client_id);
  });

  it('names the missing scope when the token lacks update:clients', async () => {
    const a0 = loadAuth0();
    const ro = tenant.addClient({ name: 'read-only m2m', app_type: 'non_interactive' }, ['read:clients']);
    const s = await a0.openManagement(conn(), { kind: 'clientCredentials', clientId: ro.client_id, clientSecret: ro.client_secret });
    await expectEngineError(a0.updateApplication(s, tenant.app.client_id, { alg: 'RS256' }), 'AUTH0', /may not update the application.*Insufficient scope/, /Grant the update:clients scope/);
  });

  it('says what to do on a wrong client id, wrong secret, bad token, or untrusted certificate', async () => {
    const a0 = loadAuth0();
    const s = await a0.openManagement(conn(), m2m());
    await expectEngineError(a0.getApplication(s, 'NoSuchClientId000000000000000000'), 'AUTH0', /no application with that client ID/, /Copy the Client ID/);
    await expectEngineError(a0.openManagement(conn(), { ...m2m(), clientSecret: 'wrong' }), 'AUTH0', /rejected the Management API client credentials/, /client ID and secret/);
    const bad = await a0.openManagement(conn(), { kind: 'token', token: 'not-a-token' });
    await expectEngineError(a0.getApplication(bad, tenant.app.client_id), 'AUTH0', /rejected the token/, /paste a fresh Management API token/);
    await expectEngineError(a0.openManagement({ domain: tenant.domain, timeoutMs: 5000 }, m2m()), 'TLS', /TLS handshake|certificate/i, /extra CA certificates/);
  });
});
