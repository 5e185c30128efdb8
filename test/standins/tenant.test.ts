/**
 * Tests of the Auth0 stand-in tenant itself, through real HTTPS with the generated root CA as
 * the only trusted CA. Also checks that the `auth0` npm SDK (v7 ManagementClient) works
 * against it, and how that SDK has to be told to trust an extra CA.
 */
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManagementClient, ManagementError } from 'auth0';
import { sha1Fingerprint, splitPemCertificates } from './certs';
import type { TenantDescription } from './serve-tenant';
import { fetchTrustingCa, startTenant, type Tenant } from './tenant';

// jose is ESM-only; this file runs as CommonJS, so load it with a dynamic import.
const loadJose = () => import('jose');
type Jose = Awaited<ReturnType<typeof loadJose>>;

interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any;
}

/** node:https with `ca` = the tenant's root only (no system CAs). */
function request(
  t: Tenant,
  pathOrUrl: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; ca?: string | null } = {},
): Promise<HttpResult> {
  const url = new URL(pathOrUrl, t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: opts.method ?? 'GET',
        headers: { ...(opts.body ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}), ...opts.headers },
        ...(opts.ca === null ? {} : { ca: opts.ca ?? t.caPem }),
        agent: false,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(opts.body);
  });
}

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_CT = { 'content-type': 'application/json' };

function pkce() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

const REDIRECT = 'http://127.0.0.1:53682/callback';

/** GET /authorize and follow nothing: returns the 302 Location parsed. */
async function authorize(t: Tenant, params: Record<string, string>): Promise<{ res: HttpResult; location?: URL }> {
  const res = await request(t, `/authorize?${new URLSearchParams(params)}`);
  const loc = res.headers.location;
  return { res, location: typeof loc === 'string' ? new URL(loc) : undefined };
}

/** Full code + PKCE flow; returns the token response JSON. */
async function login(t: Tenant, clientId: string, extra: { nonce?: string; scope?: string } = {}) {
  const { verifier, challenge } = pkce();
  const state = crypto.randomBytes(8).toString('hex');
  const { res, location } = await authorize(t, {
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: extra.scope ?? 'openid profile email',
    state,
    nonce: extra.nonce ?? 'n-0S6_WzA2Mj',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'login',
  });
  assert.equal(res.status, 302, res.text);
  assert.ok(location);
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  assert.equal(location.searchParams.get('state'), state);
  const code = location.searchParams.get('code');
  assert.ok(code, `no code in ${location.toString()}`);
  const tok = await request(t, '/oauth/token', {
    method: 'POST',
    headers: FORM,
    body: form({ grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: REDIRECT }),
  });
  assert.equal(tok.status, 200, tok.text);
  return tok.json() as { access_token: string; id_token: string; scope: string; expires_in: number; token_type: string };
}

async function mgmtToken(t: Tenant, clientId = t.mgmt.clientId, clientSecret = t.mgmt.clientSecret): Promise<string> {
  const res = await request(t, '/oauth/token', {
    method: 'POST',
    headers: JSON_CT,
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: t.mgmt.audience }),
  });
  assert.equal(res.status, 200, res.text);
  return res.json().access_token as string;
}

function decodeJwt(token: string): { header: any; payload: any } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p ?? '', 'base64url').toString()),
  };
}

