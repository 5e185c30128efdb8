/**
 * A local Auth0-like tenant for tests: real HTTPS on loopback, a throw-away PKI
 * (root -> intermediate -> leaf, see certs.ts), and the Auth0 endpoints this project talks to:
 *
 *   GET  /.well-known/openid-configuration     discovery
 *   GET  /.well-known/jwks.json                signing keys (RSA, kid, x5c, x5t)
 *   GET  /authorize                            authorization code (+PKCE); auto-logs-in `user`,
 *                                              or (loginPage set) shows a login form
 *   POST /u/login                              the login form's answer: email + password of `user`
 *   POST /oauth/token                          authorization_code, client_credentials
 *   GET  /userinfo                             profile for an app access token
 *   GET  /api/v2/clients[/:id], PATCH /api/v2/clients/:id   Management API subset
 *
 * Response and error shapes follow Auth0's documented/observed ones. Where the exact Auth0
 * wording is not documented, the message is an approximation (marked "approx." below):
 * callers should branch on `error` / `errorCode` / status, not on message text.
 *
 * Nothing secret is logged: the request log holds method, path (no query string) and status.
 */
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { JWK, JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import { generateCertChain, removeCertChain, type CertChain } from './certs';

// ---------------------------------------------------------------------------------------------
// Types

/** Values Auth0 accepts for `jwt_configuration.alg`. */
export type ClientSigningAlg = 'HS256' | 'RS256' | 'RS512' | 'PS256';
export const CLIENT_SIGNING_ALGS: readonly ClientSigningAlg[] = ['HS256', 'RS256', 'RS512', 'PS256'];

export interface JwtConfiguration {
  alg: ClientSigningAlg;
  lifetime_in_seconds: number;
  secret_encoded: boolean;
  scopes?: Record<string, unknown>;
}

export type AppType = 'native' | 'spa' | 'regular_web' | 'non_interactive';
export type TokenEndpointAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic';

/** An application ("client") as the Management API returns it (subset of Auth0's fields). */
export interface Auth0Client {
  tenant: string;
  global: boolean;
  client_id: string;
  client_secret: string;
  name: string;
  description: string;
  app_type: AppType;
  is_first_party: boolean;
  oidc_conformant: boolean;
  callbacks: string[];
  allowed_logout_urls: string[];
  allowed_origins: string[];
  web_origins: string[];
  grant_types: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  jwt_configuration: JwtConfiguration;
  sso_disabled: boolean;
  cross_origin_auth: boolean;
  custom_login_page_on: boolean;
  client_metadata: Record<string, string>;
}

export type ClientInit = Partial<Omit<Auth0Client, 'jwt_configuration'>> & {
  jwt_configuration?: Partial<JwtConfiguration>;
};

export interface TenantUser {
  /** e.g. 'auth0|abc123' */
  sub: string;
  email: string;
  name: string;
  nickname: string;
  picture: string;
  email_verified: boolean;
}

export type JwksMode = 'ok' | 'error' | 'hang' | 'empty';
export type LoginOutcome = 'login' | 'access_denied';

export interface TenantOptions {
  /** Port to listen on (default: a free one chosen by the kernel). */
  port?: number;
  /** Extra subjectAltNames for the TLS leaf (localhost and 127.0.0.1 are always there). */
  extraNames?: string[];
  /** TLS key type (default 'ec'). The JWT signing key is always RSA 2048. */
  tlsKeyType?: 'ec' | 'rsa';
  /** Overrides merged into the default application (a native app, HS256, no callbacks). */
  app?: ClientInit;
  /** More applications. */
  extraApps?: ClientInit[];
  /** The machine-to-machine client for the Management API. */
  m2m?: { clientId?: string; clientSecret?: string; name?: string; scopes?: string[] };
  /** The user /authorize logs in automatically. */
  user?: Partial<TenantUser>;
  /** Show a login page at /authorize (email + this password) instead of logging `user` in at once. */
  loginPage?: { password: string };
  /** Default `jwt_configuration.lifetime_in_seconds` for new clients (default 36000, Auth0's). */
  idTokenTtlSeconds?: number;
  /** Lifetime of access tokens (default 86400, Auth0's). */
  accessTokenTtlSeconds?: number;
  /** How /.well-known/jwks.json behaves (default 'ok'); change later with setJwksMode(). */
  jwks?: JwksMode;
  /** API identifiers (audiences) /authorize accepts besides the Management API. */
  apiAudiences?: string[];
  /** Also listen on [::1] at the same port, best effort (default true): 'localhost' may be ::1. */
  ipv6?: boolean;
  /** Called with one line per finished request ("GET /authorize 302"); nothing secret. */
  log?: (line: string) => void;
  /** Keep the certificate directory on stop() (default false). */
  keepCertDir?: boolean;
}

export interface RequestLogEntry {
  method: string;
  /** Path only, never the query string (it can carry codes and states). */
  path: string;
  status: number;
  at: number;
}

export interface Fault {
  method?: string;
  /** Exact path, or a RegExp tested against the path. */
  path: string | RegExp;
  /** Respond with this status (default 500) and body (default Auth0-ish JSON error). */
  status?: number;
  body?: unknown;
  /** Never answer (the socket is closed by stop()). */
  hang?: boolean;
  /** Wait before handling the request normally (or before the fault response if status set). */
  delayMs?: number;
  /** How many requests this fault applies to (default: all). */
  times?: number;
}

export interface MintIdTokenOptions {
  /** Audience / client (default: the default app). */
  clientId?: string;
  /** Signing algorithm (default: the client's jwt_configuration.alg). 'none' = unsigned. */
  alg?: ClientSigningAlg | 'none' | 'HS384' | 'HS512' | 'RS384' | 'PS384' | 'PS512';
  /** Claims merged over the defaults; a value of `undefined` removes the claim. */
  claims?: Record<string, unknown>;
  /** Header fields merged over {alg, typ, kid}; `undefined` removes one. */
  header?: Record<string, unknown>;
  /** Seconds from now to exp (default: the client's lifetime). Negative = already expired. */
  expiresIn?: number;
  /** iat in seconds since epoch (default now). */
  issuedAt?: number;
  nonce?: string;
  /** Scope that selects profile/email claims (default 'openid profile email'). */
  scope?: string;
  user?: Partial<TenantUser>;
  /** HMAC secret for HS* (default: the client's secret). */
  hmacSecret?: string;
  /** RSA key: the current one (default), a key that is NOT in the JWKS, or a kid from the JWKS. */
  key?: 'current' | 'foreign' | string;
}

export interface MintAccessTokenOptions {
  /** Default: the M2M client. */
  clientId?: string;
  /** Default: the M2M client's granted scopes. */
  scopes?: string[];
  /** Default: the Management API audience. */
  audience?: string | string[];
  expiresIn?: number;
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  alg?: 'RS256' | 'HS256' | 'none' | 'PS256';
  key?: 'current' | 'foreign' | string;
  /** Default 'client-credentials'; pass undefined in claims to drop it. */
  gty?: string;
}

export interface SigningKeyInfo {
  kid: string;
  /** Public JWK as served (kty, use, n, e, kid, x5t, x5c, alg). */
  jwk: JWK;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  certPem: string;
}

export interface Tenant {
  /** 'https://localhost:PORT/' (trailing slash, like Auth0's iss). */
  issuer: string;
  /** 'localhost:PORT' (what the Auth0 SDK calls `domain`). */
  domain: string;
  /** 'https://localhost:PORT' (no trailing slash). */
  baseUrl: string;
  port: number;
  /** The root CA (PEM): the only certificate a client needs to trust. */
  caPem: string;
  certs: CertChain;
  clients: Map<string, Auth0Client>;
  /** The default application (same object as in `clients`). */
  app: Auth0Client;
  mgmt: { clientId: string; clientSecret: string; audience: string; scopes: string[] };
  user: TenantUser;
  /** Management API grants: client id -> scopes. */
  grants: Map<string, string[]>;
  signingKeys: SigningKeyInfo[];
  /** Number of PATCH requests to /api/v2/clients/* (any outcome). */
  readonly writeCalls: number;
  readonly requests: readonly RequestLogEntry[];
  /** Requests matching method and path (string = exact, RegExp = test). */
  countRequests(method: string, pathMatch: string | RegExp): number;
  resetLog(): void;
  jwksMode: JwksMode;
  setJwksMode(mode: JwksMode): void;
  loginOutcome: LoginOutcome;
  /** Set: /authorize shows a login form that takes `user.email` and this password (Auth0's Universal Login, much simplified). */
  loginPage: { password: string } | undefined;
  addFault(fault: Fault): () => void;
  clearFaults(): void;
  addClient(init: ClientInit, managementScopes?: string[]): Auth0Client;
  mintIdToken(opts?: MintIdTokenOptions): string;
  mintAccessToken(opts?: MintAccessTokenOptions): string;
  /** New current signing key; the previous one stays in the JWKS unless dropPrevious. */
  rotateSigningKey(opts?: { dropPrevious?: boolean }): Promise<SigningKeyInfo>;
  /** A fetch that trusts only this tenant's root CA (see fetchTrustingCa). */
  fetch: typeof fetch;
  /** An https.Agent that trusts only this tenant's root CA. */
  agent: https.Agent;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random [A-Za-z0-9] string, like Auth0 client ids (32 chars). */
export function randomId(length = 32): string {
  const bytes = crypto.randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

function execOpenssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 30_000 }, (err, _o, stderr) =>
      err ? reject(new Error(`openssl ${args[0]} failed: ${err.message}\n${stderr}`)) : resolve(),
    );
  });
}

