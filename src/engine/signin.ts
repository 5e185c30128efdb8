/**
 * Signing in with Auth0 from a developer tool, to get an ID token for "Try it": the
 * authorization code flow with PKCE (S256) and a loopback redirect (RFC 8252:
 * http://127.0.0.1:<port>/callback), state and nonce checked.
 *
 *   const s = await startSignIn({ domain, clientId, trust, timeoutMs: 180_000, signal });
 *   if (s.callbackAllowed === false) ... offer planAddCallbackUrl(ctx, s.redirectUri), then go on
 *   openBrowser(s.authorizeUrl);
 *   const { idToken } = await s.result;
 *
 * The loopback server listens on 127.0.0.1 only and answers one callback. Nothing is logged; the
 * code, the verifier and the tokens never leave this module except the tokens in the result.
 *
 * Auth0 compares callback URLs exactly (port included), so with a port chosen by the OS the
 * callback URL differs every time: configure a fixed port for repeated use.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadAuth0, normalizeAuth0Domain } from './auth0/connection';
import { EngineError, cancelledError, describeError, withSignal, type ErrorCode } from './errors';
import { listText } from './format';
import { httpsRequest } from './http';
import { planCall } from './plan';
import { mask } from './redact';
import { decodeToken, audiences } from './token/decode';
import type { TrustSettings } from './trust';
import { applyWith, fetchDiscovery, planWith, problem, type Builder, type RunStep } from './setup/core';
import type { SetupContext, StepOutcome, SetupPlan, StepProblem } from './setup/types';

// ---------------------------------------------------------------------------------------------
// Errors

export type SignInFailure =
  | 'callback-not-allowed'
  | 'unknown-client'
  | 'access-denied'
  | 'state-mismatch'
  | 'nonce-mismatch'
  | 'token-exchange'
  | 'auth0-error'
  | 'timeout'
  | 'cancelled';

/** A sign-in failure: an EngineError with the reason, for the UI to offer the right action. */
export class SignInError extends EngineError {
  constructor(readonly reason: SignInFailure, code: ErrorCode, message: string, hint: string) {
    super(code, message, hint);
    this.name = 'SignInError';
  }
}

function callbackHint(redirectUri: string): string {
  return `Add ${redirectUri} to the application's Allowed Callback URLs (Auth0 Dashboard > Applications > your application > Settings > Allowed Callback URLs > Save), or let the wizard add it through the Management API; then sign in again.`;
}

// ---------------------------------------------------------------------------------------------
// PKCE

/** A PKCE pair (RFC 7636): 32 random bytes as the verifier (43 characters), S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

// ---------------------------------------------------------------------------------------------
// The callback URL check (no browser)

export interface CallbackCheck {
  /** false: Auth0 refuses the callback URL; true: accepted; undefined: could not tell. */
  allowed: boolean | undefined;
  detail: string;
}

/**
 * Asks the authorization endpoint (without a browser, not following redirects) whether it accepts
 * `redirectUri` for the application: Auth0 answers a callback URL it does not allow with an error
 * page ("Callback URL mismatch") instead of redirecting. Throws an EngineError for an unknown
 * client ID. The probe's code (if any) is never exchanged: its verifier is thrown away.
 */
