/**
 * Lazy chunk: everything that imports the auth0 SDK. The entry file of dist/chunks/auth0.js,
 * required on first use through loadAuth0() in ./connection.ts.
 *
 * All HTTPS goes through engineFetch, so the extra CA certificates setting, timeouts and
 * cancellation apply to the SDK as to the rest of the engine.
 */
import { ManagementClient, ManagementError } from 'auth0';
import type { Auth0Connection, ManagementCredentials, SigningAlg } from './connection';
import { normalizeAuth0Domain } from './connection';
import { EngineError, cancelledError, isEngineError } from '../errors';
import { engineFetch } from '../fetch';
import { httpsRequest } from '../http';

export interface Auth0Application {
  clientId: string;
  name: string;
  appType: string | undefined;
  alg: SigningAlg | undefined;
  callbacks: string[];
}

export interface ManagementSession {
  domain: string;
  client: ManagementClient;
  /** Scopes the token carries, when known (client credentials answer with them). */
  scopes: string[] | undefined;
}

/** Client credentials grant for the Management API audience. */
export async function managementToken(conn: Auth0Connection, creds: Extract<ManagementCredentials, { kind: 'clientCredentials' }>, signal?: AbortSignal): Promise<{ token: string; scopes: string[]; expiresIn: number }> {
  const domain = normalizeAuth0Domain(conn.domain);
  const audience = creds.audience ?? `https://${domain}/api/v2/`;
  const res = await httpsRequest(`https://${domain}/oauth/token`, {
    trust: conn.trust,
    timeoutMs: conn.timeoutMs,
    signal,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret, audience }),
  });
  let body: { access_token?: string; scope?: string; expires_in?: number; error?: string; error_description?: string } = {};
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    // handled below
  }
  if (res.status === 200 && body.access_token) {
    return { token: body.access_token, scopes: (body.scope ?? '').split(' ').filter(Boolean), expiresIn: body.expires_in ?? 0 };
  }
  if (res.status === 401 || body.error === 'access_denied' || body.error === 'invalid_client') {
    throw new EngineError('AUTH0', `Auth0 rejected the Management API client credentials (${body.error_description ?? body.error ?? `HTTP ${res.status}`}).`,
      'Check the machine-to-machine application\'s client ID and secret (Dashboard > Applications > your M2M app > Settings).');
  }
  if (res.status === 403) {
    throw new EngineError('AUTH0', `Auth0 refused a Management API token to this client (${body.error_description ?? body.error ?? 'HTTP 403'}).`,
      'Authorize the machine-to-machine application for the Auth0 Management API with the read:clients and update:clients scopes (Dashboard > Applications > APIs > Auth0 Management API > Machine To Machine Applications).');
  }
  if (res.status === 404) {
    throw new EngineError('AUTH0', `https://${domain}/oauth/token does not exist.`, 'Check the Auth0 domain: it does not look like an Auth0 tenant.');
  }
  throw new EngineError('AUTH0', `Auth0 token request failed: HTTP ${res.status} ${body.error_description ?? ''}`.trim(), 'Try again later; check the Auth0 status page.');
}

/** A Management API session from client credentials or a pasted token. */
export async function openManagement(conn: Auth0Connection, creds: ManagementCredentials, signal?: AbortSignal): Promise<ManagementSession> {
  const domain = normalizeAuth0Domain(conn.domain);
  let token: string;
  let scopes: string[] | undefined;
  if (creds.kind === 'token') {
    token = creds.token.trim().replace(/^Bearer\s+/i, '');
    scopes = scopesOfJwt(token);
  } else {
    const t = await managementToken(conn, creds, signal);
    token = t.token;
    scopes = t.scopes;
  }
  const client = new ManagementClient({
    domain,
    token,
    telemetry: false,
    maxRetries: 1,
    timeoutInSeconds: Math.ceil((conn.timeoutMs ?? 15_000) / 1000),
    fetch: engineFetch({ trust: conn.trust, timeoutMs: conn.timeoutMs }),
  });
  return { domain, client, scopes };
}