const HASH_OF: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** Signs a JWT by hand so tests can craft any header/alg combination. */
export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  alg: string,
  keys: { hmacSecret?: string | Buffer; rsaKey?: crypto.KeyObject },
): string {
  const input = `${enc(header)}.${enc(payload)}`;
  if (alg === 'none') return `${input}.`;
  const bits = alg.slice(2);
  const hash = HASH_OF[bits];
  if (!hash) throw new Error(`unsupported alg ${alg}`);
  let sig: Buffer;
  if (alg.startsWith('HS')) {
    if (keys.hmacSecret === undefined) throw new Error('HS* needs an HMAC secret');
    sig = crypto.createHmac(hash, keys.hmacSecret).update(input).digest();
  } else if (alg.startsWith('RS')) {
    if (!keys.rsaKey) throw new Error('RS* needs an RSA key');
    sig = crypto.sign(hash, Buffer.from(input), keys.rsaKey);
  } else if (alg.startsWith('PS')) {
    if (!keys.rsaKey) throw new Error('PS* needs an RSA key');
    sig = crypto.sign(hash, Buffer.from(input), {
      key: keys.rsaKey,
      padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
      saltLength: Number(bits) / 8,
    });
  } else {
    throw new Error(`unsupported alg ${alg}`);
  }
  return `${input}.${sig.toString('base64url')}`;
}