export async function checkCallbackUrl(opts: {
  domain: string;
  clientId: string;
  redirectUri: string;
  trust?: TrustSettings | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  authorizationEndpoint?: string | undefined;
}): Promise<CallbackCheck> {
  const domain = normalizeAuth0Domain(opts.domain);
  const u = new URL(opts.authorizationEndpoint ?? `https://${domain}/authorize`);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', opts.clientId);
  u.searchParams.set('redirect_uri', opts.redirectUri);
  u.searchParams.set('scope', 'openid');
  u.searchParams.set('state', `probe-${randomToken()}`);
  u.searchParams.set('code_challenge', pkcePair().challenge);
  u.searchParams.set('code_challenge_method', 'S256');
  const res = await httpsRequest(u.toString(), { trust: opts.trust, timeoutMs: opts.timeoutMs ?? 15_000, ...(opts.signal ? { signal: opts.signal } : {}), headers: { accept: 'text/html' }, maxBytes: 512 * 1024 });
  const body = res.body.slice(0, 20_000);
  const location = typeof res.headers.location === 'string' ? res.headers.location : '';
  let said = location;
  try {
    said = decodeURIComponent(location.replace(/\+/g, ' '));
  } catch {
    // as it is
  }
  // Auth0 shows its error page (or redirects to it, with the description in the URL) instead of
  // redirecting to a callback URL it does not allow.
  const mismatch = /callback url mismatch|not in the list of allowed callback urls/i;
  if (mismatch.test(body) || (!location.startsWith(opts.redirectUri) && mismatch.test(said))) {
    return { allowed: false, detail: `Auth0 answers "Callback URL mismatch": ${opts.redirectUri} is not in the application's Allowed Callback URLs.` };
  }
  if (/unknown client|invalid_client/i.test(body) || (!location.startsWith(opts.redirectUri) && /unknown client/i.test(said))) {
    throw new SignInError('unknown-client', 'AUTH0', `Auth0 (${domain}) does not know the client ID ${opts.clientId}.`,
      'Copy the Client ID from Dashboard > Applications > your application > Settings, and check that the domain is the same tenant.');
  }
  if (res.status >= 300 && res.status < 400 && location) {
    if (location.startsWith(opts.redirectUri)) return { allowed: true, detail: 'Auth0 redirects to the callback URL.' };
    return { allowed: true, detail: 'Auth0 accepts the callback URL (it redirects to its login page).' };
  }
  return { allowed: undefined, detail: `The authorization endpoint answered HTTP ${res.status}.` };
}

// ---------------------------------------------------------------------------------------------
// Sign-in

export interface SignInOptions {
  /** Tenant or custom domain. */
  domain: string;
  /** The application's Client ID (a Native or Single Page application: no client secret is sent). */
  clientId: string;
  trust?: TrustSettings | undefined;
  /** Loopback port; 0 or undefined: chosen by the OS. */
  port?: number | undefined;
  /** How long to wait for the browser to come back. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Default 'openid profile email'. */
  scope?: string | undefined;
  /** An API identifier, to get an access token for it as well. */
  audience?: string | undefined;
  /** Ask Auth0 up front whether it accepts the callback URL (default true). */
  probe?: boolean | undefined;
  /** Timeout of each HTTPS request (discovery, probe, token); default 15 s. */
  requestTimeoutMs?: number | undefined;
  /**
   * Where the browser reaches the loopback server: given http://127.0.0.1:PORT/, the URL of that
   * root as the browser sees it (VS Code's `env.asExternalUri`: unchanged on the desktop, a
   * forwarded port over Remote-SSH, `https://HOST/proxy/PORT/` in code-server). The callback
   * URL is that root + "callback"; default: the loopback root itself.
   */
  externalRoot?: ((localRoot: string) => Promise<string>) | undefined;
}

export interface SignInResult {
  idToken: string;
  accessToken?: string | undefined;
  /** Seconds, from the token response. */
  expiresIn?: number | undefined;
  scope?: string | undefined;
}

export interface SignInSession {
  /** Auth0's authorization URL of this sign-in (state, nonce, PKCE challenge, the callback URL). */
  authorizeUrl: string;
  /**
   * Open this in the browser: the loopback server's start page as the browser reaches it
   * (`externalRoot`), which redirects to `authorizeUrl`. The authorize URL itself never goes
   * through a host's URL rewriting (code-server maps every loopback URL to its port proxy,
   * dropping the path and query), and works the same in every host.
   */
  startUrl: string;
  /** The same start page on the loopback address itself (http://127.0.0.1:<port>/start-...). */
  localStartUrl: string;
  /** The external root + "callback" (http://127.0.0.1:<port>/callback on the desktop): must be an Allowed Callback URL of the application. */
  redirectUri: string;
  /** The probe's verdict (see checkCallbackUrl); undefined when not probed or not known. */
  callbackAllowed: boolean | undefined;
  /** Resolves with the tokens; rejects with a SignInError (or EngineError). Never an unhandled rejection. */
  result: Promise<SignInResult>;
  /** Stops waiting (result rejects with CANCELLED) and closes the loopback server. */
  cancel(): void;
}