describe('Auth0 stand-in tenant', function () {
  let t: Tenant;
  let jose: Jose;

  before(async () => {
    jose = await loadJose();
    t = await startTenant({ app: { callbacks: [REDIRECT] } });
  });
  after(async () => {
    await t?.stop();
  });

  describe('TLS and discovery', () => {
    it('has Auth0-shaped identifiers', () => {
      assert.match(t.issuer, /^https:\/\/localhost:\d+\/$/);
      assert.equal(t.domain, `localhost:${t.port}`);
      assert.equal(t.mgmt.audience, `https://localhost:${t.port}/api/v2/`);
      assert.match(t.app.client_id, /^[A-Za-z0-9]{32}$/);
      assert.equal(t.app.jwt_configuration.alg, 'HS256');
      for (const fp of Object.values(t.certs.fingerprints)) assert.match(fp, /^[0-9a-f]{40}$/);
    });

    it('serves the discovery document', async () => {
      const res = await request(t, '/.well-known/openid-configuration');
      assert.equal(res.status, 200);
      const d = res.json();
      assert.equal(d.issuer, t.issuer);
      assert.equal(d.authorization_endpoint, `${t.baseUrl}/authorize`);
      assert.equal(d.token_endpoint, `${t.baseUrl}/oauth/token`);
      assert.equal(d.jwks_uri, `${t.baseUrl}/.well-known/jwks.json`);
      assert.equal(d.userinfo_endpoint, `${t.baseUrl}/userinfo`);
      assert.deepEqual(d.id_token_signing_alg_values_supported, ['HS256', 'RS256', 'PS256']);
      assert.deepEqual(d.code_challenge_methods_supported, ['S256', 'plain']);
      assert.ok(d.response_types_supported.includes('code'));
      assert.deepEqual(d.subject_types_supported, ['public']);
      assert.ok(d.scopes_supported.includes('openid'));
    });

    it('serves a JWKS with kid, x5c and x5t for its RSA key', async () => {
      const res = await request(t, '/.well-known/jwks.json');
      assert.equal(res.status, 200);
      const { keys } = res.json();
      assert.equal(keys.length, 1);
      const k = keys[0];
      assert.equal(k.kty, 'RSA');
      assert.equal(k.use, 'sig');
      assert.equal(k.alg, 'RS256');
      assert.equal(k.e, 'AQAB');
      assert.ok(k.kid && k.n);
      const der = Buffer.from(k.x5c[0], 'base64');
      assert.equal(k.x5t, crypto.createHash('sha1').update(der).digest('base64url'));
      const fromCert = new crypto.X509Certificate(der).publicKey.export({ format: 'jwk' });
      assert.equal(fromCert.n, k.n);
      assert.equal(k.d, undefined, 'no private parts');
    });

    it('is not trusted without its root CA', async () => {
      await assert.rejects(
        request(t, '/.well-known/openid-configuration', { ca: null }),
        (e: NodeJS.ErrnoException) => e.code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      );
    });

    it('presents exactly leaf + intermediate (openssl s_client -showcerts)', async () => {
      const out = await new Promise<string>((resolve, reject) => {
        const child = execFile(
          'openssl',
          ['s_client', '-showcerts', '-servername', 'localhost', '-connect', `127.0.0.1:${t.port}`, '-CAfile', t.certs.rootPath],
          { timeout: 15_000 },
          (err, stdout) => (err ? reject(err) : resolve(stdout)),
        );
        child.stdin?.end();
      });
      const presented = splitPemCertificates(out);
      assert.equal(presented.length, 2, out);
      assert.equal(sha1Fingerprint(presented[0] as string), t.certs.fingerprints.leaf);
      // The last certificate presented = the "top intermediate CA" AWS takes the thumbprint of.
      assert.equal(sha1Fingerprint(presented[1] as string), t.certs.fingerprints.intermediate);
      assert.notEqual(t.certs.fingerprints.intermediate, t.certs.fingerprints.root);
      assert.match(out, /Verify return code: 0 \(ok\)/);
      const leaf = new crypto.X509Certificate(presented[0] as string);
      assert.match(leaf.subjectAltName ?? '', /DNS:localhost/);
      assert.match(leaf.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
      const inter = new crypto.X509Certificate(presented[1] as string);
      assert.ok(inter.ca);
      assert.ok(leaf.checkIssued(inter));
      assert.ok(inter.checkIssued(new crypto.X509Certificate(t.caPem)));
    });
  });

  describe('authorization code + PKCE', () => {
    it('HS256 app: ID token verifies with the client secret', async () => {
      const tokens = await login(t, t.app.client_id, { nonce: 'nonce-123' });
      assert.equal(tokens.token_type, 'Bearer');
      assert.equal(tokens.scope, 'openid profile email');
      assert.ok(tokens.expires_in > 0);
      const { header } = decodeJwt(tokens.id_token);
      assert.equal(header.alg, 'HS256');
      assert.equal(header.kid, undefined);
      const { payload } = await jose.jwtVerify(tokens.id_token, new TextEncoder().encode(t.app.client_secret), {
        issuer: t.issuer,
        audience: t.app.client_id,
      });
      assert.equal(payload.iss, t.issuer);
      assert.ok(String(payload.iss).endsWith('/'));
      assert.equal(payload.sub, t.user.sub);
      assert.equal(payload.nonce, 'nonce-123');
      assert.equal(payload.email, t.user.email);
      assert.equal(payload.name, t.user.name);
      assert.equal(typeof payload.sid, 'string');
      assert.equal((payload.exp as number) - (payload.iat as number), 36000);
      // The access token is not an ID token: its aud never holds the client id.
      const at = decodeJwt(tokens.access_token).payload;
      assert.deepEqual(at.aud, [`${t.issuer}userinfo`]);
      const ui = await request(t, '/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(ui.status, 200);
      assert.equal(ui.json().sub, t.user.sub);
    });

    it('RS256 app: ID token verifies against the JWKS (jose createRemoteJWKSet + custom fetch)', async () => {
      const rsApp = t.addClient({ name: 'RS app', callbacks: [REDIRECT], jwt_configuration: { alg: 'RS256' } });
      const tokens = await login(t, rsApp.client_id);
      const { header } = decodeJwt(tokens.id_token);
      assert.equal(header.alg, 'RS256');
      assert.equal(header.kid, t.signingKeys[0]?.kid);
      const jwks = jose.createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`), {
        [jose.customFetch]: fetchTrustingCa(t.caPem),
      });
      const { payload } = await jose.jwtVerify(tokens.id_token, jwks, { issuer: t.issuer, audience: rsApp.client_id });
      assert.equal(payload.sub, t.user.sub);
    });

    it('also accepts a JSON token request and omits profile claims for scope=openid', async () => {
      const { verifier, challenge } = pkce();
      const { location } = await authorize(t, {
        client_id: t.app.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid',
        code_challenge: challenge, code_challenge_method: 'S256',
      });
      assert.equal(location?.searchParams.get('state'), null);
      const res = await request(t, '/oauth/token', {
        method: 'POST',
        headers: JSON_CT,
        body: JSON.stringify({
          grant_type: 'authorization_code', client_id: t.app.client_id,
          code: location?.searchParams.get('code'), code_verifier: verifier, redirect_uri: REDIRECT,
        }),
      });
      assert.equal(res.status, 200, res.text);
      const p = decodeJwt(res.json().id_token).payload;
      assert.equal(p.email, undefined);
      assert.equal(p.nonce, undefined);
      assert.equal(p.aud, t.app.client_id);
    });

    it('shows "Callback URL mismatch" for an unregistered redirect_uri (no redirect)', async () => {
      const { res, location } = await authorize(t, {
        client_id: t.app.client_id, redirect_uri: 'http://127.0.0.1:9/other', response_type: 'code', state: 's',
        code_challenge: pkce().challenge, code_challenge_method: 'S256',
      });
      assert.equal(res.status, 400);
      assert.equal(location, undefined);
      assert.match(res.text, /Callback URL mismatch\. http:\/\/127\.0\.0\.1:9\/other is not in the list of allowed callback URLs\./);
      assert.equal(res.headers['x-auth0-standin-error'], 'unauthorized_client');
    });

    it('redirects errors it can deliver (unsupported response_type, user denial)', async () => {
      const bad = await authorize(t, { client_id: t.app.client_id, redirect_uri: REDIRECT, response_type: 'token', state: 'x' });
      assert.equal(bad.res.status, 302);
      assert.equal(bad.location?.searchParams.get('error'), 'unsupported_response_type');
      assert.equal(bad.location?.searchParams.get('state'), 'x');
      t.loginOutcome = 'access_denied';
      try {
        const denied = await authorize(t, { client_id: t.app.client_id, redirect_uri: REDIRECT, response_type: 'code', state: 'y' });
        assert.equal(denied.location?.searchParams.get('error'), 'access_denied');
      } finally {
        t.loginOutcome = 'login';
      }
    });

    it('with a login page: /authorize shows the form; a wrong password is refused; the right one redirects with a code', async () => {
      t.app.callbacks = [...new Set([...t.app.callbacks, REDIRECT])];
      t.loginPage = { password: 'correct horse' };
      try {
        const { challenge } = pkce();
        const page = await authorize(t, { client_id: t.app.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's1', code_challenge: challenge, code_challenge_method: 'S256' });
        assert.equal(page.res.status, 200);
        assert.equal(page.location, undefined, 'no redirect before the login');
        assert.match(page.res.text, /<form method="post" action="\/u\/login">/);
        const txn = /name="txn" value="([\w-]+)"/.exec(page.res.text)?.[1];
        assert.ok(txn);
        const post = (username: string, password: string, tx = txn) => request(t, '/u/login', { method: 'POST', headers: FORM, body: form({ txn: tx, username, password }) });
        const wrong = await post(t.user.email, 'wrong');
        assert.equal(wrong.status, 400);
        assert.match(wrong.text, /Wrong email or password\./);
        assert.equal((await post('someone@example.com', 'correct horse')).status, 400);
        assert.equal((await post(t.user.email, 'correct horse', 'not-a-txn')).status, 400);
        const ok = await post(t.user.email.toUpperCase(), 'correct horse');
        assert.equal(ok.status, 302, ok.text);
        const loc = new URL(String(ok.headers.location));
        assert.equal(`${loc.origin}${loc.pathname}`, REDIRECT);
        assert.equal(loc.searchParams.get('state'), 's1');
        assert.ok(loc.searchParams.get('code'));
        // The transaction is used up.
        assert.equal((await post(t.user.email, 'correct horse')).status, 400);
      } finally {
        t.loginPage = undefined;
      }
    });

    it('rejects a wrong code_verifier, and the code is single use', async () => {
      const { challenge } = pkce();
      const { location } = await authorize(t, {
        client_id: t.app.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid',
        code_challenge: challenge, code_challenge_method: 'S256',
      });
      const code = location?.searchParams.get('code') ?? '';
      const wrong = await request(t, '/oauth/token', {
        method: 'POST', headers: FORM,
        body: form({ grant_type: 'authorization_code', client_id: t.app.client_id, code, code_verifier: pkce().verifier, redirect_uri: REDIRECT }),
      });
      assert.equal(wrong.status, 403);
      assert.deepEqual(wrong.json(), { error: 'invalid_grant', error_description: 'Failed to verify code verifier' });
      const again = await request(t, '/oauth/token', {
        method: 'POST', headers: FORM,
        body: form({ grant_type: 'authorization_code', client_id: t.app.client_id, code, code_verifier: 'x', redirect_uri: REDIRECT }),
      });
      assert.equal(again.status, 403);
      assert.deepEqual(again.json(), { error: 'invalid_grant', error_description: 'Invalid authorization code' });
    });
  });

  describe('client credentials and the Management API', () => {
    it('issues an RS256 Management API token with the granted scopes', async () => {
      const res = await request(t, '/oauth/token', {
        method: 'POST', headers: FORM,
        body: form({ grant_type: 'client_credentials', client_id: t.mgmt.clientId, client_secret: t.mgmt.clientSecret, audience: t.mgmt.audience }),
      });
      assert.equal(res.status, 200);
      const body = res.json();
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.scope, 'read:clients update:clients');
      const jwks = jose.createLocalJWKSet((await request(t, '/.well-known/jwks.json')).json());
      const { payload, protectedHeader } = await jose.jwtVerify(body.access_token, jwks, { issuer: t.issuer, audience: t.mgmt.audience });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.gty, 'client-credentials');
      assert.equal(payload.sub, `${t.mgmt.clientId}@clients`);
      assert.equal(payload.scope, 'read:clients update:clients');
    });

    it('rejects bad client credentials and other audiences like Auth0', async () => {
      const wrongSecret = await request(t, '/oauth/token', {
        method: 'POST', headers: JSON_CT,
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: t.mgmt.clientId, client_secret: 'nope', audience: t.mgmt.audience }),
      });
      assert.equal(wrongSecret.status, 401);
      assert.deepEqual(wrongSecret.json(), { error: 'access_denied', error_description: 'Unauthorized' });
      const otherAud = await request(t, '/oauth/token', {
        method: 'POST', headers: JSON_CT,
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: t.mgmt.clientId, client_secret: t.mgmt.clientSecret, audience: 'https://api.example.com/' }),
      });
      assert.equal(otherAud.status, 403);
      assert.equal(otherAud.json().error, 'access_denied');
      const spaCc = await request(t, '/oauth/token', {
        method: 'POST', headers: JSON_CT,
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: t.app.client_id, client_secret: t.app.client_secret, audience: t.mgmt.audience }),
      });
      assert.equal(spaCc.status, 403);
      assert.equal(spaCc.json().error, 'unauthorized_client');
      const basic = await request(t, '/oauth/token', {
        method: 'POST',
        headers: { ...FORM, authorization: `Basic ${Buffer.from(`${t.mgmt.clientId}:${t.mgmt.clientSecret}`).toString('base64')}` },
        body: form({ grant_type: 'client_credentials', audience: t.mgmt.audience, scope: 'read:clients' }),
      });
      assert.equal(basic.status, 200, basic.text);
      assert.equal(basic.json().scope, 'read:clients', 'a scope parameter narrows the grant');
    });

    it('GET client -> PATCH alg RS256 -> the next ID token is RS256', async () => {
      const app = t.addClient({ name: 'switch me', callbacks: [REDIRECT] });
      const token = await mgmtToken(t);
      const auth = { authorization: `Bearer ${token}` };
      const got = await request(t, `/api/v2/clients/${app.client_id}`, { headers: auth });
      assert.equal(got.status, 200);
      const c = got.json();
      assert.equal(c.client_id, app.client_id);
      assert.equal(c.jwt_configuration.alg, 'HS256');
      assert.equal(c.client_secret, undefined, 'secret only with read:client_keys');
      assert.equal(decodeJwt((await login(t, app.client_id)).id_token).header.alg, 'HS256');

      const before = t.writeCalls;
      const patched = await request(t, `/api/v2/clients/${app.client_id}`, {
        method: 'PATCH', headers: { ...auth, ...JSON_CT }, body: JSON.stringify({ jwt_configuration: { alg: 'RS256' } }),
      });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(t.writeCalls, before + 1);
      const updated = patched.json();
      assert.deepEqual(updated.jwt_configuration, { alg: 'RS256', lifetime_in_seconds: 36000, secret_encoded: false });
      assert.deepEqual(updated.callbacks, [REDIRECT]);
      assert.equal(t.countRequests('PATCH', `/api/v2/clients/${app.client_id}`), 1);
      assert.ok(!t.requests.some((r) => r.path.includes('?')), 'no query strings in the log');

      const id = (await login(t, app.client_id)).id_token;
      assert.equal(decodeJwt(id).header.alg, 'RS256');
      const jwks = jose.createLocalJWKSet((await request(t, '/.well-known/jwks.json')).json());
      await jose.jwtVerify(id, jwks, { issuer: t.issuer, audience: app.client_id });

      const cb = await request(t, `/api/v2/clients/${app.client_id}`, {
        method: 'PATCH', headers: { ...auth, ...JSON_CT }, body: JSON.stringify({ callbacks: [REDIRECT, 'http://127.0.0.1:1/x'] }),
      });
      assert.equal(cb.status, 200);
      assert.equal(cb.json().callbacks.length, 2);
    });

    it('403 insufficient_scope with Auth0 shape for a token without update:clients', async () => {
      const ro = t.addClient({ name: 'read-only m2m', app_type: 'non_interactive' }, ['read:clients']);
      const token = await mgmtToken(t, ro.client_id, ro.client_secret);
      assert.equal(decodeJwt(token).payload.scope, 'read:clients');
      const auth = { authorization: `Bearer ${token}` };
      assert.equal((await request(t, `/api/v2/clients/${t.app.client_id}`, { headers: auth })).status, 200);
      const res = await request(t, `/api/v2/clients/${t.app.client_id}`, {
        method: 'PATCH', headers: { ...auth, ...JSON_CT }, body: JSON.stringify({ jwt_configuration: { alg: 'RS256' } }),
      });
      assert.equal(res.status, 403);
      const body = res.json();
      assert.equal(body.statusCode, 403);
      assert.equal(body.error, 'Forbidden');
      assert.equal(body.errorCode, 'insufficient_scope');
      assert.match(body.message, /^Insufficient scope, expected any of: update:clients/);
      assert.equal(t.app.jwt_configuration.alg, 'HS256', 'unchanged');

      const none = t.mintAccessToken({ scopes: [] });
      const get = await request(t, `/api/v2/clients/${t.app.client_id}`, { headers: { authorization: `Bearer ${none}` } });
      assert.equal(get.status, 403);
      assert.match(get.json().message, /^Insufficient scope, expected any of: read:clients/);
    });

    it('401 for missing, forged, expired, or wrong-audience bearer tokens', async () => {
      const url = `/api/v2/clients/${t.app.client_id}`;
      const missing = await request(t, url);
      assert.equal(missing.status, 401);
      assert.equal(missing.json().error, 'Unauthorized');
      const cases = [
        'not-a-jwt',
        t.mintAccessToken({ key: 'foreign' }),
        t.mintAccessToken({ header: { kid: 'unknown-kid' } }),
        t.mintAccessToken({ alg: 'none' }),
        t.mintAccessToken({ claims: { iss: 'https://evil.example.com/' } }),
        t.mintIdToken({ alg: 'RS256' }), // an ID token: aud = client id
      ];
      for (const token of cases) {
        const res = await request(t, url, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.status, 401, token);
        const body = res.json();
        assert.equal(body.statusCode, 401);
        assert.equal(body.error, 'Unauthorized');
        assert.equal(typeof body.message, 'string');
      }
      const invalid = await request(t, url, { headers: { authorization: 'Bearer not-a-jwt' } });
      assert.equal(invalid.json().message, 'Invalid token');
      const expired = await request(t, url, { headers: { authorization: `Bearer ${t.mintAccessToken({ expiresIn: -60 })}` } });
      assert.equal(expired.status, 401);
      assert.match(expired.json().message, /Expired token/);
    });

    it('404 inexistent_client and 400 invalid_body', async () => {
      const auth = { authorization: `Bearer ${await mgmtToken(t)}` };
      const missing = await request(t, '/api/v2/clients/doesNotExist', { headers: auth });
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json(), { statusCode: 404, error: 'Not Found', message: 'The client does not exist', errorCode: 'inexistent_client' });
      const bad = await request(t, `/api/v2/clients/${t.app.client_id}`, {
        method: 'PATCH', headers: { ...auth, ...JSON_CT }, body: JSON.stringify({ jwt_configuration: { alg: 'ES256' } }),
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.json().errorCode, 'invalid_body');
      assert.match(bad.json().message, /^Payload validation error: /);
      const ro = await request(t, `/api/v2/clients/${t.app.client_id}`, {
        method: 'PATCH', headers: { ...auth, ...JSON_CT }, body: JSON.stringify({ client_id: 'x' }),
      });
      assert.equal(ro.status, 400);
      const cb = await request(t, `/api/v2/clients/${t.app.client_id}`, {
        method: 'PATCH', headers: { ...auth, ...JSON_CT }, body: JSON.stringify({ callbacks: 'http://x' }),
      });
      assert.equal(cb.status, 400);
      assert.equal(t.app.jwt_configuration.alg, 'HS256');
    });
  });

  describe('crafted tokens and failure modes', () => {
    it('mintIdToken: expired, alg none, unknown kid and foreign key all fail verification', async () => {
      const jwks = jose.createLocalJWKSet((await request(t, '/.well-known/jwks.json')).json());
      const opts = { issuer: t.issuer, audience: t.app.client_id };
      await jose.jwtVerify(t.mintIdToken({ alg: 'RS256' }), jwks, opts);
      await assert.rejects(jose.jwtVerify(t.mintIdToken({ alg: 'RS256', expiresIn: -3600 }), jwks, opts), /"exp" claim/);
      await assert.rejects(jose.jwtVerify(t.mintIdToken({ alg: 'none' }), jwks, opts));
      await assert.rejects(jose.jwtVerify(t.mintIdToken({ alg: 'RS256', header: { kid: 'nope' } }), jwks, opts), /no applicable key/i);
      await assert.rejects(jose.jwtVerify(t.mintIdToken({ alg: 'RS256', key: 'foreign' }), jwks, opts), /signature verification failed/);
      await assert.rejects(
        jose.jwtVerify(t.mintIdToken({ alg: 'RS256', claims: { aud: 'someone-else' } }), jwks, opts),
        /"aud" claim/,
      );
      const ps = t.mintIdToken({ alg: 'PS256' });
      const key = await jose.importJWK({ ...t.signingKeys[0]?.jwk, alg: 'PS256' }, 'PS256');
      await jose.jwtVerify(ps, key, opts);
      assert.equal(decodeJwt(t.mintIdToken({ claims: { email: undefined } })).payload.email, undefined);
    });

    it('rotateSigningKey keeps the old key in the JWKS and signs with the new one', async () => {
      const t2 = await startTenant();
      try {
        const old = t2.signingKeys[0]?.kid;
        const k = await t2.rotateSigningKey();
        const { keys } = (await request(t2, '/.well-known/jwks.json')).json();
        assert.deepEqual(keys.map((x: { kid: string }) => x.kid), [k.kid, old]);
        assert.equal(decodeJwt(t2.mintIdToken({ alg: 'RS256' })).header.kid, k.kid);
      } finally {
        await t2.stop();
      }
    });

    it('JWKS can fail with 500, hang, or be empty; faults can be injected', async () => {
      t.setJwksMode('error');
      assert.equal((await request(t, '/.well-known/jwks.json')).status, 500);
      t.setJwksMode('empty');
      assert.deepEqual((await request(t, '/.well-known/jwks.json')).json(), { keys: [] });
      t.setJwksMode('hang');
      await assert.rejects(request(t, '/.well-known/jwks.json', { timeoutMs: 300 }), /timeout/);
      t.setJwksMode('ok');
      assert.equal((await request(t, '/.well-known/jwks.json')).status, 200);

      const remove = t.addFault({ path: '/.well-known/openid-configuration', status: 503, times: 1 });
      assert.equal((await request(t, '/.well-known/openid-configuration')).status, 503);
      assert.equal((await request(t, '/.well-known/openid-configuration')).status, 200);
      remove();
    });

    it('stop() ends hanging requests and frees the port', async () => {
      const t2 = await startTenant({ jwks: 'hang' });
      const pending = request(t2, '/.well-known/jwks.json', { timeoutMs: 20_000 }).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await t2.stop();
      assert.ok(Date.now() - started < 2000);
      assert.ok((await pending) instanceof Error);
      await assert.rejects(fs.access(t2.certs.dir));
    });
  });

  describe('the auth0 SDK (v7 ManagementClient) against the stand-in', () => {
    it('client credentials + custom fetch trusting the CA: get and update a client', async () => {
      const app = t.addClient({ name: 'sdk target', callbacks: [REDIRECT] });
      const management = new ManagementClient({
        domain: t.domain,
        clientId: t.mgmt.clientId,
        clientSecret: t.mgmt.clientSecret,
        // Used for the token request (TokenProvider) AND every API call.
        fetch: fetchTrustingCa(t.caPem),
        maxRetries: 0,
      });
      const before = t.countRequests('POST', '/oauth/token');
      const got = await management.clients.get(app.client_id);
      assert.equal(got.client_id, app.client_id);
      assert.equal(got.jwt_configuration?.alg, 'HS256');
      const updated = await management.clients.update(app.client_id, { jwt_configuration: { alg: 'RS256' } });
      assert.equal(updated.jwt_configuration?.alg, 'RS256');
      assert.equal(app.jwt_configuration.alg, 'RS256');
      assert.equal(t.countRequests('POST', '/oauth/token'), before + 1, 'token fetched once and reused');
    });

    it('fetchTrustingCa can keep the system CAs as well (needed for real tenants)', async () => {
      const management = new ManagementClient({
        domain: t.domain,
        token: t.mintAccessToken(),
        fetch: fetchTrustingCa(t.caPem, { includeSystemCas: true }),
        maxRetries: 0,
      });
      assert.equal((await management.clients.get(t.app.client_id)).client_id, t.app.client_id);
    });

    it('static token: 403 insufficient_scope surfaces as ManagementError with the body', async () => {
      const management = new ManagementClient({
        domain: t.domain,
        token: t.mintAccessToken({ scopes: ['read:clients'] }),
        fetch: fetchTrustingCa(t.caPem),
        maxRetries: 0,
      });
      await assert.rejects(management.clients.update(t.app.client_id, { jwt_configuration: { alg: 'RS256' } }), (e: unknown) => {
        assert.ok(e instanceof ManagementError);
        assert.equal(e.statusCode, 403);
        assert.equal((e.body as { errorCode?: string }).errorCode, 'insufficient_scope');
        return true;
      });
      await assert.rejects(management.clients.get('nope'), (e: unknown) => e instanceof ManagementError && e.statusCode === 404);
    });

    it('without the CA the SDK fails with a certificate error', async () => {
      const management = new ManagementClient({ domain: t.domain, token: t.mintAccessToken(), maxRetries: 0 });
      await assert.rejects(management.clients.get(t.app.client_id), (e: unknown) => {
        const chain: unknown[] = [];
        for (let c: unknown = e; c && chain.length < 5; c = (c as { cause?: unknown }).cause) chain.push(c);
        const codes = chain.map((c) => (c as { code?: string }).code).filter(Boolean);
        assert.ok(
          codes.includes('UNABLE_TO_GET_ISSUER_CERT_LOCALLY') || /certificate|issuer/i.test(String((e as Error).message)),
          `unexpected error: ${String(e)} codes=${codes.join(',')}`,
        );
        return true;
      });
    });

    it('undici Agent({ connect: { ca } }) as dispatcher also works (only if undici is installed)', async function () {
      let undici: { Agent: new (o: unknown) => { close(): Promise<void> }; fetch: typeof fetch };
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        undici = require('undici');
      } catch {
        this.skip();
      }
      const dispatcher = new undici.Agent({ connect: { ca: t.caPem } });
      try {
        const viaUndici: typeof fetch = (input, init) => undici.fetch(input, { ...init, dispatcher } as RequestInit);
        const management = new ManagementClient({ domain: t.domain, token: t.mintAccessToken(), fetch: viaUndici, maxRetries: 0 });
        assert.equal((await management.clients.get(t.app.client_id)).client_id, t.app.client_id);
        // Node's own global fetch accepts the same dispatcher option.
        const viaGlobal: typeof fetch = (input, init) => fetch(input, { ...init, dispatcher } as RequestInit);
        const m2 = new ManagementClient({ domain: t.domain, token: t.mintAccessToken(), fetch: viaGlobal, maxRetries: 0 });
        assert.equal((await m2.clients.get(t.app.client_id)).client_id, t.app.client_id);
      } finally {
        await dispatcher.close();
      }
    });
  });

  describe('serve-tenant CLI', () => {
    it('writes its description, serves, and cleans up on SIGTERM', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'serve-tenant-test-'));
      const out = path.join(dir, 'tenant.json');
      const script = path.join(__dirname, 'serve-tenant.ts');
      const child = spawn(process.execPath, [require.resolve('tsx/cli'), script, '--out', out, '--callback', REDIRECT, '--alg', 'RS256'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      try {
        let desc: TenantDescription | undefined;
        for (let i = 0; i < 200 && !desc; i++) {
          desc = await fs.readFile(out, 'utf8').then((s) => JSON.parse(s) as TenantDescription, () => undefined);
          if (!desc) await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(desc, `no description written; stderr: ${stderr}`);
        assert.equal(desc.issuer, `https://localhost:${desc.port}/`);
        assert.equal(desc.app.alg, 'RS256');
        assert.deepEqual(desc.app.callbacks, [REDIRECT]);
        const ca = await fs.readFile(desc.caPath, 'utf8');
        const f = fetchTrustingCa(ca);
        const disco = (await (await f(`${desc.baseUrl}/.well-known/openid-configuration`)).json()) as { issuer: string };
        assert.equal(disco.issuer, desc.issuer);
        const tok = await f(`${desc.baseUrl}/oauth/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: desc.m2m.clientId, client_secret: desc.m2m.clientSecret, audience: desc.m2m.audience }),
        });
        assert.equal(tok.status, 200);
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        child.kill('SIGTERM');
        assert.equal(await exited, 0);
        await assert.rejects(fs.access(out));
        await assert.rejects(fs.access(desc.caPath));
        assert.doesNotMatch(stderr, new RegExp(desc.m2m.clientSecret));
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  });
});