function applyOverrides(base: Record<string, unknown>, over?: Record<string, unknown>) {
  if (!over) return base;
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

function readBody(req: http.IncomingMessage, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The login page (Auth0's Universal Login, much simplified): email and password, posted to /u/login. */
function sendLoginPage(res: http.ServerResponse, status: number, txn: string, clientName: string, error: string) {
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Log in | Auth0 stand-in</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;background:#f3f3f5;display:flex;justify-content:center;padding-top:8vh;margin:0}
main{background:#fff;border-radius:5px;box-shadow:0 12px 40px rgba(0,0,0,.12);padding:40px;width:320px}h1{font-size:24px;font-weight:400;margin:0 0 8px}
p{color:#65676e;margin:0 0 24px}label{display:block;font-size:14px;margin:16px 0 6px}input{box-sizing:border-box;width:100%;padding:12px;border:1px solid #c9cace;border-radius:3px;font-size:16px}
button{margin-top:24px;width:100%;padding:14px;border:0;border-radius:3px;background:#635dff;color:#fff;font-size:16px;cursor:pointer}.error{color:#d03c38;margin:16px 0 0}</style></head>
<body><main><h1>Welcome</h1><p>Log in to ${escapeHtml(clientName)} (the local Auth0 stand-in tenant).</p>
<form method="post" action="/u/login"><input type="hidden" name="txn" value="${escapeHtml(txn)}">
<label for="username">Email address</label><input id="username" name="username" type="email" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
${error ? `<p class="error" id="error-element-password" role="alert">${escapeHtml(error)}</p>` : ''}<button type="submit" name="action" value="default">Continue</button></form></main></body></html>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store', 'x-frame-options': 'deny' });
  res.end(html);
}

/** Auth0 shows an HTML error page (not a redirect) when the redirect_uri can't be trusted. */
function sendErrorPage(res: http.ServerResponse, status: number, error: string, description: string) {
  const title = description.startsWith('Callback URL mismatch') ? 'Callback URL mismatch' : 'Oops!, something went wrong';
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(description)}</p>
<h2>TECHNICAL DETAILS</h2><pre id="error">${escapeHtml(error)}</pre><pre id="error_description">${escapeHtml(description)}</pre></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'x-auth0-standin-error': error,
  });
  res.end(html);
}

function mgmtError(res: http.ServerResponse, status: number, error: string, message: string, errorCode?: string, extra: Record<string, unknown> = {}) {
  const body: Record<string, unknown> = { statusCode: status, error, message, ...extra };
  if (errorCode) body.errorCode = errorCode;
  sendJson(res, status, body);
}

function oauthError(res: http.ServerResponse, status: number, error: string, description: string) {
  sendJson(res, status, { error, error_description: description }, { 'cache-control': 'no-store' });
}

// ---------------------------------------------------------------------------------------------
// fetch over node:https with a custom CA

export interface FetchTrustingCaOptions {
  /** Keep the system trust store as well (default false: only `ca` is trusted). */
  includeSystemCas?: boolean;
}

/**
 * A `fetch`-compatible function over node:https that trusts `ca` (PEM string or list).
 * Redirects follow the request's `redirect` mode ('follow' by default); with 'manual' the real
 * 3xx response (Location readable) is returned. Network errors reject with
 * TypeError('fetch failed', { cause }) like the global fetch, so `cause.code` shows e.g.
 * SELF_SIGNED_CERT_IN_CHAIN / UNABLE_TO_GET_ISSUER_CERT_LOCALLY.
 */
export function fetchTrustingCa(ca: string | string[], options: FetchTrustingCaOptions = {}): typeof fetch {
  const caList = [...(Array.isArray(ca) ? ca : [ca]), ...(options.includeSystemCas ? tls.rootCertificates : [])];
  const agent = new https.Agent({ ca: caList, keepAlive: false });

  const once = (url: URL, method: string, headers: Headers, body: Buffer | undefined, signal: AbortSignal | null) =>
    new Promise<{ status: number; statusText: string; headers: Headers; body: Buffer }>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const h: Record<string, string> = {};
      headers.forEach((v, k) => {
        h[k] = v;
      });
      if (!('accept' in h)) h.accept = '*/*';
      if (body) h['content-length'] = String(body.length);
      const isHttps = url.protocol === 'https:';
      const req = (isHttps ? https : http).request(
        url,
        isHttps ? { method, headers: h, agent, ca: caList } : { method, headers: h },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const out = new Headers();
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
              out.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
            }
            resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: out, body: Buffer.concat(chunks) });
          });
          res.on('error', (e) => reject(new TypeError('fetch failed', { cause: e })));
        },
      );
      const onAbort = () => {
        req.destroy();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('error', (e) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: e })));
      req.end(body);
    });

  const f = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    let url = new URL(request.url);
    let method = request.method;
    let body: Buffer | undefined = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers = new Headers(request.headers);
    const signal = init?.signal ?? request.signal;
    for (let hop = 0; ; hop++) {
      const r = await once(url, method, headers, body, signal);
      const location = r.headers.get('location');
      if (request.redirect !== 'manual' && [301, 302, 303, 307, 308].includes(r.status) && location) {
        if (request.redirect === 'error') throw new TypeError('fetch failed', { cause: new Error('redirect') });
        if (hop >= 20) throw new TypeError('fetch failed', { cause: new Error('too many redirects') });
        url = new URL(location, url);
        if (r.status === 303 || ((r.status === 301 || r.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          headers.delete('content-type');
        }
        continue;
      }
      const nullBody = [101, 204, 205, 304].includes(r.status);
      const response = new Response(nullBody ? null : new Uint8Array(r.body), { status: r.status, statusText: r.statusText, headers: r.headers });
      Object.defineProperty(response, 'url', { value: url.toString() });
      return response;
    }
  };
  return f as typeof fetch;
}

// ---------------------------------------------------------------------------------------------
// The tenant

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  nonce?: string;
  scope: string;
  audience?: string;
  sid: string;
  expiresAt: number;
}

const DEFAULT_USER: TenantUser = {
  sub: 'auth0|64f1c0ffee0123456789abcd',
  email: 'test.user@example.com',
  name: 'Test User',
  nickname: 'test.user',
  picture: 'https://s.gravatar.com/avatar/00000000000000000000000000000000?s=480&r=pg&d=mp',
  email_verified: true,
};

const PATCHABLE: Record<string, 'string' | 'string[]' | 'boolean' | 'object'> = {
  name: 'string',
  description: 'string',
  callbacks: 'string[]',
  allowed_logout_urls: 'string[]',
  allowed_origins: 'string[]',
  web_origins: 'string[]',
  grant_types: 'string[]',
  app_type: 'string',
  token_endpoint_auth_method: 'string',
  jwt_configuration: 'object',
  oidc_conformant: 'boolean',
  sso_disabled: 'boolean',
  cross_origin_auth: 'boolean',
  custom_login_page_on: 'boolean',
  is_first_party: 'boolean',
  client_metadata: 'object',
  client_secret: 'string',
};

const APP_TYPES: AppType[] = ['native', 'spa', 'regular_web', 'non_interactive'];
const AUTH_METHODS: TokenEndpointAuthMethod[] = ['none', 'client_secret_post', 'client_secret_basic'];

function rsaKeyPair(): Promise<{ privateKey: crypto.KeyObject; publicKey: crypto.KeyObject }> {
  return new Promise((resolve, reject) =>
    crypto.generateKeyPair('rsa', { modulusLength: 2048 }, (err, pub, priv) =>
      err ? reject(err) : resolve({ privateKey: priv, publicKey: pub }),
    ),
  );
}

/** Certificate directories of running tenants, removed synchronously if the process exits early. */
const liveDirs = new Set<string>();
let exitHookInstalled = false;
function removeOnExit(dir: string): void {
  liveDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const d of liveDirs) fsSync.rmSync(d, { recursive: true, force: true });
  });
}

/** A key that is never published in any JWKS: shared by all tenants in the process. */
let foreignKeyPromise: Promise<crypto.KeyObject> | undefined;
function foreignKeyOnce(): Promise<crypto.KeyObject> {
  foreignKeyPromise ??= rsaKeyPair().then((k) => k.privateKey);
  return foreignKeyPromise;
}

