/**
 * The engine's door to the Auth0 Management API. Cheap to import: the auth0 SDK lives in
 * the lazy chunk (./sdk.ts, bundled as dist/chunks/auth0.js), loaded on first use with loadAuth0().
 */
import type * as Auth0Chunk from './sdk';
import { EngineError } from '../errors';
import type { TrustSettings } from '../trust';

export type SigningAlg = 'HS256' | 'RS256' | 'RS512' | 'PS256';

export interface Auth0Connection {
  /** Tenant or custom domain, e.g. tenant.eu.auth0.com (no scheme, no slash). */
  domain: string;
  trust?: TrustSettings | undefined;
  timeoutMs?: number | undefined;
}

/** Management API access: a machine-to-machine app, or a pasted Management API token. */
export type ManagementCredentials =
  | { kind: 'clientCredentials'; clientId: string; clientSecret: string; audience?: string | undefined }
  | { kind: 'token'; token: string };

export type Auth0Module = typeof Auth0Chunk;

let chunk: Auth0Module | undefined;

/** Loads the auth0 SDK chunk (once). */
export function loadAuth0(): Auth0Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  chunk ??= require('./sdk') as Auth0Module;
  return chunk;
}

export function isAuth0Loaded(): boolean {
  return chunk !== undefined;
}

/**
 * Normalises what people type as their Auth0 domain: strips https://, a path and a trailing
 * slash; keeps a port (local tenants). Rejects anything that is not a host name.
 */
export function normalizeAuth0Domain(input: string): string {
  let t = (input ?? '').trim();
  if (!t) throw new EngineError('INVALID_INPUT', 'No Auth0 domain given.', 'Enter your tenant domain (TENANT.auth0.com, TENANT.REGION.auth0.com) or custom domain.');
  if (/^http:\/\//i.test(t)) throw new EngineError('INVALID_INPUT', 'The Auth0 domain must use https://.', 'Enter the domain without http://, e.g. tenant.auth0.com.');
  t = t.replace(/^https:\/\//i, '');
  let url: URL;
  try {
    url = new URL(`https://${t}`);
  } catch {
    throw new EngineError('INVALID_INPUT', `"${input}" is not a domain.`, 'Enter your tenant domain, e.g. tenant.auth0.com.');
  }
  if (!url.hostname || url.username || /[\s]/.test(t)) {
    throw new EngineError('INVALID_INPUT', `"${input}" is not a domain.`, 'Enter your tenant domain, e.g. tenant.auth0.com.');
  }
  return url.host.toLowerCase();
}