function page(title: string, text: string, ok: boolean): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"></head>
<body style="font-family: system-ui, sans-serif; margin: 3em; color: ${ok ? '#1a7f37' : '#b42318'}"><h1>${esc(title)}</h1><p style="color: #333">${esc(text)}</p></body></html>`;
}

/**
 * Starts the loopback server and returns the URL to open. The result settles once the browser
 * comes back (or on timeout, cancellation, or an error page the user sees instead).
 */
export async function startSignIn(opts: SignInOptions): Promise<SignInSession> {
  const domain = normalizeAuth0Domain(opts.domain);
  const clientId = opts.clientId.trim();
  if (!clientId) throw new EngineError('INVALID_INPUT', 'No Auth0 application client ID given.', 'Enter the Client ID of the application (Dashboard > Applications > your application > Settings).');
  if (opts.signal?.aborted) throw cancelledError();
  const requestTimeoutMs = opts.requestTimeoutMs ?? 15_000;
  const disc = await fetchDiscovery(domain, { trust: opts.trust, timeoutMs: requestTimeoutMs, signal: opts.signal });
  const authorizationEndpoint = disc.authorizationEndpoint ?? `https://${domain}/authorize`;
  const tokenEndpoint = disc.tokenEndpoint ?? `https://${domain}/oauth/token`;
  // Checked before anything listens: a bad endpoint in the discovery document holds no port.
  for (const [what, url] of [['authorization_endpoint', authorizationEndpoint], ['token_endpoint', tokenEndpoint]] as const) {
    let ok = false;
    try {
      ok = new URL(url).protocol === 'https:';
    } catch {
      // not a URL
    }
    if (!ok) throw new EngineError('AUTH0', `The discovery document of ${domain} gives ${what} "${url.slice(0, 200)}", which is not an https URL.`, 'Check the Auth0 domain (a custom domain must serve Auth0\'s discovery document).');
  }

  const state = randomToken();
  const nonce = randomToken();
  const { verifier, challenge } = pkcePair();

  let settle: { resolve: (r: SignInResult) => void; reject: (e: unknown) => void } | undefined;
  const result = new Promise<SignInResult>((resolve, reject) => { settle = { resolve, reject }; });
  // The UI may never await the result (e.g. the user closes the wizard): no unhandled rejection.
  result.catch(() => undefined);
  let finished = false;
  /** Responses with another state (refused; the sign-in goes on): the timeout says so. */
  let foreignResponses = 0;
  const timer: { id?: NodeJS.Timeout } = {};

  const server = http.createServer();
  const close = () => {
    clearTimeout(timer.id);
    opts.signal?.removeEventListener('abort', onAbort);
    // Stop listening now; let a page being sent reach the browser, then drop what is left.
    server.close();
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  };
  const finish = (err: unknown, value?: SignInResult) => {
    if (finished) return;
    finished = true;
    close();
    if (err) settle?.reject(err);
    else settle?.resolve(value as SignInResult);
  };
  const onAbort = () => finish(new SignInError('cancelled', 'CANCELLED', 'Sign-in cancelled.', 'Start the sign-in again when ready.'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE'
      ? new EngineError('INVALID_INPUT', `Port ${opts.port} on 127.0.0.1 is in use, so the sign-in cannot listen for the callback there.`, 'Another sign-in (another VS Code window?) or another program listens there: finish or cancel that sign-in, or stop the program, then sign in again.')
      : new EngineError('INTERNAL', `Cannot listen on 127.0.0.1:${opts.port ?? 0}: ${e.message}`, 'Sign in again; if it repeats, paste an ID token instead.')));
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  // After the start, a server error ends the sign-in instead of going unhandled.
  server.on('error', (e) => finish(new EngineError('INTERNAL', `The sign-in's loopback server failed: ${e.message}`, 'Start the sign-in again.')));
  // From here on, a cancellation closes the listener at once (also while the editor maps the
  // port or Auth0 is probed), and every failure below closes it before it is thrown.
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const failStart = (e: unknown): never => {
    finish(e);
    throw e;
  };
  const port = (server.address() as AddressInfo).port;
  const localRoot = `http://127.0.0.1:${port}/`;
  let root = localRoot;
  try {
    root = opts.externalRoot ? await opts.externalRoot(localRoot) : localRoot;
    const r = new URL(root);
    if (!/^https?:$/.test(r.protocol) || r.search || r.hash || r.username || r.password) throw new Error(`not a plain http(s) URL: ${root}`);
    root = r.toString();
    if (!root.endsWith('/')) root += '/';
  } catch (e) {
    failStart(new EngineError('INTERNAL', `The editor could not say where the browser reaches the sign-in's callback (${describeError(e).message}).`, 'Start the sign-in again; if it repeats, paste an ID token instead.'));
  }
  if (finished) failStart(cancelledError());
  const redirectUri = `${root}callback`;
  // The start page's path carries a random part: only the browser this sign-in opened knows it.
  const startPath = `start-${randomToken()}`;
  const startUrl = `${root}${startPath}`;
  // The paths the requests arrive with: a proxy may strip its prefix (code-server's /proxy/PORT/) or keep it (/absproxy/PORT/).
  const paths = (suffix: string) => new Set([`/${suffix}`, new URL(`${root}${suffix}`).pathname]);
  const callbackPaths = paths('callback');
  const startPaths = paths(startPath);

  const u = new URL(authorizationEndpoint);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', clientId);
  u.searchParams.set('redirect_uri', redirectUri);
  u.searchParams.set('scope', opts.scope ?? 'openid profile email');
  u.searchParams.set('state', state);
  u.searchParams.set('nonce', nonce);
  u.searchParams.set('code_challenge', challenge);
  u.searchParams.set('code_challenge_method', 'S256');
  if (opts.audience) u.searchParams.set('audience', opts.audience);
  const authorizeUrl = u.toString();

  const exchange = async (code: string): Promise<SignInResult> => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: redirectUri }).toString();
    const res = await httpsRequest(tokenEndpoint, { trust: opts.trust, timeoutMs: requestTimeoutMs, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    let json: { id_token?: unknown; access_token?: unknown; expires_in?: unknown; scope?: unknown; error?: unknown; error_description?: unknown } = {};
    try {
      json = JSON.parse(res.body) as typeof json;
    } catch {
      // handled below
    }
    if (res.status !== 200) {
      const what = `${typeof json.error === 'string' ? json.error : `HTTP ${res.status}`}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}`;
      const needsSecret = res.status === 401 || json.error === 'access_denied' || json.error === 'invalid_client';
      throw new SignInError('token-exchange', 'AUTH0', `Auth0 refused to exchange the authorization code for tokens (${what}).`,
        needsSecret
          ? 'The application seems to require a client secret (a Regular Web Application). Sign in with a Native or Single Page Application, or set its Token Endpoint Authentication Method to None (Dashboard > Applications > your application > Credentials).'
          : 'Sign in again; if it keeps failing, check the application\'s grant types (Authorization Code must be allowed).');
    }
    if (typeof json.id_token !== 'string') {
      throw new SignInError('token-exchange', 'AUTH0', 'Auth0 returned no ID token.', 'The sign-in must request the openid scope; check the application\'s settings.');
    }
    const d = decodeToken(json.id_token);
    if (!d.ok) throw new SignInError('token-exchange', 'AUTH0', `Auth0 returned an ID token that does not decode: ${d.problem}`, d.hint);
    if (d.claims.nonce !== nonce) {
      throw new SignInError('nonce-mismatch', 'AUTH0', 'The ID token\'s nonce is not the one this sign-in sent: the token belongs to another sign-in.', 'Sign in again. If it repeats, something between the browser and this tool replays old responses.');
    }
    if (!audiences(d.claims).includes(clientId)) {
      throw new SignInError('token-exchange', 'AUTH0', `The ID token is for ${audiences(d.claims).join(', ') || 'no audience'}, not for the application ${clientId}.`, 'Check the Client ID in the settings.');
    }
    return {
      idToken: json.id_token,
      ...(typeof json.access_token === 'string' ? { accessToken: json.access_token } : {}),
      ...(typeof json.expires_in === 'number' ? { expiresIn: json.expires_in } : {}),
      ...(typeof json.scope === 'string' ? { scope: json.scope } : {}),
    };
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', redirectUri);
    const send = (status: number, title: string, text: string, ok: boolean) => {
      const html = page(title, text, ok);
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(html) });
      res.end(html);
    };
    if (req.method === 'GET' && startPaths.has(url.pathname)) {
      if (finished) return send(409, 'Sign-in already finished', 'This sign-in is over; start a new one from VS Code.', false);
      res.writeHead(302, { location: authorizeUrl, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
      res.end();
      return undefined;
    }
    if (req.method !== 'GET' || !callbackPaths.has(url.pathname)) return send(404, 'Not found', 'This is the sign-in callback of the Auth0 Cognito Bridge; nothing else lives here.', false);
    if (finished) return send(409, 'Sign-in already finished', 'This sign-in is over; start a new one from VS Code.', false);
    const q = url.searchParams;
    if (q.get('state') !== state) {
      // Refused, but the sign-in goes on: a stale tab (or anything else on this machine) must not
      // be able to end the one the user is finishing. Its code is never exchanged.
      foreignResponses++;
      return send(400, 'Sign-in refused', 'This response does not belong to the sign-in VS Code is waiting for (state mismatch): finish the sign-in in the tab VS Code opened last.', false);
    }
    const error = q.get('error');
    if (error) {
      const desc = q.get('error_description') ?? '';
      send(400, 'Sign-in failed', `Auth0 said: ${error}${desc ? `: ${desc}` : ''}. Return to VS Code for what to do.`, false);
      if (error === 'access_denied') {
        return finish(new SignInError('access-denied', 'AUTH0', `Auth0 denied the sign-in (access_denied${desc ? `: ${desc}` : ''}).`,
          'Sign in with a user allowed to use the application and accept the consent prompt; check the tenant\'s Actions or Rules that deny logins, and that the application\'s connections are enabled for the user.'));
      }
      return finish(new SignInError('auth0-error', 'AUTH0', `Auth0 answered the sign-in with ${error}${desc ? `: ${desc}` : ''}.`,
        error === 'unauthorized_client' ? 'Allow the Authorization Code grant for the application (Dashboard > Applications > your application > Advanced Settings > Grant Types).' : 'See the message from Auth0 above.'));
    }
    const code = q.get('code');
    if (!code) {
      send(400, 'Sign-in failed', 'The response has no authorization code.', false);
      return finish(new SignInError('auth0-error', 'AUTH0', 'Auth0 came back without an authorization code.', 'Start the sign-in again.'));
    }
    exchange(code).then(
      (r) => {
        send(200, 'Signed in', 'You can close this tab and return to VS Code.', true);
        finish(undefined, r);
      },
      (e: unknown) => {
        const d = describeError(e);
        send(502, 'Sign-in failed', `${d.message} Return to VS Code for what to do.`, false);
        finish(e);
      },
    );
  });

  let callbackAllowed: boolean | undefined;
  try {
    if (opts.probe !== false) {
      callbackAllowed = (await checkCallbackUrl({ domain, clientId, redirectUri, trust: opts.trust, timeoutMs: requestTimeoutMs, signal: opts.signal, authorizationEndpoint })).allowed;
    }
  } catch (e) {
    failStart(e);
  }
  if (finished) failStart(cancelledError());

  timer.id = setTimeout(() => {
    if (finished) return;
    // Find out why nothing came back: the callback URL is the usual reason.
    checkCallbackUrl({ domain, clientId, redirectUri, trust: opts.trust, timeoutMs: Math.min(requestTimeoutMs, 5000), authorizationEndpoint }).then(
      (c) => c.allowed,
      () => undefined,
    ).then((allowed) => {
      const secs = Math.round(opts.timeoutMs / 1000);
      finish(allowed === false
        ? new SignInError('callback-not-allowed', 'AUTH0', `Auth0 does not accept the callback URL ${redirectUri} ("Callback URL mismatch"), so the sign-in could not come back.`, callbackHint(redirectUri))
        : foreignResponses
          ? new SignInError('state-mismatch', 'AUTH0', `Within ${secs} s only responses of another sign-in came back (${foreignResponses}, state mismatch): they were refused.`,
            'Start the sign-in again, and finish it in the browser tab it opens (an old tab or bookmark sends a stale response).')
        : new SignInError('timeout', 'TIMEOUT', `No sign-in came back to ${redirectUri} within ${secs} s.`,
          `Finish the sign-in in the browser. If the browser shows "Callback URL mismatch": ${callbackHint(redirectUri)}`));
    }, (e: unknown) => finish(e));
  }, opts.timeoutMs);

  return { authorizeUrl, startUrl, localStartUrl: `${localRoot}${startPath}`, redirectUri, callbackAllowed, result, cancel: onAbort };
}