function scopesOfJwt(token: string): string[] | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { scope?: unknown };
    return typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : undefined;
  } catch {
    return undefined;
  }
}

/** Turns a Management API failure into an EngineError whose hint names the fix. */
export function auth0Error(e: unknown, action: string, domain: string): EngineError {
  if (isEngineError(e)) return e;
  if (e instanceof ManagementError) {
    const body = (e.body ?? {}) as { message?: string; errorCode?: string; error?: string };
    const msg = body.message ?? e.message;
    switch (e.statusCode) {
      case 401:
        return new EngineError('AUTH0', `The Auth0 Management API rejected the token while trying to ${action} (${msg}).`,
          'The token is expired or for another tenant: paste a fresh Management API token, or use machine-to-machine client credentials.');
      case 403: {
        const [first, ...rest] = (/expected any of: ([\w:, ]+)/.exec(msg)?.[1] ?? '').split(/[ ,]+/).filter(Boolean);
        const scope = first ? `the ${first} scope${rest.length ? ` (or ${rest.join(' or ')})` : ''}` : 'the missing scope';
        return new EngineError('AUTH0', `The Management API token may not ${action}: ${msg}`,
          `Grant ${scope} to the machine-to-machine application (Dashboard > Applications > APIs > Auth0 Management API > Machine To Machine Applications), then get a new token.`);
      }
      case 404:
        return new EngineError('AUTH0', `Auth0 has no application with that client ID on ${domain} (${msg}).`,
          'Copy the Client ID from Dashboard > Applications > your application > Settings, and check that the domain is the same tenant.');
      case 429:
        return new EngineError('AUTH0', `Auth0 rate-limited the request to ${action}.`, 'Wait a minute and try again.');
      default:
        return new EngineError('AUTH0', `Auth0 Management API: could not ${action}: ${e.statusCode ? `HTTP ${e.statusCode} ` : ''}${msg}`, 'See the message from Auth0 above.');
    }
  }
  const err = e as { name?: string; message?: string };
  if (err?.name === 'AbortError') return cancelledError();
  return new EngineError('AUTH0', `Could not ${action} on ${domain}: ${err?.message ?? String(e)}`, 'Check the domain and your network.');
}

async function call<T>(s: ManagementSession, action: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  if (signal?.aborted) throw cancelledError();
  try {
    return await fn();
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    throw auth0Error(e, action, s.domain);
  }
}

function toApplication(c: { client_id?: string; name?: string; app_type?: string; callbacks?: string[]; jwt_configuration?: { alg?: string } }): Auth0Application {
  return {
    clientId: c.client_id ?? '',
    name: c.name ?? '',
    appType: c.app_type,
    alg: c.jwt_configuration?.alg as SigningAlg | undefined,
    callbacks: c.callbacks ?? [],
  };
}

/** GET /api/v2/clients/{id} (needs read:clients). */
export async function getApplication(s: ManagementSession, clientId: string, signal?: AbortSignal): Promise<Auth0Application> {
  const c = await call(s, 'read the application', signal, () => s.client.clients.get(clientId, { fields: 'client_id,name,app_type,callbacks,jwt_configuration', include_fields: true }, { abortSignal: signal }));
  return toApplication(c);
}

/** PATCH /api/v2/clients/{id} (needs update:clients). Returns the updated application. */
export async function updateApplication(s: ManagementSession, clientId: string, patch: { alg?: SigningAlg; callbacks?: string[] }, signal?: AbortSignal): Promise<Auth0Application> {
  const body: { jwt_configuration?: { alg: SigningAlg }; callbacks?: string[] } = {};
  if (patch.alg) body.jwt_configuration = { alg: patch.alg };
  if (patch.callbacks) body.callbacks = patch.callbacks;
  const c = await call(s, 'update the application', signal, () => s.client.clients.update(clientId, body, { abortSignal: signal }));
  return toApplication(c);
}
