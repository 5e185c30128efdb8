/**
 * Signing keys of an issuer (OIDC discovery -> jwks_uri), cached per issuer, and signature
 * verification where the KEY decides the algorithm, never the token header.
 *
 * HTTP goes through ./http (the extra CA certificates, timeouts and cancellation apply).
 * Signatures are checked with node:crypto directly: each JWKS key is imported once into a
 * KeyObject (per issuer, kid and modulus) and crypto.verify runs synchronously on it. (Until
 * issue 11 this went through jose, whose WebCrypto verify re-imported the key for every token
 * given by `keys` and queued each check on the thread pool: ~3,000 checks/s instead of ~30,000.)
 */
import { createPublicKey, verify as cryptoVerify, constants as cryptoConstants, type JsonWebKey, type KeyObject } from 'node:crypto';
import { EngineError, describeError, isCancelled, throwIfAborted, cancelledError } from '../errors';
import { httpsRequest } from '../http';
import { decodeToken, type DecodeResult } from './decode';
import type { TrustSettings } from '../trust';

/** A JSON Web Key as published in a JWKS (public parts only). */
export interface Jwk {
  kty?: string;
  kid?: string;
  use?: string;
  alg?: string;
  crv?: string;
  [k: string]: unknown;
}

export interface JwksFetchOptions {
  trust?: TrustSettings | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface JwksCacheOptions {
  /** Lifetime of a cached key set without Cache-Control (default 10 min). */
  ttlMs?: number;
  /** Bounds applied to Cache-Control max-age (default 1 min .. 24 h). */
  minTtlMs?: number;
  maxTtlMs?: number;
  /** At most one refresh per issuer in this interval when a kid is unknown (default 30 s). */
  refreshIntervalMs?: number;
  /** Clock (ms), for tests. */
  now?: () => number;
}

export interface JwksSnapshot {
  issuer: string;
  discoveryUrl: string;
  jwksUri: string;
  keys: Jwk[];
  fetchedAt: number;
  expiresAt: number;
  /** The discovery document's jwks_uri is on another origin than the issuer (said in the result). */
  jwksOtherOrigin: boolean;
}

export interface JwksEntry extends JwksSnapshot {
  /** Imported keys by `${kid}|${alg}|modulus`. */
  imported: Map<string, KeyObject>;
}
type Entry = JwksEntry;

const DEFAULT_TTL = 10 * 60_000;

function maxAgeMs(cacheControl: string | string[] | undefined): number | undefined {
  const v = Array.isArray(cacheControl) ? cacheControl.join(',') : cacheControl;
  if (!v) return undefined;
  if (/\b(no-store|no-cache)\b/i.test(v)) return 0;
  const m = /\bmax-age\s*=\s*"?(\d+)/i.exec(v);
  return m?.[1] ? Number(m[1]) * 1000 : undefined;
}

/** The discovery URL for an issuer: <iss without trailing slash>/.well-known/openid-configuration. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

function checkIssuer(issuer: string): void {
  let u: URL;
  try {
    u = new URL(issuer);
  } catch {
    throw new EngineError('INVALID_INPUT', `The issuer ${JSON.stringify(issuer.slice(0, 200))} is not a URL.`,
      'An Auth0 ID token has iss = https://TENANT.auth0.com/ (or your custom domain).');
  }
  if (u.protocol !== 'https:') {
    throw new EngineError('INVALID_INPUT', `The issuer ${issuer} is not an https:// URL, so its keys cannot be fetched.`,
      'OpenID Connect issuers must use https://; IAM providers too.');
  }
}

/**
 * Per-issuer cache of JWKS documents. Entries live `ttlMs` (or the JWKS response's
 * Cache-Control max-age, bounded); a token with an unknown kid may refresh an issuer's keys at
 * most once per `refreshIntervalMs`. Concurrent requests for the same issuer share one fetch.
 */
export class JwksCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly lastRefresh = new Map<string, number>();
  readonly ttlMs: number;
  readonly minTtlMs: number;
  readonly maxTtlMs: number;
  readonly refreshIntervalMs: number;
  private readonly now: () => number;
  /** Network fetches made (discovery + JWKS count as one), for tests and logs. */
  fetches = 0;

