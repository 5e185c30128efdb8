/**
 * Signing in with Auth0 from the tool (authorization code + PKCE S256, loopback redirect on
 * 127.0.0.1, state and nonce) against the local tenant, with an HTTP client in the browser's
 * place: it follows /authorize's redirect to the loopback callback. Plus the plan/apply helper
 * that adds the callback URL to the application (merged, never dropping an entry).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { SetupContext } from '../../../src/engine/setup';
import { applyAddCallbackUrl, checkCallbackUrl, pkcePair, planAddCallbackUrl, SignInError, startSignIn, type SignInFailure, type SignInOptions } from '../../../src/engine/signin';
import { decodeToken } from '../../../src/engine/token/decode';
import { EngineError } from '../../../src/engine/errors';
import { expectEngineError } from '../../helpers/errors';
import { freePort } from '../../standins/ports';
import { startTenant, type Tenant } from '../../standins/tenant';

async function expectSignInError(p: Promise<unknown>, reason: SignInFailure, message: RegExp, hint?: RegExp): Promise<SignInError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof SignInError, `expected a SignInError, got ${String(caught)}`);
  assert.equal(caught.reason, reason, caught.message);
  assert.match(caught.message, message);
  assert.ok(caught.hint.length > 0);
  if (hint) assert.match(caught.hint, hint);
  return caught;
}

describe('sign-in: authorization code + PKCE on a loopback redirect (local tenant)', function () {
  this.timeout(30_000);
  let tenant: Tenant;
  before(async () => {
    tenant = await startTenant();
  });
  after(async () => {
    await tenant?.stop();
  });
  beforeEach(() => {
    tenant.app.callbacks = [];
    tenant.app.jwt_configuration.alg = 'RS256';
    tenant.loginOutcome = 'login';
    tenant.resetLog();
  });

  const trust = () => ({ extraCaPems: [tenant.caPem] });
  const opts = (over: Partial<SignInOptions> = {}): SignInOptions => ({ domain: tenant.domain, clientId: tenant.app.client_id, trust: trust(), timeoutMs: 10_000, ...over });
  /** Allows the callback URL of a fixed port, as a configured sign-in port would be. */
  async function allowedPort(): Promise<number> {
    const port = await freePort();
    tenant.app.callbacks = ['https://app.example.com/callback', `http://127.0.0.1:${port}/callback`];
    return port;
  }
  /** The browser: follows /authorize's redirect to the loopback callback. */
  const browse = (url: string) => tenant.fetch(url);

  it('signs in: S256 challenge, state and nonce, the ID token for the application; the loopback server closes afterwards', async () => {
    const port = await allowedPort();
    const s = await startSignIn(opts({ port }));
    assert.equal(s.redirectUri, `http://127.0.0.1:${port}/callback`);
    assert.equal(s.callbackAllowed, true);
    const q = new URL(s.authorizeUrl).searchParams;
    assert.equal(new URL(s.authorizeUrl).origin, tenant.baseUrl);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.match(q.get('state') ?? '', /^[\w-]{32}$/);
    assert.match(q.get('nonce') ?? '', /^[\w-]{32}$/);
    assert.equal(q.get('redirect_uri'), s.redirectUri);
    assert.equal(q.get('scope'), 'openid profile email');
    const page = await browse(s.authorizeUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Signed in/);
    const r = await s.result;
    const d = decodeToken(r.idToken);
    assert.ok(d.ok);
    assert.equal(d.claims.aud, tenant.app.client_id);
    assert.equal(d.claims.nonce, q.get('nonce'));
    assert.equal(d.claims.iss, tenant.issuer);
    assert.equal(d.alg, 'RS256');
    assert.ok(r.accessToken);
    assert.equal(tenant.countRequests('POST', '/oauth/token'), 1);
    await new Promise((res) => setTimeout(res, 50));
    await assert.rejects(fetch(s.redirectUri), /fetch failed/, 'the loopback server is closed');
  });

  it('a port chosen by the OS; the probe sees that Auth0 refuses the callback URL; timing out says to add it', async () => {
    const s = await startSignIn(opts({ timeoutMs: 1500 }));
    assert.match(s.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.equal(s.callbackAllowed, false);
    const page = await browse(s.authorizeUrl);
    assert.equal(page.status, 400);
    assert.match(await page.text(), /Callback URL mismatch/);
    const e = await expectSignInError(s.result, 'callback-not-allowed', /does not accept the callback URL http:\/\/127\.0\.0\.1:\d+\/callback \("Callback URL mismatch"\)/,
      /Add http:\/\/127\.0\.0\.1:\d+\/callback to the application's Allowed Callback URLs/);
    assert.equal(e.code, 'AUTH0');
    const check = await checkCallbackUrl({ domain: tenant.domain, clientId: tenant.app.client_id, redirectUri: 'http://127.0.0.1:1/callback', trust: trust() });
    assert.equal(check.allowed, false);
    assert.match(check.detail, /Callback URL mismatch/);
  });

  it('a plain timeout (the browser never came back) says so and mentions the callback URL', async () => {
    const port = await allowedPort();
    const s = await startSignIn(opts({ port, timeoutMs: 1000 }));
    const e = await expectSignInError(s.result, 'timeout', /No sign-in came back to http:\/\/127\.0\.0\.1:\d+\/callback within 1 s/, /Callback URL mismatch/);
    assert.equal(e.code, 'TIMEOUT');
  });

  it('access_denied: a clear error, and the browser shows a failure page', async () => {
    const port = await allowedPort();
    tenant.loginOutcome = 'access_denied';
    const s = await startSignIn(opts({ port }));
    const page = await browse(s.authorizeUrl);
    assert.equal(page.status, 400);
    assert.match(await page.text(), /Sign-in failed/);
    await expectSignInError(s.result, 'access-denied', /Auth0 denied the sign-in \(access_denied: User did not authorize the request\)/, /allowed to use the application/);
  });

  it('a response with another state is refused and does not end the sign-in; only such responses: the timeout says so', async () => {
    const port = await allowedPort();
    const s = await startSignIn(opts({ port }));
    const res = await fetch(`${s.redirectUri}?code=forged-code&state=not-the-state`);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /state mismatch/);
    assert.equal(tenant.countRequests('POST', '/oauth/token'), 0, 'the code was not exchanged');
    // The sign-in the user is finishing still works (a stale tab or another local process cannot end it).
    assert.equal((await browse(s.authorizeUrl)).status, 200);
    assert.equal(decodeToken((await s.result).idToken).ok, true);

    const s2 = await startSignIn(opts({ port, timeoutMs: 1500 }));
    assert.equal((await fetch(`${s2.redirectUri}?code=forged-code&state=other`)).status, 400);
    const e = await expectSignInError(s2.result, 'state-mismatch', /only responses of another sign-in came back \(1, state mismatch\)/, /Start the sign-in again/);
    assert.doesNotMatch(`${e.message} ${e.hint}`, /forged-code/);
  });

  it('other paths of the loopback server are 404 and do not end the sign-in', async () => {
    const port = await allowedPort();
    const s = await startSignIn(opts({ port }));
    assert.equal((await fetch(`http://127.0.0.1:${port}/favicon.ico`)).status, 404);
    assert.equal((await browse(s.authorizeUrl)).status, 200);
    await s.result;
  });

  it('cancellation: by the signal or cancel()', async () => {
    const port = await allowedPort();
    const ac = new AbortController();
    const s = await startSignIn(opts({ port, signal: ac.signal }));
    ac.abort();
    const e = await expectSignInError(s.result, 'cancelled', /cancelled/);
    assert.equal(e.code, 'CANCELLED');
    const s2 = await startSignIn(opts());
    s2.cancel();
    await expectSignInError(s2.result, 'cancelled', /cancelled/);
    const gone = new AbortController();
    gone.abort();
    await expectEngineError(startSignIn(opts({ signal: gone.signal })), 'CANCELLED', /Cancelled/);
    // Cancelled while the editor maps the port (a slow tunnel): the listener closes at once, the port is free again.
    const slow = new AbortController();
    const starting = startSignIn(opts({ port, signal: slow.signal, probe: false, externalRoot: (local) => new Promise((r) => setTimeout(() => r(local), 1000)) }));
    await new Promise((r) => setTimeout(r, 100));
    slow.abort();
    await assert.rejects(fetch(`http://127.0.0.1:${port}/callback`), /fetch failed/, 'the listener closed when cancelled, before the mapping answered');
    await assert.rejects(starting, (e: unknown) => e instanceof EngineError && e.code === 'CANCELLED');
    const again = await startSignIn(opts({ port }));
    again.cancel();
  });

  it('a discovery document whose endpoints are not https URLs: refused before anything listens', async () => {
    const port = await allowedPort();
    const undo = tenant.addFault({ method: 'GET', path: '/.well-known/openid-configuration', status: 200, body: { issuer: tenant.issuer, authorization_endpoint: 'javascript:alert(1)', token_endpoint: `${tenant.baseUrl}/oauth/token`, jwks_uri: `${tenant.baseUrl}/.well-known/jwks.json` } });
    try {
      await expectEngineError(startSignIn(opts({ port })), 'AUTH0', /gives authorization_endpoint "javascript:alert\(1\)", which is not an https URL/);
    } finally {
      undo();
    }
    const s = await startSignIn(opts({ port }));
    s.cancel();
  });

  it('an unknown client ID, a wrong domain, a port in use, an application that needs a client secret', async () => {
    const unknown = await expectSignInError(startSignIn(opts({ clientId: 'NoSuchClientId000000000000000000' })), 'unknown-client', /does not know the client ID NoSuchClientId/, /Copy the Client ID/);
    assert.equal(unknown.code, 'AUTH0');
    await expectEngineError(startSignIn(opts({ domain: 'no-such-tenant.invalid', requestTimeoutMs: 5000 })), 'DNS', /does not resolve/, /spelling of the domain/);

    const busy = http.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const busyPort = (busy.address() as { port: number }).port;
    try {
      await expectEngineError(startSignIn(opts({ port: busyPort })), 'INVALID_INPUT', new RegExp(`Port ${busyPort} on 127\\.0\\.0\\.1 is in use`), /Another sign-in .* or another program listens there: finish or cancel that sign-in/);
    } finally {
      busy.close();
    }

    const port = await freePort();
    const web = tenant.addClient({ name: 'Regular web app', app_type: 'regular_web', callbacks: [`http://127.0.0.1:${port}/callback`], jwt_configuration: { alg: 'RS256' } });
    const s = await startSignIn(opts({ port, clientId: web.client_id }));
    assert.equal((await browse(s.authorizeUrl)).status, 502);
    await expectSignInError(s.result, 'token-exchange', /refused to exchange the authorization code/, /Native or Single Page Application/);
  });

  it('behind a port proxy (code-server\'s /proxy/PORT/): the callback is the external root + "callback", the start page redirects to Auth0', async () => {
    // code-server's path proxy: http://127.0.0.1:P/proxy/PORT/REST -> http://127.0.0.1:PORT/REST (prefix stripped).
    const forwarded: string[] = [];
    const proxy = http.createServer((req, res) => {
      const m = /^\/proxy\/(\d+)(\/.*)?$/.exec(req.url ?? '');
      if (!m) { res.writeHead(404).end(); return; }
      forwarded.push((m[2] ?? '/').split('?')[0]!);
      const up = http.request({ host: '127.0.0.1', port: Number(m[1]), path: m[2] ?? '/', method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyPort = (proxy.address() as { port: number }).port;
    try {
      const port = await freePort();
      const external = `http://127.0.0.1:${proxyPort}/proxy/${port}/`;
      tenant.app.callbacks = [`${external}callback`];
      let asked: string | undefined;
      const s = await startSignIn(opts({ port, externalRoot: async (local) => { asked = local; return external; } }));
      assert.equal(asked, `http://127.0.0.1:${port}/`);
      assert.equal(s.redirectUri, `${external}callback`);
      assert.equal(new URL(s.authorizeUrl).searchParams.get('redirect_uri'), s.redirectUri);
      assert.equal(s.callbackAllowed, true, 'the probe asked Auth0 about the external callback URL');
      assert.equal(s.localStartUrl, `http://127.0.0.1:${port}/${s.startUrl.slice(external.length)}`);
      assert.match(s.startUrl, new RegExp(`^${external.replace(/[.]/g, '\\.')}start-[\\w-]{32}$`));
      // The start page is the only entry besides the callback: another path is 404 and ends nothing.
      assert.equal((await fetch(`${external}start-guessed`)).status, 404);
      const start = await fetch(s.startUrl, { redirect: 'manual' });
      assert.equal(start.status, 302);
      assert.equal(start.headers.get('location'), s.authorizeUrl);
      // The browser: the start page, Auth0, back through the proxy to the loopback server.
      const page = await browse(s.startUrl);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Signed in/);
      const r = await s.result;
      assert.equal(decodeToken(r.idToken).ok, true);
      assert.deepEqual(forwarded.filter((p) => p === '/callback').length, 1, forwarded.join(', '));
      // Over: the start page says so instead of starting another sign-in.
      assert.equal((await fetch(s.startUrl).catch(() => undefined))?.status ?? 0, 502, 'the loopback server is closed');
    } finally {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('an external root that is not a plain http(s) URL is refused before anything is sent', async () => {
    const port = await allowedPort();
    const before = tenant.requests.length;
    await expectEngineError(startSignIn(opts({ port, externalRoot: async () => 'javascript:alert(1)' })), 'INTERNAL', /could not say where the browser reaches/);
    await expectEngineError(startSignIn(opts({ port, externalRoot: async () => { throw new Error('no tunnel'); } })), 'INTERNAL', /no tunnel/);
    assert.equal(tenant.requests.filter((r) => r.path === '/authorize').length, tenant.requests.slice(0, before).filter((r) => r.path === '/authorize').length, 'no probe of /authorize');
    // The port is free again: a normal sign-in can listen there.
    const s = await startSignIn(opts({ port }));
    s.cancel();
  });

  it('PKCE pairs are S256 of a 43-character verifier', () => {
    const { verifier, challenge } = pkcePair();
    assert.match(verifier, /^[\w-]{43}$/);
    assert.match(challenge, /^[\w-]{43}$/);
    assert.notEqual(verifier, pkcePair().verifier);
    assert.ok(new SignInError('timeout', 'TIMEOUT', 'm', 'h') instanceof EngineError);
  });

  describe('adding the callback URL to the application (plan / apply)', () => {
    const ctx = (over: Partial<SetupContext> = {}): SetupContext => ({
      config: { aws: { region: 'us-east-1' }, auth0: { domain: tenant.domain, clientId: tenant.app.client_id }, names: { poolName: 'unused' } },
      management: { kind: 'clientCredentials', clientId: tenant.mgmt.clientId, clientSecret: tenant.mgmt.clientSecret },
      trust: trust(),
      timeoutMs: 5000,
      ...over,
    });

    it('merges the URL into the list (never dropping an entry); applying again changes nothing', async () => {
      tenant.app.callbacks = ['https://app.example.com/callback', 'myapp://callback'];
      const url = 'http://127.0.0.1:53682/callback';
      const plan = await planAddCallbackUrl(ctx(), url);
      assert.equal(plan.subject.step, 'callbackUrl');
      assert.equal(plan.calls.length, 1);
      assert.equal(plan.calls[0]?.service, 'auth0');
      assert.deepEqual((plan.calls[0]?.params as { body: unknown }).body, { callbacks: ['https://app.example.com/callback', 'myapp://callback', url] });
      assert.doesNotMatch(JSON.stringify(plan), new RegExp(tenant.mgmt.clientSecret));
      assert.equal(plan.changes[0]?.from, 'https://app.example.com/callback, myapp://callback');
      assert.equal(tenant.writeCalls, 0, 'planning writes nothing');
      const o = await applyAddCallbackUrl(ctx(), plan, url);
      assert.equal(o.ok, true, o.message);
      assert.equal(o.writeCalls, 1);
      assert.match(o.done[0] ?? '', /the 2 URLs already there are kept/);
      assert.deepEqual(tenant.app.callbacks, ['https://app.example.com/callback', 'myapp://callback', url]);
      assert.equal(tenant.writeCalls, 1);
      const again = await planAddCallbackUrl(ctx(), url);
      assert.deepEqual(again.calls, []);
      const o2 = await applyAddCallbackUrl(ctx(), plan, url);
      assert.equal(o2.ok, true);
      assert.equal(o2.alreadyDone, true);
      assert.equal(o2.writeCalls, 0);
      assert.equal(tenant.writeCalls, 1, 'zero Auth0 writes the second time');
    });

    it('without Management API access: the Dashboard steps; without update:clients: a warning, then the scope named', async () => {
      const url = 'http://127.0.0.1:53682/callback';
      const manual = await planAddCallbackUrl(ctx({ management: undefined }), url);
      assert.deepEqual(manual.calls, []);
      assert.match(manual.manual ?? '', /Applications > your application > Settings > Allowed Callback URLs: add http:\/\/127\.0\.0\.1:53682\/callback/);
      assert.equal((await applyAddCallbackUrl(ctx({ management: undefined }), manual, url)).ok, false);

      const ro = tenant.addClient({ name: 'read-only m2m', app_type: 'non_interactive' }, ['read:clients']);
      const c = ctx({ management: { kind: 'clientCredentials', clientId: ro.client_id, clientSecret: ro.client_secret } });
      const plan = await planAddCallbackUrl(c, url);
      assert.ok(plan.warnings.some((w) => /lacks the update:clients scope/.test(w)));
      const o = await applyAddCallbackUrl(c, plan, url);
      assert.equal(o.ok, false);
      assert.match(o.error?.hint ?? '', /Grant the update:clients scope/);
      assert.deepEqual(tenant.app.callbacks, [], 'nothing changed');
    });
  });
});