// ---------------------------------------------------------------------------------------------
// Adding the callback URL to the application (plan / apply, as the setup steps)

export const CALLBACK_URL_TITLE = 'Allow the sign-in callback URL';

function checkCallbackUrlText(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new EngineError('INVALID_INPUT', `"${url}" is not a URL.`, 'The callback URL looks like http://127.0.0.1:PORT/callback.');
  }
  if (!/^https?:$/.test(u.protocol) || u.hash || u.username) {
    throw new EngineError('INVALID_INPUT', `"${url}" cannot be a callback URL.`, 'The callback URL looks like http://127.0.0.1:PORT/callback.');
  }
}

function callbackBuilder(callbackUrl: string): Builder {
  return async (env) => {
    checkCallbackUrlText(callbackUrl);
    const problems: StepProblem[] = [];
    const warnings: string[] = [];
    const steps: RunStep[] = [];
    const dashboard = `In the Auth0 Dashboard: Applications > your application > Settings > Allowed Callback URLs: add ${callbackUrl} (keep the URLs already there, comma-separated) > Save Changes.`;
    const session = env.ctx.management ? await withSignal(env.management(), env.signal) : undefined;
    if (!session) {
      return {
        status: 'needs-action',
        summary: `The sign-in needs ${callbackUrl} in the application's Allowed Callback URLs.`,
        found: ['No Management API access: the callback URLs cannot be read or changed here.'],
        values: { callbackUrl },
        problems,
        outputs: {},
        plan: {
          summary: `Add ${callbackUrl} to the Allowed Callback URLs of the application ${env.clientId} (by hand: no Management API access is configured).`,
          changes: [{ what: `Allowed Callback URLs of the application ${env.clientId}`, from: '(unknown)', to: `(the current ones), ${callbackUrl}` }],
          manual: dashboard,
          warnings,
          outputs: {},
        },
        steps,
      };
    }
    const auth0 = loadAuth0();
    const app = await auth0.getApplication(session, env.clientId, env.signal);
    const label = `"${app.name}" (${app.clientId})`;
    if (app.callbacks.includes(callbackUrl)) {
      return {
        status: 'done',
        summary: `The application ${label} allows ${callbackUrl}.`,
        found: [`Allowed Callback URLs: ${listText(app.callbacks)}.`],
        values: { callbackUrl },
        problems,
        outputs: {},
        plan: { summary: `Nothing to change: the application ${label} already allows ${callbackUrl}.`, changes: [], warnings, outputs: {} },
        steps,
      };
    }
    const merged = [...app.callbacks, callbackUrl];
    if (session.scopes && !session.scopes.includes('update:clients')) {
      warnings.push(`The Management API token lacks the update:clients scope (it has ${listText(session.scopes)}): Auth0 will refuse the change. Grant update:clients to the machine-to-machine application (Dashboard > Applications > APIs > Auth0 Management API > Machine To Machine Applications), or ${dashboard.replace(/^In/, 'in')}`);
    }
    const creds = env.ctx.management;
    const authorization = creds?.kind === 'token'
      ? `Bearer ${mask(creds.token.trim().replace(/^Bearer\s+/i, ''))}`
      : `Bearer (a Management API token for the machine-to-machine client ${mask(creds?.kind === 'clientCredentials' ? creds.clientId : '')}, from its client credentials)`;
    steps.push({
      call: planCall('auth0', 'PATCH /api/v2/clients/{id}', { domain: env.domain, id: env.clientId, body: { callbacks: merged }, authorization }),
      pending: `Add ${callbackUrl} to the Allowed Callback URLs of the application ${label}.`,
      async run() {
        const updated = await auth0.updateApplication(session, env.clientId, { callbacks: merged }, env.signal);
        const lost = merged.filter((c) => !updated.callbacks.includes(c));
        if (lost.length) throw new EngineError('AUTH0', `Auth0 accepted the change but the application's callback URLs lack ${lost.join(', ')}.`, dashboard);
        return `Added ${callbackUrl} to the Allowed Callback URLs of the application ${label}; the ${app.callbacks.length} URL${app.callbacks.length === 1 ? '' : 's'} already there ${app.callbacks.length === 1 ? 'is' : 'are'} kept.`;
      },
    });
    problems.push(problem('warning', `The application ${label} does not allow ${callbackUrl}: Auth0 would show "Callback URL mismatch" instead of coming back.`, 'Apply this plan to add it.', 'AUTH0'));
    return {
      status: 'needs-action',
      summary: `The application ${label} does not allow ${callbackUrl}.`,
      found: [`Allowed Callback URLs: ${listText(app.callbacks)}.`],
      values: { callbackUrl },
      problems,
      outputs: {},
      plan: {
        summary: `Add ${callbackUrl} to the Allowed Callback URLs of the application ${label} through the Management API, keeping the ones already there (the PATCH replaces the whole list, so all of it is sent).`,
        changes: [{ what: `Allowed Callback URLs of the application ${label}`, from: listText(app.callbacks), to: listText(merged) }],
        warnings,
        outputs: {},
      },
      steps,
    };
  };
}

/**
 * Plans adding `callbackUrl` (the sign-in's redirectUri) to the application's Allowed Callback
 * URLs: a Management API PATCH with the merged list (never dropping an entry), nothing when it
 * is there, or `manual` Dashboard steps without Management API access. Same shapes as the setup
 * steps; uses ctx.config.auth0, ctx.management and ctx.cache (the AWS part of the config is unused).
 */
export function planAddCallbackUrl(ctx: SetupContext, callbackUrl: string): Promise<SetupPlan> {
  return planWith('callbackUrl', CALLBACK_URL_TITLE, callbackBuilder(callbackUrl), ctx);
}

/** Applies a plan from planAddCallbackUrl (plans again first: 0 writes when the URL is there by now). */
export function applyAddCallbackUrl(ctx: SetupContext, plan: SetupPlan, callbackUrl: string): Promise<StepOutcome> {
  return applyWith('callbackUrl', CALLBACK_URL_TITLE, callbackBuilder(callbackUrl), ctx, plan);
}