  constructor(opts: JwksCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_TTL;
    this.minTtlMs = opts.minTtlMs ?? 60_000;
    this.maxTtlMs = opts.maxTtlMs ?? 24 * 3600_000;
    this.refreshIntervalMs = opts.refreshIntervalMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** The cached key set, if fresh. */
  peek(issuer: string): JwksSnapshot | undefined {
    const e = this.entries.get(issuer);
    if (!e || e.expiresAt <= this.now()) return undefined;
    const { imported: _imported, ...snapshot } = e;
    return snapshot;
  }

  clear(issuer?: string): void {
    if (issuer === undefined) {
      this.entries.clear();
      this.lastRefresh.clear();
    } else {
      this.entries.delete(issuer);
      this.lastRefresh.delete(issuer);
    }
  }

  /** The issuer's entry when cached and fresh, synchronously (the hot path: no promise, no copy). */
  fresh(issuer: string): Entry | undefined {
    const e = this.entries.get(issuer);
    return e && e.expiresAt > this.now() ? e : undefined;
  }

  /** The issuer's keys: from the cache when fresh, else fetched. Throws EngineErrors. */
  async get(issuer: string, opts: JwksFetchOptions = {}): Promise<{ entry: Entry; fromCache: boolean }> {
    throwIfAborted(opts.signal);
    const cached = this.entries.get(issuer);
    if (cached && cached.expiresAt > this.now()) return { entry: cached, fromCache: true };
    return { entry: await this.load(issuer, opts), fromCache: false };
  }

  /**
   * Refetches the issuer's keys because a kid was not found, unless that happened less than
   * refreshIntervalMs ago. Returns the new entry, or undefined when rate-limited.
   */
  async refreshForUnknownKid(issuer: string, opts: JwksFetchOptions = {}): Promise<Entry | undefined> {
    const last = this.lastRefresh.get(issuer);
    const entry = this.entries.get(issuer);
    const t = this.now();
    if (last !== undefined && t - last < this.refreshIntervalMs) return undefined;
    if (entry && t - entry.fetchedAt < Math.min(this.refreshIntervalMs, 1000)) return undefined; // just fetched
    this.lastRefresh.set(issuer, t);
    return this.load(issuer, opts);
  }

  private load(issuer: string, opts: JwksFetchOptions): Promise<Entry> {
    let p = this.inflight.get(issuer);
    if (!p) {
      p = this.fetchEntry(issuer, { trust: opts.trust, timeoutMs: opts.timeoutMs }).finally(() => this.inflight.delete(issuer));
      this.inflight.set(issuer, p);
    }
    return raceAbort(p, opts.signal);
  }

  private async fetchEntry(issuer: string, opts: JwksFetchOptions): Promise<Entry> {
    checkIssuer(issuer);
    this.fetches++;
    const dUrl = discoveryUrl(issuer);
    const doc = await fetchJsonObject(dUrl, opts, 'OpenID Connect discovery document');
    // OpenID Connect Discovery 1.0 section 4.3: the issuer in the document MUST be identical to
    // the issuer it was fetched for; otherwise its keys say nothing about this issuer's tokens.
    const docIssuer = doc.body.issuer;
    if (docIssuer !== issuer) {
      throw new EngineError('HTTP',
        `The discovery document ${dUrl} names the issuer ${typeof docIssuer === 'string' ? JSON.stringify(docIssuer.slice(0, 200)) : 'nothing'}, not ${JSON.stringify(issuer)}: its keys cannot vouch for this token (OpenID Connect Discovery requires them to be identical).`,
        'Check the token\'s iss: an Auth0 ID token has iss = https://TENANT.auth0.com/ (with the trailing slash), exactly as the discovery document says. A different value means the token was not issued by this domain, or a proxy rewrites the document.');
    }
    const jwksUri = doc.body.jwks_uri;
    if (typeof jwksUri !== 'string' || !jwksUri) {
      throw new EngineError('HTTP', `${dUrl} has no jwks_uri.`, 'The issuer does not publish signing keys through discovery: check that iss is the Auth0 domain.');
    }
    checkIssuer(jwksUri);
    const otherOrigin = new URL(jwksUri).origin !== new URL(issuer).origin;
    const jwks = await fetchJsonObject(jwksUri, opts, 'JWKS');
    const keys = jwks.body.keys;
    if (!Array.isArray(keys)) {
      throw new EngineError('HTTP', `${jwksUri} is not a JWKS (no "keys" array).`, 'Check the jwks_uri of the issuer\'s discovery document.');
    }
    const age = maxAgeMs(jwks.headers['cache-control']);
    const ttl = age === undefined ? this.ttlMs : Math.min(this.maxTtlMs, Math.max(this.minTtlMs, age));
    const t = this.now();
    const entry: Entry = {
      issuer,
      discoveryUrl: dUrl,
      jwksUri,
      keys: keys.filter((k): k is Jwk => k !== null && typeof k === 'object' && !Array.isArray(k)),
      fetchedAt: t,
      expiresAt: t + ttl,
      jwksOtherOrigin: otherOrigin,
      imported: new Map(),
    };
    this.entries.set(issuer, entry);
    return entry;
  }
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(cancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

async function fetchJsonObject(url: string, opts: JwksFetchOptions, what: string): Promise<{ body: Record<string, unknown>; headers: Record<string, string | string[] | undefined> }> {
  const res = await httpsRequest(url, { trust: opts.trust, timeoutMs: opts.timeoutMs ?? 10_000, maxBytes: 1024 * 1024 });
  if (res.status < 200 || res.status >= 300) {
    throw new EngineError('HTTP', `The ${what} ${url} answered HTTP ${res.status}.`,
      res.status === 404 ? 'Check the issuer: this URL does not exist there.' : 'The identity provider has a problem; try again later.');
  }
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    throw new EngineError('HTTP', `The ${what} ${url} is not JSON.`, 'Check the issuer: it does not look like an OpenID Connect provider.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new EngineError('HTTP', `The ${what} ${url} is not a JSON object.`, 'Check the issuer: it does not look like an OpenID Connect provider.');
  }
  return { body: body as Record<string, unknown>, headers: res.headers };
}

/** The process-wide cache the extension and the CLI use. */
export const defaultJwksCache = new JwksCache();

// ---------------------------------------------------------------------------------------------
// Verification

export type SignatureStatus = 'valid' | 'invalid' | 'key-not-found' | 'jwks-unreachable' | 'unsupported-alg' | 'not-checked';

export interface SignatureResult {
  status: SignatureStatus;
  /** What was found, as a sentence. */
  message: string;
  /** What to do. */
  hint: string;
  /** alg in the token header (informational only, never used to verify). */
  headerAlg?: string | undefined;
  /** The algorithm the signature was checked with (decided by the key and expectedAlg). */
  alg?: string | undefined;
  kid?: string | undefined;
  /** kty of the key used. */
  keyType?: string | undefined;
  issuer?: string | undefined;
  jwksUri?: string | undefined;
  /** The keys came from the cache. */
  fromCache?: boolean | undefined;
  /** An unknown kid made us refetch the keys. */
  refreshed?: boolean | undefined;
  /** The keys came from a jwks_uri on another origin than the issuer. */
  jwksOtherOrigin?: boolean | undefined;
}

export interface VerifyOptions extends JwksFetchOptions {
  /** Default: defaultJwksCache. */
  cache?: JwksCache | undefined;
  /**
   * The algorithm the Auth0 application is set to (jwt_configuration.alg), for RSA keys.
   * Default RS256. The token header's alg is never used to choose.
   */
  expectedAlg?: string | undefined;
  /** Verify against these keys instead of fetching the issuer's JWKS (offline, tests). */
  keys?: Jwk[] | { keys: Jwk[] } | undefined;
  /** Fetch keys for this issuer instead of the token's iss. */
  issuer?: string | undefined;
}

const RSA_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
const EC_ALGS: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', secp256k1: 'ES256K' };

/** The algorithm a key is used with: decided by the key type (and the expected setting for RSA). */
export function algorithmForKey(jwk: Jwk, expectedAlg?: string): { alg: string } | { problem: string } {
  switch (jwk.kty) {
    case 'RSA':
      if (expectedAlg && RSA_ALGS.has(expectedAlg)) return { alg: expectedAlg };
      return { alg: 'RS256' };
    case 'EC': {
      const alg = EC_ALGS[jwk.crv ?? ''];
      return alg ? { alg } : { problem: `an EC key on the unsupported curve ${JSON.stringify(jwk.crv)}` };
    }
    case 'OKP':
      return jwk.crv === 'Ed25519' || jwk.crv === 'Ed448' ? { alg: 'EdDSA' } : { problem: `an OKP key on the unsupported curve ${JSON.stringify(jwk.crv)}` };
    case 'oct':
      return { problem: 'a symmetric (oct) key, which never belongs in a public JWKS' };
    default:
      return { problem: `a key of unknown type ${JSON.stringify(jwk.kty)}` };
  }
}

const RS256_HINT = 'In Auth0, set the application\'s signing algorithm to RS256 (Dashboard: Applications > your app > Settings > Advanced Settings > OAuth > JsonWebToken Signature Algorithm), then sign in again for a new token.';

function isSigningKey(k: Jwk): boolean {
  return (k.use === undefined || k.use === 'sig') && typeof k.kty === 'string';
}

function findKey(keys: Jwk[], kid: string | undefined): Jwk | undefined {
  const signing = keys.filter(isSigningKey);
  if (kid === undefined) return signing.length === 1 ? signing[0] : undefined;
  return signing.find((k) => k.kid === kid);
}

function keyList(keys: Jwk[]): string {
  const kids = keys.map((k) => (typeof k.kid === 'string' ? k.kid : '(no kid)'));
  if (kids.length === 0) return 'it holds no keys';
  return `it holds ${kids.length} key${kids.length > 1 ? 's' : ''}: ${kids.slice(0, 5).join(', ')}${kids.length > 5 ? ', ...' : ''}`;
}

/**
 * Verifies the token's signature against its issuer's JWKS. Never throws for a bad token or an
 * unreachable issuer (those are results); throws only the CANCELLED EngineError.
 */
export async function verifySignature(token: string | DecodeResult, opts: VerifyOptions = {}): Promise<SignatureResult> {
  const decoded = typeof token === 'string' ? decodeToken(token) : token;
  if (!decoded.ok) {
    return { status: 'not-checked', message: `The signature was not checked: ${decoded.problem}`, hint: decoded.hint };
  }
  const headerAlg = decoded.alg;
  const kid = decoded.kid;
  const base = { headerAlg, kid };
  if (headerAlg === undefined || headerAlg.toLowerCase() === 'none' || !decoded.hasSignature) {
    return {
      ...base,
      status: 'unsupported-alg',
      message: headerAlg === undefined ? 'The token header has no "alg": the token is not signed in any way Cognito accepts.'
        : headerAlg.toLowerCase() === 'none' ? 'The token is not signed (alg "none"): anyone could have written it, and Cognito rejects it.'
          : `The token has no signature (alg ${JSON.stringify(headerAlg)}, empty third part): anyone could have written it.`,
      hint: `Send the ID token as Auth0 issues it. ${RS256_HINT}`,
    };
  }
  if (/^HS\d+$/i.test(headerAlg)) {
    return {
      ...base,
      status: 'unsupported-alg',
      message: `The token is signed with ${headerAlg} (a shared secret, the application's client secret): it cannot be checked against the public JWKS, and Cognito rejects it.`,
      hint: RS256_HINT,
    };
  }

  const issuer = opts.issuer ?? (typeof decoded.claims.iss === 'string' ? decoded.claims.iss : undefined);
  let keys: Jwk[];
  let jwksUri: string | undefined;
  let fromCache = false;
  let entry: Entry | undefined;
  const cache = opts.cache ?? defaultJwksCache;
  if (opts.keys) {
    keys = Array.isArray(opts.keys) ? opts.keys : opts.keys.keys;
  } else {
    if (!issuer) {
      return { ...base, status: 'not-checked', message: 'The token has no "iss" claim, so its signing keys cannot be found.', hint: 'An Auth0 ID token always has iss = https://TENANT.auth0.com/. Check that this is the ID token.' };
    }
    // A fresh cached key set is taken synchronously (as cache.get would, cancellation included);
    // only a miss waits for the fetch.
    throwIfAborted(opts.signal);
    entry = cache.fresh(issuer);
    if (entry) fromCache = true;
    else {
      try {
        const got = await cache.get(issuer, opts);
        entry = got.entry;
        fromCache = got.fromCache;
      } catch (e) {
        if (isCancelled(e)) throw e;
        return unreachable(e, issuer, base);
      }
    }
    keys = entry.keys;
    jwksUri = entry.jwksUri;
  }

  let jwk = findKey(keys, kid);
  let refreshed = false;
  if (!jwk && entry && issuer) {
    try {
      const fresh = await cache.refreshForUnknownKid(issuer, opts);
      if (fresh) {
        refreshed = true;
        entry = fresh;
        keys = fresh.keys;
        jwk = findKey(keys, kid);
      }
    } catch (e) {
      if (isCancelled(e)) throw e;
      // The old keys stand; report key-not-found below.
    }
  }
  const where = jwksUri ?? 'the given key set';
  const jwksOtherOrigin = entry?.jwksOtherOrigin ?? false;
  // The results below are built by `result` (same keys, same order as before): V8 (Node 20)
  // spends 1-3 µs on each `{ ...obj, more }` literal, ~9 µs per valid check with three of them.
  const known: Known = { headerAlg, kid, issuer, jwksUri, fromCache, refreshed, jwksOtherOrigin };
  if (!jwk) {
    return result(known, NO_ALG, NO_KEY_TYPE, {
      status: 'key-not-found',
      message: kid === undefined
        ? `The token header has no "kid", and ${where} does not hold exactly one signing key (${keyList(keys)}).`
        : `No key with kid ${JSON.stringify(kid)} in ${where} (${keyList(keys)}).`,
      hint: 'The token was signed with a key this issuer does not publish: it comes from another tenant or environment, the key was rotated out (sign in again), or the token was forged. Cognito answers "Invalid login token. Couldn\'t verify signed token."',
    });
  }
  const chosen = algorithmForKey(jwk, opts.expectedAlg);
  if ('problem' in chosen) {
    return result(known, NO_ALG, jwk.kty, { status: 'unsupported-alg', message: `The key ${JSON.stringify(kid ?? '')} in ${where} is ${chosen.problem}.`, hint: RS256_HINT });
  }
  const alg = chosen.alg;
  const keyType = jwk.kty;
  if (headerAlg !== alg) {
    const expectedNote = jwk.kty === 'RSA' && !opts.expectedAlg
      ? ` If the Auth0 application is set to ${headerAlg}, pass that as the expected algorithm; Cognito documents RS256.`
      : '';
    return result(known, alg, keyType, {
      status: 'invalid',
      message: `The token header says ${headerAlg}, but the key ${JSON.stringify(kid ?? '')} (${jwk.kty}) is used with ${alg}: the algorithm does not match, so the signature does not verify.`,
      hint: `${RS256_HINT}${expectedNote}`,
    });
  }

  throwIfAborted(opts.signal);
  let key: KeyObject;
  try {
    key = importKey(jwk, kid, alg, issuer, entry?.imported);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return result(known, alg, keyType, { status: 'invalid', message: `The key ${JSON.stringify(kid ?? '')} from ${where} cannot be used for ${alg}: ${msg}`, hint: RS256_HINT });
  }
  const checked = checkJws(decoded.raw, decoded.header, key, alg);
  if (checked === true) {
    const origin = jwksOtherOrigin && issuer
      ? ` Note: the discovery document of ${issuer} points to keys on another origin (${new URL(where).origin}); Auth0 serves them from the tenant's own domain, so check that this is intended.`
      : '';
    return result(known, alg, keyType, { status: 'valid', message: `The signature is valid (${alg}, key ${JSON.stringify(kid ?? '')} from ${where}).${origin}`, hint: '' });
  }
  if (checked === false) {
    return result(known, alg, keyType, {
      status: 'invalid',
      message: `The signature does not match the key ${JSON.stringify(kid ?? '')} from ${where}: the token was changed after signing, or signed with another key that reuses this kid.`,
      hint: 'Use the token exactly as Auth0 issued it (sign in again). Cognito answers "Invalid login token. Couldn\'t verify signed token."',
    });
  }
  if (checked.key) {
    return result(known, alg, keyType, { status: 'invalid', message: `The key ${JSON.stringify(kid ?? '')} from ${where} cannot be used for ${alg}: ${checked.problem}`, hint: RS256_HINT });
  }
  return result(known, alg, keyType, { status: 'invalid', message: `The signature could not be verified: ${checked.problem}`, hint: 'Use the token exactly as Auth0 issued it (sign in again).' });
}

/** What verifySignature knows once it has the key set. */
interface Known {
  headerAlg: string;
  kid: string | undefined;
  issuer: string | undefined;
  jwksUri: string | undefined;
  fromCache: boolean;
  refreshed: boolean;
  jwksOtherOrigin: boolean;
}
/** Markers for `result`: the result has no alg (no key chosen) / no keyType. */
const NO_ALG = Symbol('no alg');
const NO_KEY_TYPE = Symbol('no keyType');

/**
 * A result with the keys in the order the spreads used to give them: headerAlg, kid, issuer,
 * jwksUri, fromCache, refreshed, [jwksOtherOrigin when true], [alg], [keyType], status, message,
 * hint. Properties are added one by one (no spread: see the note in verifySignature).
 */
function result(k: Known, alg: string | typeof NO_ALG, keyType: string | undefined | typeof NO_KEY_TYPE, o: { status: SignatureStatus; message: string; hint: string }): SignatureResult {
  const r: SignatureResult = { headerAlg: k.headerAlg, kid: k.kid, issuer: k.issuer, jwksUri: k.jwksUri, fromCache: k.fromCache, refreshed: k.refreshed } as SignatureResult;
  if (k.jwksOtherOrigin) r.jwksOtherOrigin = true;
  if (alg !== NO_ALG) r.alg = alg;
  if (keyType !== NO_KEY_TYPE) r.keyType = keyType;
  r.status = o.status;
  r.message = o.message;
  r.hint = o.hint;
  return r;
}

/** Keys imported for `keys` given by the caller (no cache entry to hold them), bounded. */
const givenKeys = new Map<string, KeyObject>();
const MAX_GIVEN_KEYS = 256;

/** Hash, padding and signature encoding of each algorithm, for crypto.verify. */
const VERIFY: Record<string, { hash: string | null; type: string; curve?: string; padding?: number; dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { hash: 'sha256', type: 'rsa' },
  RS384: { hash: 'sha384', type: 'rsa' },
  RS512: { hash: 'sha512', type: 'rsa' },
  PS256: { hash: 'sha256', type: 'rsa', padding: cryptoConstants.RSA_PKCS1_PSS_PADDING },
  PS384: { hash: 'sha384', type: 'rsa', padding: cryptoConstants.RSA_PKCS1_PSS_PADDING },
  PS512: { hash: 'sha512', type: 'rsa', padding: cryptoConstants.RSA_PKCS1_PSS_PADDING },
  ES256: { hash: 'sha256', type: 'ec', curve: 'prime256v1', dsaEncoding: 'ieee-p1363' },
  ES384: { hash: 'sha384', type: 'ec', curve: 'secp384r1', dsaEncoding: 'ieee-p1363' },
  ES512: { hash: 'sha512', type: 'ec', curve: 'secp521r1', dsaEncoding: 'ieee-p1363' },
  ES256K: { hash: 'sha256', type: 'ec', curve: 'secp256k1', dsaEncoding: 'ieee-p1363' },
  EdDSA: { hash: null, type: 'ed' },
};

/**
 * The JWK as a KeyObject, imported once per issuer, kid, algorithm and modulus (or curve point):
 * kept in the JWKS cache entry (it expires with it) or, for keys the caller gave, in a bounded
 * process-wide map. Throws when the JWK is not a usable public key for `alg`.
 */
function importKey(jwk: Jwk, kid: string | undefined, alg: string, issuer: string | undefined, imported: Map<string, KeyObject> | undefined): KeyObject {
  // The same JWK object seen again (the cached key set, or the caller's keys): no key string to build.
  const seen = byJwk.get(jwk);
  if (seen && seen.alg === alg && seen.kid === kid && seen.issuer === issuer && seen.imported === imported
    && seen.n === jwk.n && seen.x === jwk.x && seen.y === jwk.y) return seen.key;
  const key = importKeyByMaterial(jwk, kid, alg, issuer, imported);
  byJwk.set(jwk, { alg, kid, issuer, imported, n: jwk.n, x: jwk.x, y: jwk.y, key });
  return key;
}

/** Last import per JWK object (weak: goes with the key set). */
const byJwk = new WeakMap<Jwk, { alg: string; kid: string | undefined; issuer: string | undefined; imported: Map<string, KeyObject> | undefined; n: unknown; x: unknown; y: unknown; key: KeyObject }>();

function importKeyByMaterial(jwk: Jwk, kid: string | undefined, alg: string, issuer: string | undefined, imported: Map<string, KeyObject> | undefined): KeyObject {
  const material = JSON.stringify([jwk.kty, jwk.crv ?? '', jwk.n ?? '', jwk.e ?? '', jwk.x ?? '', jwk.y ?? '']);
  const cacheKey = imported ? `${kid ?? ''}|${alg}|${material}` : `${issuer ?? ''}|${kid ?? ''}|${alg}|${material}`;
  const map = imported ?? givenKeys;
  const hit = map.get(cacheKey);
  if (hit) return hit;
  const { use: _use, key_ops: _ops, alg: _alg, d, p, q, dp, dq, qi, k, ...pub } = jwk;
  if (d !== undefined || p !== undefined || q !== undefined || dp !== undefined || dq !== undefined || qi !== undefined || k !== undefined) {
    throw new Error('the JWKS publishes private key material');
  }
  const key = createPublicKey({ key: pub as JsonWebKey, format: 'jwk' });
  const want = VERIFY[alg];
  const type = key.asymmetricKeyType ?? '';
  if (!want) throw new Error(`${alg} is not supported`);
  if (want.type === 'ed' ? type !== 'ed25519' && type !== 'ed448' : type !== want.type) {
    throw new Error(`${alg} needs a${want.type === 'ec' ? 'n EC' : want.type === 'ed' ? 'n Ed25519/Ed448' : 'n RSA'} key, this is ${type || 'unknown'}`);
  }
  if (want.curve && key.asymmetricKeyDetails?.namedCurve !== want.curve) {
    throw new Error(`${alg} needs the curve ${want.curve}, this key is on ${key.asymmetricKeyDetails?.namedCurve ?? 'another curve'}`);
  }
  if (want.type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new Error(`${alg} requires key modulusLength to be 2048 bits or larger`);
  }
  if (map === givenKeys && givenKeys.size >= MAX_GIVEN_KEYS) givenKeys.clear();
  map.set(cacheKey, key);
  return key;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Checks a compact JWS with the key: true (valid), false (the signature does not match), or the
 * problem that kept it from being checked (`key`: it lies with the key).
 */
function checkJws(raw: string, header: Record<string, unknown>, key: KeyObject, alg: string): boolean | { problem: string; key?: boolean } {
  // RFC 7515 4.1.11: a header naming extensions this verifier does not understand is rejected.
  if (header.crit !== undefined) {
    const names = Array.isArray(header.crit) ? header.crit.filter((c): c is string => typeof c === 'string') : [];
    return { problem: names.length > 0 ? `Extension Header Parameter "${names[0]}" is not recognized` : '"crit" must be a non-empty array of strings' };
  }
  if (header.b64 !== undefined) return { problem: 'the "b64" header parameter (unencoded payload) is not supported' };
  const dot = raw.lastIndexOf('.');
  const sig = raw.slice(dot + 1);
  if (dot <= 0 || !B64URL.test(sig) || sig.length % 4 === 1) return { problem: 'the signature is not base64url' };
  const want = VERIFY[alg]!;
  const data = Buffer.from(raw.slice(0, dot), 'latin1');
  const signature = Buffer.from(sig, 'base64url');
  try {
    if (want.hash === null) return cryptoVerify(null, data, key, signature);
    if (want.padding !== undefined) {
      return cryptoVerify(want.hash, data, { key, padding: want.padding, saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST }, signature);
    }
    if (want.dsaEncoding) return cryptoVerify(want.hash, data, { key, dsaEncoding: want.dsaEncoding }, signature);
    return cryptoVerify(want.hash, data, key, signature);
  } catch (e) {
    // A signature of the wrong length or shape for the key: it does not verify.
    if (/signature|length|sig/i.test(e instanceof Error ? e.message : '')) return false;
    return { problem: e instanceof Error ? e.message : String(e), key: true };
  }
}

function unreachable(e: unknown, issuer: string, base: { headerAlg: string | undefined; kid: string | undefined }): SignatureResult {
  const d = describeError(e);
  return {
    ...base,
    issuer,
    status: 'jwks-unreachable',
    message: `The signing keys of ${issuer} could not be read: ${d.message}`,
    hint: d.hint || 'Check the network, or the extra CA certificates setting behind a TLS-inspecting proxy.',
  };
}
