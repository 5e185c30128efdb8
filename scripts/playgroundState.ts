/**
 * What `npm run playground` (scripts/playground.ts) and `npm run token` (scripts/token.ts)
 * share: where the playground lives (outside the repo, next to the code-server cache), the
 * small state file the running playground writes, and how to get an ID token from its local
 * Auth0 tenant through the tenant's own login flow (authorization code + PKCE; the stand-in
 * logs its test user in without a form).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fetchTrustingCa } from '../test/standins/tenant';
import { codeServerCacheDir } from '../test/vscode/codeServer';

/**
 * The callback URL the token script signs in with. Nothing listens there: the script reads the
 * code from the tenant's redirect. The playground registers it on the app when it starts.
 */
export const TOKEN_REDIRECT_URI = 'http://localhost/playground-token';

export interface PlaygroundState {
  /** The tenant's issuer, 'https://localhost:PORT/'. */
  issuer: string;
  /** The tenant's root CA (PEM file). */
  caPath: string;
  /** The application the ID token is for (its `aud`). */
  clientId: string;
  redirectUri: string;
  /** The test user of the tenant's login page. */
  login?: { email: string; password: string };
  workbenchUrl: string;
  /** The playground process (the state file is stale when it is gone). */
  pid: number;
}

/** `${AUTH0_COGNITO_CACHE:-${XDG_CACHE_HOME:-~/.cache}/auth0-cognito-bridge}/playground`. */
export function playgroundDir(): string {
  return path.join(path.dirname(codeServerCacheDir()), 'playground');
}

export function statePath(dir: string = playgroundDir()): string {
  return path.join(dir, 'state.json');
}

export function writePlaygroundState(file: string, state: PlaygroundState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running playground's state; throws a sentence saying what to do when there is none. */
export function readPlaygroundState(file: string = statePath()): PlaygroundState {
  let state: PlaygroundState;
  try {
    state = JSON.parse(fs.readFileSync(file, 'utf8')) as PlaygroundState;
  } catch (e) {
    throw new Error(`no running playground (${file} is missing or unreadable): start one with \`npm run playground\``, { cause: e });
  }
  if (typeof state.issuer !== 'string' || typeof state.caPath !== 'string' || typeof state.clientId !== 'string'
    || typeof state.redirectUri !== 'string') {
    throw new Error(`${file} is not a playground state file: restart the playground`);
  }
  if (typeof state.pid === 'number' && !isRunning(state.pid)) {
    throw new Error(`the playground that wrote ${file} (pid ${state.pid}) is no longer running: start it with \`npm run playground\``);
  }
  return state;
}

export interface IdTokenRequest {
  issuer: string;
  /** The tenant's root CA (PEM text). */
  caPem: string;
  clientId: string;
  redirectUri: string;
  scope?: string;
  /** The test user's email and password, for a tenant that shows its login page. */
  login?: { email: string; password: string } | undefined;
}

/**
 * Signs in at the tenant (GET /authorize with PKCE, the code read from the redirect, then
 * POST /oauth/token) and returns the ID token. Errors say what the tenant answered.
 */
export async function fetchIdToken(req: IdTokenRequest): Promise<string> {
  const f = fetchTrustingCa(req.caPem);
  const base = req.issuer.endsWith('/') ? req.issuer : `${req.issuer}/`;
  const verifier = crypto.randomBytes(32).toString('base64url');
  const state = crypto.randomBytes(12).toString('base64url');
  const authorize = new URL('authorize', base);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: req.clientId,
    redirect_uri: req.redirectUri,
    scope: req.scope ?? 'openid profile email',
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    nonce: crypto.randomBytes(12).toString('base64url'),
  }).toString();

  let res: Response;
  try {
    res = await f(authorize, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new Error(`the local tenant at ${base} does not answer (${cause}): is the playground running?`, { cause: e });
  }
  // A tenant with a login page answers 200 with its form: log in as the test user, as a browser would.
  if (res.status === 200 && req.login) {
    const txn = /name="txn" value="([\w-]+)"/.exec(await res.text())?.[1];
    if (!txn) throw new Error('the tenant showed a page without its login form');
    res = await f(new URL('u/login', base), {
      method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(10_000),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ txn, username: req.login.email, password: req.login.password }).toString(),
    });
  }
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) {
    const text = (await res.text()).replace(/<(style|script)\b[^>]*>[^<]*<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
    throw new Error(`the tenant refused the sign-in (HTTP ${res.status}): ${text}`);
  }
  const back = new URL(location);
  const error = back.searchParams.get('error');
  if (error) throw new Error(`the tenant refused the sign-in: ${error}: ${back.searchParams.get('error_description') ?? ''}`);
  if (back.searchParams.get('state') !== state) throw new Error('the tenant returned a different state');
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`the tenant redirected without a code: ${back.origin}${back.pathname}`);

  const tokenRes = await f(new URL('oauth/token', base), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: req.clientId,
      code,
      code_verifier: verifier,
      redirect_uri: req.redirectUri,
    }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await tokenRes.json().catch(() => ({}))) as { id_token?: unknown; error?: string; error_description?: string };
  if (!tokenRes.ok || typeof body.id_token !== 'string') {
    throw new Error(`the token request failed (HTTP ${tokenRes.status}): ${body.error ?? ''} ${body.error_description ?? ''}`.trim());
  }
  return body.id_token;
}