async function makeSigningKey(dir: string, domain = 'localhost'): Promise<SigningKeyInfo> {
  const { privateKey, publicKey } = await rsaKeyPair();
  const kid = crypto.randomBytes(16).toString('base64url');
  // Auth0 publishes a self-signed certificate for each signing key in x5c (CN = tenant domain;
  // here 'localhost', so the key can be made before the port is known).
  const keyFile = `signing-${kid}.key`;
  const certFile = `signing-${kid}.pem`;
  await fs.writeFile(path.join(dir, keyFile), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await execOpenssl(
    ['req', '-x509', '-new', '-key', keyFile, '-sha256', '-days', '3650', '-subj', `/CN=${domain}`, '-out', certFile],
    dir,
  );
  await fs.rm(path.join(dir, keyFile), { force: true });
  const certPem = await fs.readFile(path.join(dir, certFile), 'utf8');
  const der = new crypto.X509Certificate(certPem).raw;
  const pub = publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  const jwk: JWK = {
    kty: pub.kty,
    use: 'sig',
    n: pub.n,
    e: pub.e,
    kid,
    x5t: crypto.createHash('sha1').update(der).digest('base64url'),
    x5c: [der.toString('base64')],
    alg: 'RS256',
  };
  return { kid, jwk, privateKey, publicKey, certPem };
}

function newClient(init: ClientInit, defaults: { lifetime: number; alg: ClientSigningAlg }): Auth0Client {
  const appType = init.app_type ?? 'native';
  const m2m = appType === 'non_interactive';
  const { jwt_configuration: jwtInit, ...rest } = init;
  return {
    tenant: 'standin',
    global: false,
    client_id: randomId(32),
    client_secret: crypto.randomBytes(48).toString('base64url'),
    name: m2m ? 'Stand-in M2M Client' : 'Stand-in Application',
    description: '',
    app_type: appType,
    is_first_party: true,
    oidc_conformant: true,
    callbacks: [],
    allowed_logout_urls: [],
    allowed_origins: [],
    web_origins: [],
    grant_types: m2m ? ['client_credentials'] : ['authorization_code', 'implicit', 'refresh_token'],
    token_endpoint_auth_method: m2m || appType === 'regular_web' ? 'client_secret_post' : 'none',
    sso_disabled: false,
    cross_origin_auth: false,
    custom_login_page_on: true,
    client_metadata: {},
    ...rest,
    jwt_configuration: {
      alg: defaults.alg,
      lifetime_in_seconds: defaults.lifetime,
      secret_encoded: false,
      ...jwtInit,
    },
  };
}

export async function startTenant(options: TenantOptions = {}): Promise<Tenant> {
  const idTtl = options.idTokenTtlSeconds ?? 36000;
  const atTtl = options.accessTokenTtlSeconds ?? 86400;
  const log = options.log;

  // Everything slow runs in parallel: the TLS chain, the RSA signing key (+ its x5c
  // certificate), the process-wide 'foreign' key and loading jose (ESM-only, so a real dynamic
  // import: this file compiles to CommonJS).
  const certDir = await fs.mkdtemp(path.join(os.tmpdir(), 'auth0-standin-'));
  if (!options.keepCertDir) removeOnExit(certDir);
  const [certs, firstKey, foreign, jose] = await Promise.all([
    generateCertChain({ dir: certDir, extraNames: options.extraNames, keyType: options.tlsKeyType ?? 'ec' }),
    makeSigningKey(certDir),
    foreignKeyOnce(),
    import('jose'),
  ]).catch(async (e: unknown) => {
    await fs.rm(certDir, { recursive: true, force: true });
    throw e;
  });
  const { createLocalJWKSet, jwtVerify, errors: joseErrors } = jose;

  // Per-connection bookkeeping so stop() can end hanging requests.
  const sockets = new Set<Socket>();
  const servers: https.Server[] = [];

  // Filled in once the port is known.
  let issuer = '';
  let baseUrl = '';
  // eslint-disable-next-line no-useless-assignment -- read by closures defined before the port is known
  let domain = '';
  let mgmtAudience = '';

  const clients = new Map<string, Auth0Client>();
  const grants = new Map<string, string[]>();
  const codes = new Map<string, PendingCode>();
  const requests: RequestLogEntry[] = [];
  let faults: Array<Fault & { left: number }> = [];
  let writeCalls = 0;
  const signingKeys: SigningKeyInfo[] = [];
  // eslint-disable-next-line prefer-const -- assigned once the keys are generated, read by closures above
  let foreignKey: crypto.KeyObject | undefined;

  const user: TenantUser = { ...DEFAULT_USER, ...options.user };
  const app = newClient({ name: 'Cognito Bridge Test App', ...options.app }, { lifetime: idTtl, alg: 'HS256' });
  clients.set(app.client_id, app);
  for (const extra of options.extraApps ?? []) {
    const c = newClient(extra, { lifetime: idTtl, alg: 'HS256' });
    clients.set(c.client_id, c);
  }
  const m2m = newClient(
    {
      name: options.m2m?.name ?? 'Cognito Bridge (Test Application)',
      app_type: 'non_interactive',
      ...(options.m2m?.clientId ? { client_id: options.m2m.clientId } : {}),
      ...(options.m2m?.clientSecret ? { client_secret: options.m2m.clientSecret } : {}),
    },
    { lifetime: idTtl, alg: 'RS256' },
  );
  clients.set(m2m.client_id, m2m);
  grants.set(m2m.client_id, [...(options.m2m?.scopes ?? ['read:clients', 'update:clients'])]);

  const apiAudiences = new Set(options.apiAudiences ?? []);

  // -- tokens ---------------------------------------------------------------------------------

  const currentKey = (): SigningKeyInfo => {
    const k = signingKeys[0];
    if (!k) throw new Error('no signing key');
    return k;
  };
  const rsaKeyFor = (key: string | undefined): { key: crypto.KeyObject; kid: string } => {
    if (!key || key === 'current') return { key: currentKey().privateKey, kid: currentKey().kid };
    if (key === 'foreign') {
      if (!foreignKey) throw new Error('foreign key missing');
      return { key: foreignKey, kid: currentKey().kid };
    }
    const found = signingKeys.find((k) => k.kid === key);
    if (!found) throw new Error(`no signing key with kid ${key}`);
    return { key: found.privateKey, kid: found.kid };
  };

  const sign = (
    alg: string,
    payload: Record<string, unknown>,
    headerOver: Record<string, unknown> | undefined,
    opts: { hmacSecret?: string; key?: string },
  ): string => {
    const header: Record<string, unknown> = { alg, typ: 'JWT' };
    let rsaKey: crypto.KeyObject | undefined;
    if (/^(RS|PS)/.test(alg)) {
      const k = rsaKeyFor(opts.key);
      rsaKey = k.key;
      header.kid = k.kid;
    }
    applyOverrides(header, headerOver);
    return signJwt(header, payload, alg, { hmacSecret: opts.hmacSecret, rsaKey });
  };

  const mintIdToken = (opts: MintIdTokenOptions = {}): string => {
    const client = clients.get(opts.clientId ?? app.client_id);
    if (!client && !opts.clientId) throw new Error('no default app');
    const alg = opts.alg ?? client?.jwt_configuration.alg ?? 'RS256';
    const scope = (opts.scope ?? 'openid profile email').split(/\s+/);
    const u = { ...user, ...opts.user };
    const iat = opts.issuedAt ?? now();
    const ttl = opts.expiresIn ?? client?.jwt_configuration.lifetime_in_seconds ?? idTtl;
    const payload: Record<string, unknown> = {};
    if (scope.includes('profile')) {
      Object.assign(payload, { nickname: u.nickname, name: u.name, picture: u.picture, updated_at: new Date().toISOString() });
    }
    if (scope.includes('email')) Object.assign(payload, { email: u.email, email_verified: u.email_verified });
    Object.assign(payload, {
      iss: issuer,
      aud: opts.clientId ?? app.client_id,
      sub: u.sub,
      iat,
      exp: iat + ttl,
      sid: crypto.randomBytes(16).toString('base64url'),
    });
    if (opts.nonce !== undefined) payload.nonce = opts.nonce;
    applyOverrides(payload, opts.claims);
    return sign(alg, payload, opts.header, { hmacSecret: opts.hmacSecret ?? client?.client_secret, key: opts.key });
  };

  const mintAccessToken = (opts: MintAccessTokenOptions = {}): string => {
    const clientId = opts.clientId ?? m2m.client_id;
    const scopes = opts.scopes ?? grants.get(clientId) ?? [];
    const iat = now();
    const payload: Record<string, unknown> = {
      iss: issuer,
      sub: `${clientId}@clients`,
      aud: opts.audience ?? mgmtAudience,
      iat,
      exp: iat + (opts.expiresIn ?? atTtl),
      scope: scopes.join(' '),
      gty: opts.gty ?? 'client-credentials',
      azp: clientId,
    };
    applyOverrides(payload, opts.claims);
    return sign(opts.alg ?? 'RS256', payload, opts.header, { hmacSecret: clients.get(clientId)?.client_secret, key: opts.key });
  };

  const userAccessToken = (client: Auth0Client, scope: string, audience: string | undefined): string => {
    // Real Auth0 issues an opaque/JWE token when no API audience is requested; the stand-in
    // always issues an RS256 JWT, whose aud never contains the client id.
    const iat = now();
    const aud = audience ? [audience, `${issuer}userinfo`] : [`${issuer}userinfo`];
    const payload = { iss: issuer, sub: user.sub, aud, iat, exp: iat + atTtl, scope, azp: client.client_id };
    return sign('RS256', payload, undefined, {});
  };

  // -- endpoints ------------------------------------------------------------------------------

  const discovery = () => ({
    issuer,
    authorization_endpoint: `${baseUrl}/authorize`,
    token_endpoint: `${baseUrl}/oauth/token`,
    device_authorization_endpoint: `${baseUrl}/oauth/device/code`,
    userinfo_endpoint: `${baseUrl}/userinfo`,
    mfa_challenge_endpoint: `${baseUrl}/mfa/challenge`,
    jwks_uri: `${baseUrl}/.well-known/jwks.json`,
    registration_endpoint: `${baseUrl}/oidc/register`,
    revocation_endpoint: `${baseUrl}/oauth/revoke`,
    scopes_supported: [
      'openid', 'profile', 'offline_access', 'name', 'given_name', 'family_name', 'nickname', 'email',
      'email_verified', 'picture', 'created_at', 'identities', 'phone', 'address',
    ],
    response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
    code_challenge_methods_supported: ['S256', 'plain'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    claims_supported: [
      'aud', 'auth_time', 'created_at', 'email', 'email_verified', 'exp', 'family_name', 'given_name',
      'iat', 'identities', 'iss', 'name', 'nickname', 'phone_number', 'picture', 'sub',
    ],
    request_uri_parameter_supported: false,
    request_parameter_supported: false,
    id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'PS256'],
    end_session_endpoint: `${baseUrl}/oidc/logout`,
  });

  const handleAuthorize = (url: URL, res: http.ServerResponse) => {
    const q = url.searchParams;
    const clientId = q.get('client_id');
    const client = clientId ? clients.get(clientId) : undefined;
    if (!clientId) return sendErrorPage(res, 400, 'invalid_request', 'Missing required parameter: client_id');
    if (!client) return sendErrorPage(res, 400, 'invalid_request', `Unknown client: ${clientId}`);
    const redirectUri = q.get('redirect_uri') ?? client.callbacks[0];
    if (!redirectUri) return sendErrorPage(res, 400, 'invalid_request', 'Missing required parameter: redirect_uri');
    if (!client.callbacks.includes(redirectUri)) {
      return sendErrorPage(
        res, 400, 'unauthorized_client',
        `Callback URL mismatch. ${redirectUri} is not in the list of allowed callback URLs.`,
      );
    }
    const state = q.get('state');
    // Who gets the redirect: this request, or (login page) the form's POST that finishes it.
    let answer = res;
    const redirect = (params: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      if (state !== null) target.searchParams.set('state', state);
      answer.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
      answer.end();
    };
    const fail = (error: string, description: string) => redirect({ error, error_description: description });

    const responseType = q.get('response_type');
    if (!responseType) return fail('invalid_request', 'Missing required parameter: response_type');
    if (responseType !== 'code') {
      return fail('unsupported_response_type', `Unsupported response type: ${responseType} (the stand-in only does "code")`);
    }
    if (!client.grant_types.includes('authorization_code')) {
      return fail('unauthorized_client', "Grant type 'authorization_code' not allowed for the client.");
    }
    const challenge = q.get('code_challenge') ?? undefined;
    const method = q.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
    if (method !== undefined && method !== 'S256' && method !== 'plain') {
      return fail('invalid_request', `Unsupported code_challenge_method: ${method}`); // approx.
    }
    if (method && !challenge) return fail('invalid_request', 'Missing required parameter: code_challenge'); // approx.
    const audience = q.get('audience') ?? undefined;
    if (audience && audience !== mgmtAudience && !apiAudiences.has(audience)) {
      return fail('access_denied', `Service not found: ${audience}`);
    }
    const requested = (q.get('scope') ?? 'openid').split(/\s+/).filter(Boolean);
    const issue = () => {
      // prompt=login / prompt=consent are accepted and ignored.
      if (tenant.loginOutcome === 'access_denied') return fail('access_denied', 'User did not authorize the request');
      const code = crypto.randomBytes(24).toString('base64url');
      codes.set(code, {
        clientId: client.client_id,
        redirectUri,
        codeChallenge: challenge,
        codeChallengeMethod: method as 'S256' | 'plain' | undefined,
        nonce: q.get('nonce') ?? undefined,
        scope: requested.join(' '),
        audience,
        sid: crypto.randomBytes(16).toString('base64url'),
        expiresAt: Date.now() + 10 * 60_000,
      });
      return redirect({ code });
    };
    if (!tenant.loginPage) return issue();
    // The login page: the code is issued when the form comes back with the user's email and password.
    const txn = crypto.randomBytes(18).toString('base64url');
    logins.set(txn, { issue: (r) => { answer = r; issue(); }, clientName: client.name, expiresAt: Date.now() + 10 * 60_000 });
    return sendLoginPage(res, 200, txn, client.name, '');
  };

  /** Transactions of the login page: txn -> how to finish it. */
  const logins = new Map<string, { issue: (res: http.ServerResponse) => void; clientName: string; expiresAt: number }>();
  const handleLogin = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const form = new URLSearchParams(await readBody(req, 16 * 1024));
    const txn = form.get('txn') ?? '';
    const t = logins.get(txn);
    if (!t || t.expiresAt < Date.now() || !tenant.loginPage) {
      return sendErrorPage(res, 400, 'invalid_request', 'The login transaction is unknown or expired: start the sign-in again.'); // approx.
    }
    const email = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    if (email.toLowerCase() !== user.email.toLowerCase() || password !== tenant.loginPage.password) {
      return sendLoginPage(res, 400, txn, t.clientName, 'Wrong email or password.');
    }
    logins.delete(txn);
    return t.issue(res);
  };

  const parseTokenRequest = async (req: http.IncomingMessage): Promise<Record<string, string> | string> => {
    const raw = await readBody(req);
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const out: Record<string, string> = {};
    if (type === 'application/json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw || '{}');
      } catch {
        return 'Invalid request payload JSON format';
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'Invalid request payload JSON format';
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    } else {
      for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
    }
    // client_secret_basic
    const auth = req.headers.authorization;
    if (auth?.toLowerCase().startsWith('basic ')) {
      const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) {
        out.client_id ??= decodeURIComponent(decoded.slice(0, i));
        out.client_secret ??= decodeURIComponent(decoded.slice(i + 1));
      }
    }
    return out;
  };

  const handleToken = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const p = await parseTokenRequest(req);
    if (typeof p === 'string') return oauthError(res, 400, 'invalid_request', p);
    const grantType = p.grant_type;
    if (!grantType) return oauthError(res, 400, 'invalid_request', 'Missing required parameter: grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'client_credentials') {
      return oauthError(res, 403, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
    }
    const client = p.client_id ? clients.get(p.client_id) : undefined;
    if (!client) return oauthError(res, 401, 'access_denied', 'Unauthorized');
    const secret = p.client_secret;
    if (secret !== undefined && !safeEqual(secret, client.client_secret)) {
      return oauthError(res, 401, 'access_denied', 'Unauthorized');
    }
    if (!client.grant_types.includes(grantType)) {
      return oauthError(res, 403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`);
    }

    if (grantType === 'client_credentials') {
      if (secret === undefined) return oauthError(res, 401, 'access_denied', 'Unauthorized');
      const audience = p.audience;
      if (!audience) {
        return oauthError(res, 403, 'access_denied', 'No audience parameter was provided, and no default audience has been configured');
      }
      if (audience !== mgmtAudience) return oauthError(res, 403, 'access_denied', `Service not enabled within domain: ${audience}`);
      const granted = grants.get(client.client_id);
      if (!granted) {
        return oauthError(
          res, 403, 'access_denied',
          `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
        );
      }
      const wanted = p.scope ? p.scope.split(/\s+/).filter(Boolean) : granted;
      const scopes = granted.filter((s) => wanted.includes(s));
      const accessToken = mintAccessToken({ clientId: client.client_id, scopes, audience });
      return sendJson(
        res, 200,
        { access_token: accessToken, scope: scopes.join(' '), expires_in: atTtl, token_type: 'Bearer' },
        { 'cache-control': 'no-store', pragma: 'no-cache' },
      );
    }

    // authorization_code
    const code = p.code ? codes.get(p.code) : undefined;
    if (p.code) codes.delete(p.code); // single use, even when the exchange fails
    if (!code || code.clientId !== client.client_id || code.expiresAt < Date.now()) {
      return oauthError(res, 403, 'invalid_grant', 'Invalid authorization code');
    }
    // Confidential clients always authenticate; public clients (auth method none) must use PKCE.
    if (secret === undefined && (client.token_endpoint_auth_method !== 'none' || code.codeChallenge === undefined)) {
      return oauthError(res, 401, 'access_denied', 'Unauthorized');
    }
    if (code.codeChallenge !== undefined) {
      const verifier = p.code_verifier;
      const computed =
        verifier === undefined
          ? undefined
          : code.codeChallengeMethod === 'S256'
            ? crypto.createHash('sha256').update(verifier).digest('base64url')
            : verifier;
      if (computed === undefined || !safeEqual(computed, code.codeChallenge)) {
        return oauthError(res, 403, 'invalid_grant', 'Failed to verify code verifier');
      }
    }
    if (p.redirect_uri !== code.redirectUri) {
      // approx.: Auth0 rejects a token request whose redirect_uri differs from /authorize's.
      return oauthError(res, 403, 'invalid_grant', 'Invalid redirect_uri: it does not match the one used in the authorization request');
    }
    const scopes = code.scope.split(' ');
    const body: Record<string, unknown> = { access_token: userAccessToken(client, code.scope, code.audience) };
    if (scopes.includes('openid')) {
      body.id_token = mintIdToken({
        clientId: client.client_id,
        scope: code.scope,
        nonce: code.nonce,
        claims: { sid: code.sid },
      });
    }
    Object.assign(body, { scope: code.scope, expires_in: atTtl, token_type: 'Bearer' });
    return sendJson(res, 200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
  };

  const handleUserinfo = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    try {
      if (!token) throw new Error('missing');
      const jwks = createLocalJWKSet({ keys: signingKeys.map((k) => k.jwk) });
      await jwtVerify(token, jwks, { issuer, audience: `${issuer}userinfo`, algorithms: ['RS256'] });
    } catch {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer error="invalid_token"' });
      res.end('Unauthorized');
      return;
    }
    sendJson(res, 200, {
      sub: user.sub, nickname: user.nickname, name: user.name, picture: user.picture,
      updated_at: new Date().toISOString(), email: user.email, email_verified: user.email_verified,
    });
  };

  /** Verifies the Management API bearer token; returns its scopes or undefined (response sent). */
  const mgmtAuth = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<string[] | undefined> => {
    const header = req.headers.authorization;
    if (!header) {
      mgmtError(res, 401, 'Unauthorized', 'Missing authentication');
      return undefined;
    }
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m?.[1]) {
      mgmtError(res, 400, 'Bad Request', 'Bad HTTP authentication header format', 'Bearer');
      return undefined;
    }
    let payload: JWTPayload;
    try {
      const jwks = createLocalJWKSet({ keys: signingKeys.map((k) => k.jwk) });
      ({ payload } = await jwtVerify(m[1], jwks, { issuer, algorithms: ['RS256'] }));
    } catch (e) {
      const message =
        e instanceof joseErrors.JWTExpired ? 'Expired token received for JSON Web Token validation' : 'Invalid token';
      mgmtError(res, 401, 'Unauthorized', message, undefined, { attributes: { error: message } });
      return undefined;
    }
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.includes(mgmtAudience)) {
      const message = `Bad audience: ${aud.join(' ')}`; // approx.
      mgmtError(res, 401, 'Unauthorized', message, undefined, { attributes: { error: message } });
      return undefined;
    }
    return typeof payload.scope === 'string' ? payload.scope.split(/\s+/).filter(Boolean) : [];
  };

  const requireScope = (res: http.ServerResponse, have: string[], anyOf: string[]): boolean => {
    if (anyOf.some((s) => have.includes(s))) return true;
    mgmtError(res, 403, 'Forbidden', `Insufficient scope, expected any of: ${anyOf.join(',')}`, 'insufficient_scope');
    return false;
  };

  const presentClient = (c: Auth0Client, scopes: string[], url: URL): Record<string, unknown> => {
    const out: Record<string, unknown> = structuredClone(c) as unknown as Record<string, unknown>;
    if (!scopes.includes('read:client_keys') && !scopes.includes('update:client_keys')) delete out.client_secret;
    const fields = url.searchParams.get('fields');
    if (fields) {
      const list = fields.split(',').map((s) => s.trim());
      const include = url.searchParams.get('include_fields') !== 'false';
      for (const k of Object.keys(out)) if (list.includes(k) !== include) delete out[k];
    }
    return out;
  };

  const validatePatch = (body: Record<string, unknown>): string | undefined => {
    const extra = Object.keys(body).filter((k) => !(k in PATCHABLE));
    if (extra.length) return `Payload validation error: 'Additional properties not allowed: ${extra.join(',')}'.`;
    for (const [k, v] of Object.entries(body)) {
      const kind = PATCHABLE[k];
      const bad = (expected: string) =>
        `Payload validation error: 'Expected type ${expected} but found type ${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v}' on property ${k}.`;
      if (kind === 'string' && typeof v !== 'string') return bad('string');
      if (kind === 'boolean' && typeof v !== 'boolean') return bad('boolean');
      if (kind === 'object' && (typeof v !== 'object' || v === null || Array.isArray(v))) return bad('object');
      if (kind === 'string[]') {
        if (!Array.isArray(v)) return bad('array');
        if (v.some((s) => typeof s !== 'string')) return `Payload validation error: 'Expected type string' on property ${k}.`;
      }
    }
    if (body.app_type !== undefined && !APP_TYPES.includes(body.app_type as AppType)) {
      return `Payload validation error: 'No enum match for: "${String(body.app_type)}"' on property app_type.`;
    }
    if (body.token_endpoint_auth_method !== undefined && !AUTH_METHODS.includes(body.token_endpoint_auth_method as TokenEndpointAuthMethod)) {
      return `Payload validation error: 'No enum match for: "${String(body.token_endpoint_auth_method)}"' on property token_endpoint_auth_method.`;
    }
    const jc = body.jwt_configuration as Record<string, unknown> | undefined;
    if (jc) {
      const extraJc = Object.keys(jc).filter((k) => !['alg', 'lifetime_in_seconds', 'secret_encoded', 'scopes'].includes(k));
      if (extraJc.length) {
        return `Payload validation error: 'Additional properties not allowed: ${extraJc.join(',')}' on property jwt_configuration.`;
      }
      if (jc.alg !== undefined && !CLIENT_SIGNING_ALGS.includes(jc.alg as ClientSigningAlg)) {
        return `Payload validation error: 'No enum match for: ${JSON.stringify(jc.alg)}' on property jwt_configuration.alg (Algorithm used to sign JWTs. Can be \`HS256\` or \`RS256\`. \`PS256\` available via addon.).`;
      }
      if (jc.lifetime_in_seconds !== undefined && (typeof jc.lifetime_in_seconds !== 'number' || !Number.isInteger(jc.lifetime_in_seconds) || jc.lifetime_in_seconds < 0)) {
        return `Payload validation error: 'Expected type integer' on property jwt_configuration.lifetime_in_seconds.`;
      }
      if (jc.secret_encoded !== undefined && typeof jc.secret_encoded !== 'boolean') {
        return `Payload validation error: 'Expected type boolean but found type ${typeof jc.secret_encoded}' on property jwt_configuration.secret_encoded.`;
      }
    }
    return undefined;
  };

  const handleManagement = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const m = /^\/api\/v2\/clients(?:\/([^/]+))?\/?$/.exec(url.pathname);
    const method = req.method ?? 'GET';
    if (m && method === 'PATCH' && m[1]) writeCalls++;
    if (!m || !(method === 'GET' || (method === 'PATCH' && m[1]))) {
      // Drain the body, then 404 like hapi does for unknown routes.
      await readBody(req).catch(() => '');
      return mgmtError(res, 404, 'Not Found', 'Not Found');
    }
    const scopes = await mgmtAuth(req, res);
    if (!scopes) return undefined;
    const id = m[1] ? decodeURIComponent(m[1]) : undefined;

    if (method === 'GET' && id === undefined) {
      if (!requireScope(res, scopes, ['read:clients', 'read:client_keys'])) return undefined;
      const list = [...clients.values()].map((c) => presentClient(c, scopes, url));
      if (url.searchParams.get('include_totals') === 'true') {
        return sendJson(res, 200, { start: 0, limit: 50, length: list.length, total: list.length, clients: list });
      }
      return sendJson(res, 200, list);
    }
    if (method === 'GET') {
      if (!requireScope(res, scopes, ['read:clients', 'read:client_keys'])) return undefined;
      const c = clients.get(id as string);
      if (!c) return mgmtError(res, 404, 'Not Found', 'The client does not exist', 'inexistent_client');
      return sendJson(res, 200, presentClient(c, scopes, url));
    }

    // PATCH /api/v2/clients/:id
    const raw = await readBody(req);
    if (!requireScope(res, scopes, ['update:clients', 'update:client_keys'])) return undefined;
    let body: unknown;
    try {
      body = raw.trim() ? JSON.parse(raw) : {};
    } catch {
      return mgmtError(res, 400, 'Bad Request', 'Invalid request payload JSON format');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return mgmtError(res, 400, 'Bad Request', "Payload validation error: 'Expected type object'.", 'invalid_body');
    }
    const problem = validatePatch(body as Record<string, unknown>);
    if (problem) return mgmtError(res, 400, 'Bad Request', problem, 'invalid_body');
    const patch = body as Partial<Auth0Client> & { jwt_configuration?: Partial<JwtConfiguration> };
    if (patch.client_secret !== undefined && !scopes.includes('update:client_keys')) {
      return mgmtError(res, 403, 'Forbidden', 'Insufficient scope, expected any of: update:client_keys', 'insufficient_scope');
    }
    const c = clients.get(id as string);
    if (!c) return mgmtError(res, 404, 'Not Found', 'The client does not exist', 'inexistent_client');
    const { jwt_configuration: jc, ...rest } = patch;
    Object.assign(c, structuredClone(rest));
    if (jc) c.jwt_configuration = { ...c.jwt_configuration, ...structuredClone(jc) };
    return sendJson(res, 200, presentClient(c, scopes, url));
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const method = req.method ?? 'GET';
    const p = url.pathname;
    if (p.startsWith('/api/v2/')) return handleManagement(req, res, url);
    if (method === 'GET' && p === '/.well-known/openid-configuration') return sendJson(res, 200, discovery());
    if (method === 'GET' && p === '/.well-known/jwks.json') {
      const mode = tenant.jwksMode;
      if (mode === 'hang') return undefined; // never answered; stop() destroys the socket
      if (mode === 'error') return sendJson(res, 500, { statusCode: 500, error: 'Internal Server Error', message: 'An internal server error occurred' });
      return sendJson(res, 200, { keys: mode === 'empty' ? [] : signingKeys.map((k) => k.jwk) });
    }
    if (method === 'GET' && p === '/authorize') return handleAuthorize(url, res);
    if (method === 'POST' && p === '/u/login') return handleLogin(req, res);
    if (method === 'POST' && p === '/oauth/token') return handleToken(req, res);
    if (p === '/oauth/token') return oauthError(res, 404, 'not_found', 'Not Found');
    if ((method === 'GET' || method === 'POST') && p === '/userinfo') return handleUserinfo(req, res);
    if (method === 'GET' && p === '/') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Auth0 stand-in tenant\n');
      return undefined;
    }
    return sendJson(res, 404, { statusCode: 404, error: 'Not Found', message: 'Not Found' });
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', baseUrl || 'https://localhost/');
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path: url.pathname, status: 0, at: Date.now() };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      log?.(`${entry.method} ${entry.path} ${entry.status}`);
    });
    void (async () => {
      const fault = faults.find(
        (f) =>
          f.left > 0 &&
          (!f.method || f.method.toUpperCase() === entry.method) &&
          (typeof f.path === 'string' ? f.path === url.pathname : f.path.test(url.pathname)),
      );
      if (fault) {
        fault.left--;
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault.hang) return;
        if (fault.status !== undefined || fault.body !== undefined) {
          const status = fault.status ?? 500;
          const body = fault.body ?? { statusCode: status, error: http.STATUS_CODES[status] ?? 'Error', message: 'Injected fault' };
          return sendJson(res, status, body);
        }
      }
      return route(req, res, url);
    })().catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { statusCode: 500, error: 'Internal Server Error', message: String((e as Error)?.message ?? e) });
      else res.destroy();
    });
  };

  // -- server ---------------------------------------------------------------------------------

  const tlsOptions: https.ServerOptions = { key: certs.leafKeyPem, cert: certs.chainPem };
  const track = (srv: https.Server) => {
    srv.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    srv.on('tlsClientError', () => undefined); // clients that don't trust the CA: not our problem
    servers.push(srv);
  };
  const listen = (srv: https.Server, port: number, host: string) =>
    new Promise<number>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, host, () => {
        srv.off('error', reject);
        resolve((srv.address() as AddressInfo).port);
      });
    });

  const server = https.createServer(tlsOptions, handler);
  track(server);
  let port: number;
  try {
    port = await listen(server, options.port ?? 0, '127.0.0.1');
  } catch (e) {
    await removeCertChain(certs);
    throw e;
  }
  if (options.ipv6 !== false) {
    const v6 = https.createServer(tlsOptions, handler);
    try {
      await listen(v6, port, '::1');
      track(v6);
    } catch {
      v6.close();
    }
  }

  domain = `localhost:${port}`;
  baseUrl = `https://${domain}`;
  issuer = `${baseUrl}/`;
  mgmtAudience = `${baseUrl}/api/v2/`;

  signingKeys.push(firstKey);
  foreignKey = foreign;

  let stopped = false;
  const agent = new https.Agent({ ca: certs.rootPem, keepAlive: false });

  const tenant: Tenant = {
    issuer,
    domain,
    baseUrl,
    port,
    caPem: certs.rootPem,
    certs,
    clients,
    app,
    mgmt: {
      clientId: m2m.client_id,
      clientSecret: m2m.client_secret,
      audience: mgmtAudience,
      get scopes() {
        return grants.get(m2m.client_id) ?? [];
      },
      set scopes(v: string[]) {
        grants.set(m2m.client_id, [...v]);
      },
    },
    user,
    grants,
    signingKeys,
    get writeCalls() {
      return writeCalls;
    },
    get requests() {
      return requests;
    },
    countRequests(method, pathMatch) {
      return requests.filter(
        (r) => r.method === method.toUpperCase() && (typeof pathMatch === 'string' ? r.path === pathMatch : pathMatch.test(r.path)),
      ).length;
    },
    resetLog() {
      requests.length = 0;
      writeCalls = 0;
    },
    jwksMode: options.jwks ?? 'ok',
    setJwksMode(mode) {
      tenant.jwksMode = mode;
    },
    loginOutcome: 'login',
    loginPage: options.loginPage,
    addFault(fault) {
      const f = { ...fault, left: fault.times ?? Number.POSITIVE_INFINITY };
      faults.push(f);
      return () => {
        faults = faults.filter((x) => x !== f);
      };
    },
    clearFaults() {
      faults = [];
    },
    addClient(init, managementScopes) {
      const c = newClient(init, { lifetime: idTtl, alg: init.app_type === 'non_interactive' ? 'RS256' : 'HS256' });
      clients.set(c.client_id, c);
      if (managementScopes) grants.set(c.client_id, [...managementScopes]);
      return c;
    },
    mintIdToken,
    mintAccessToken,
    async rotateSigningKey(opts = {}) {
      const k = await makeSigningKey(certs.dir);
      if (opts.dropPrevious) signingKeys.length = 0;
      signingKeys.unshift(k);
      return k;
    },
    fetch: fetchTrustingCa(certs.rootPem),
    agent,
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections?.();
            }),
        ),
      );
      for (const s of sockets) s.destroy();
      agent.destroy();
      if (!options.keepCertDir) {
        await removeCertChain(certs);
        liveDirs.delete(certs.dir);
      }
    },
  };
  return tenant;
}
