/**
 * Reading a token the way people paste it, without any network and without a JOSE library:
 * cleaning the input (Bearer prefix, quotes, line breaks, JSON, URL fragments), splitting and
 * decoding the JWT, classifying it as ID or access token, and turning its times into words.
 *
 * Nothing here throws on bad input: every problem comes back as `{ ok: false, problem, hint }`.
 * This is on the hot path of the inspector (hover, CodeLens, CLI): keep it allocation-light.
 */

import { MAX_JSON_DEPTH, jsonDepth, limitDepth } from '../bounds';
import { containsJwt } from './scan';

/** Cognito's limit for one value of the `Logins` map (GetId / GetCredentialsForIdentity). */
export const MAX_LOGINS_TOKEN_LENGTH = 50_000;
/** Above this, the input is not decoded at all (nobody pastes a 2 MB token on purpose). */
export const MAX_DECODE_LENGTH = 2_000_000;
/** Clock skew Cognito allows on `exp` (seconds). */
export const DEFAULT_SKEW_SECONDS = 300;

export type TokenKind = 'id' | 'access' | 'unknown';

export type TokenProblemCode =
  | 'EMPTY'
  | 'TOO_LARGE'
  | 'NOT_JWT'
  | 'OPAQUE'
  | 'JWE'
  | 'PARTS'
  | 'BAD_BASE64URL'
  | 'HEADER_NOT_JSON'
  | 'PAYLOAD_NOT_JSON'
  | 'HEADER_NOT_OBJECT'
  | 'PAYLOAD_NOT_OBJECT';

export interface TokenTime {
  /** The claim, e.g. 'exp'. */
  claim: 'exp' | 'iat' | 'auth_time' | 'nbf';
  /** Seconds since the epoch, as in the token. */
  value: number;
  /** UTC, e.g. '2026-11-26T11:17:11.000Z'; 'out of range' for absurd values. */
  iso: string;
  /** Relative to `now`: 'in 3 h 2 min' or '5 min ago' ('now' within a second). */
  relative: string;
  /** A sentence part: 'expires in 3 h 2 min', 'expired 5 min ago', 'issued 2 min ago', ... */
  text: string;
  /** Seconds from now (negative = in the past). */
  deltaSeconds: number;
}

export interface DecodedToken {
  ok: true;
  /** The compact JWT after cleaning (what would be sent to Cognito). */
  raw: string;
  /** Characters of `raw`. */
  length: number;
  /** More than MAX_LOGINS_TOKEN_LENGTH characters: Cognito refuses it. Still decoded. */
  tooLong: boolean;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** The third part is non-empty. */
  hasSignature: boolean;
  /** header.alg if it is a string. */
  alg: string | undefined;
  /** header.kid if it is a string. */
  kid: string | undefined;
  kind: TokenKind;
  /** Why it was classified so, e.g. 'has a "scope" claim (access tokens carry scopes)'. */
  kindReason: string;
  times: { exp?: TokenTime; iat?: TokenTime; auth_time?: TokenTime; nbf?: TokenTime };
  /** What cleaning the input did, e.g. 'removed the "Bearer " prefix'. */
  cleaned: string[];
  /** Things worth saying that are not decoding problems (token too long, exp not a number, ...). */
  warnings: string[];
}

export interface TokenProblem {
  ok: false;
  code: TokenProblemCode;
  /** What is wrong, as a sentence. */
  problem: string;
  /** What to do about it. */
  hint: string;
  /** The cleaned input (may be empty). */
  raw: string;
  length: number;
  cleaned: string[];
}

export type DecodeResult = DecodedToken | TokenProblem;

export interface DecodeOptions {
  /** "Now" for the relative times: Date, or milliseconds since the epoch. Default Date.now(). */
  now?: Date | number;
  /** The Auth0 application's client id, if known: sharpens the ID/access classification. */
  clientId?: string;
}

// ---------------------------------------------------------------------------------------------
// Input cleaning

const TOKEN_FIELDS = ['id_token', 'idToken', 'IdToken', 'ID_TOKEN', 'idtoken', 'token', 'jwt', 'access_token', 'accessToken'];
const QUOTES = new Set(['"', "'", '`']);
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/;
const INVISIBLE_ALL = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const WHITESPACE = /\s+/g;
// Quotes and escape sequences left over when a token is copied out of a JSON string or code.
const LEFTOVER = /\\[nrt]|\\/g;

function findTokenInJson(value: unknown, depth: number): { token: string; field: string } | undefined {
  if (depth > 6 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = typeof v === 'string' ? (containsJwt(v) ? { token: v, field: 'an array element' } : undefined) : findTokenInJson(v, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const o = value as Record<string, unknown>;
  for (const f of TOKEN_FIELDS) {
    const v = o[f];
    if (typeof v === 'string' && v.trim()) return { token: v, field: f };
  }
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string' && containsJwt(v)) return { token: v, field: k };
    const found = findTokenInJson(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Cleans what people paste into a compact JWT, and says what it did. Accepts: a raw JWT;
 * `Bearer ...` and `Authorization: Bearer ...`; surrounding quotes or backticks (also a
 * trailing comma or semicolon from code); whitespace and line breaks inside; a JSON object
 * with `id_token` / `idToken` (or nested, or `access_token` as a last resort); an
 * `id_token=...` query string or URL fragment; `id_token: "..."` lines.
 */
export function normalizeTokenInputDetailed(text: string): { token: string; cleaned: string[] } {
  const { token, cleaned } = normalize(text);
  return { token, cleaned };
}

/** A plain compact JWT's characters: nothing to clean. */
const PLAIN = /^[A-Za-z0-9_.-]+$/;

/** normalizeTokenInputDetailed, and whether the text was already plain (only base64url characters and dots). */
function normalize(text: string): { token: string; cleaned: string[]; plain: boolean } {
  const cleaned: string[] = [];
  if (typeof text !== 'string') return { token: '', cleaned, plain: false };
  // Too large to be a token: no cleaning, no scanning (decodeToken says TOO_LARGE).
  if (text.length > MAX_DECODE_LENGTH) return { token: text, cleaned, plain: false };
  // Fast path: a plain compact JWT (the common case, and what the benchmark feeds), tested
  // first: such a text has no invisible characters and nothing to trim.
  if (PLAIN.test(text)) return { token: text, cleaned, plain: true };
  let s = text;
  if (INVISIBLE.test(s)) {
    s = s.replace(INVISIBLE_ALL, '');
    cleaned.push('removed invisible characters');
  }
  s = s.trim();
  if (PLAIN.test(s)) return { token: s, cleaned, plain: true };

  // JSON (a token response, a Logins map, ...)
  if (s.startsWith('{') || s.startsWith('[')) {
    try {
      const found = findTokenInJson(JSON.parse(s), 0);
      if (found) {
        cleaned.push(`took the token from the JSON field "${found.field}"`);
        s = found.token.trim();
      }
    } catch {
      // Not JSON after all: fall through to the other forms.
    }
  }
  // A URL or query string with id_token=... (implicit-flow redirect fragments)
  const param = /(?:^|[#?&\s])(id_token)=([^&\s#]+)/.exec(s) ?? /(?:^|[#?&\s])(access_token)=([^&\s#]+)/.exec(s);
  if (param?.[2]) {
    cleaned.push(`took the "${param[1]}" parameter from the URL`);
    let v = param[2];
    try {
      v = decodeURIComponent(v);
    } catch {
      // keep it as is
    }
    s = v;
  }
  // id_token: "eyJ..."   idToken = 'eyJ...'   "id_token": "eyJ...",
  const field = /^["'`]?([A-Za-z_][\w-]*)["'`]?\s*[:=]\s*/.exec(s);
  if (field?.[1] && /token|jwt|authorization/i.test(field[1])) {
    s = s.slice(field[0].length).trim();
    if (!/^authorization$/i.test(field[1])) cleaned.push(`removed the "${field[1]}" label`);
  }
  // Trailing punctuation from code: "...",  '...';
  if (/[,;]$/.test(s) && s.length > 1 && QUOTES.has(s[s.length - 2] ?? '')) {
    s = s.slice(0, -1).trimEnd();
  }
  // Surrounding quotes, maybe several layers ("'...'")
  for (let i = 0; i < 3 && s.length >= 2 && QUOTES.has(s[0] ?? '') && s[s.length - 1] === s[0]; i++) {
    s = s.slice(1, -1).trim();
    if (i === 0) cleaned.push('removed the surrounding quotes');
  }
  // Authorization header, Bearer prefix
  const auth = /^authorization\s*:\s*/i.exec(s);
  if (auth) s = s.slice(auth[0].length);
  const bearer = /^bearer\s+/i.exec(s);
  if (bearer) {
    s = s.slice(bearer[0].length);
    cleaned.push('removed the "Bearer " prefix');
  }
  // Quotes again (Bearer "eyJ...")
  if (s.length >= 2 && QUOTES.has(s[0] ?? '') && s[s.length - 1] === s[0]) s = s.slice(1, -1);
  // Whitespace and line breaks inside (wrapped in an editor or a terminal), JSON escapes
  if (/\s/.test(s)) {
    s = s.replace(WHITESPACE, '');
    cleaned.push('removed whitespace and line breaks');
  }
  if (s.includes('\\') && containsJwt(s)) {
    s = s.replace(LEFTOVER, '');
    cleaned.push('removed escape sequences');
  }
  return { token: s, cleaned, plain: false };
}

/** Cleans pasted text into a compact JWT (see normalizeTokenInputDetailed). */
export function normalizeTokenInput(text: string): string {
  return normalizeTokenInputDetailed(text).token;
}

// ---------------------------------------------------------------------------------------------
// Decoding

const B64URL = /^[A-Za-z0-9_-]*$/;

function problem(code: TokenProblemCode, msg: string, hint: string, raw: string, cleaned: string[]): TokenProblem {
  return { ok: false, code, problem: msg, hint, raw, length: raw.length, cleaned };
}

const PASTE_HINT = 'Paste the whole ID token: three base64url parts separated by dots, starting with "eyJ" (for Auth0, the id_token of the login response).';

function partName(i: number): string {
  return i === 0 ? 'header' : i === 1 ? 'payload' : 'signature';
}

function badBase64(part: string, i: number, raw: string, cleaned: string[], parts: number, plain: boolean): TokenProblem | undefined {
  // A plain text (only base64url characters and dots) was scanned once already: each part is base64url.
  if (!plain && !B64URL.test(part)) {
    const m = /[^A-Za-z0-9_-]/.exec(part);
    const ch = m ? m[0] : '?';
    const shown = ch === '=' ? '"=" (padding)' : ch === '+' || ch === '/' ? `"${ch}" (plain base64, not base64url)` : JSON.stringify(ch);
    return problem('BAD_BASE64URL', `The ${partName(i)} (part ${i + 1} of ${parts}) is not base64url: it contains ${shown}.`,
      ch === '=' || ch === '+' || ch === '/'
        ? 'JWT parts use base64url without padding (- and _ instead of + and /, no =). Copy the token as issued, not re-encoded.'
        : `${PASTE_HINT} The text may have been cut or mixed with other text.`, raw, cleaned);
  }
  if (part.length % 4 === 1) {
    return problem('BAD_BASE64URL', `The ${partName(i)} (part ${i + 1} of ${parts}) has an impossible base64url length (${part.length} character${part.length === 1 ? '' : 's'}): the token looks truncated.`,
      PASTE_HINT, raw, cleaned);
  }
  return undefined;
}

/**
 * Decodes and parses one part. JSON.parse is iterative, so any depth parses; what nests deeper
 * than MAX_JSON_DEPTH (measured in one pass first) is replaced by a marker, so that printing,
 * rendering and posting the claims never recurse without end.
 */
function parseJsonPart(part: string): { value: unknown; ok: boolean; tooDeep: boolean } {
  try {
    const text = Buffer.from(part, 'base64url').toString('utf8');
    const value: unknown = JSON.parse(text);
    if (jsonDepth(text, MAX_JSON_DEPTH) <= MAX_JSON_DEPTH) return { value, ok: true, tooDeep: false };
    return { value: limitDepth(value, MAX_JSON_DEPTH).value, ok: true, tooDeep: true };
  } catch {
    return { value: undefined, ok: false, tooDeep: false };
  }
}

function tooDeepWarning(part: 'header' | 'payload'): string {
  return `The ${part} nests deeper than ${MAX_JSON_DEPTH} levels; the deeper parts are shown as "nested deeper than ${MAX_JSON_DEPTH} levels" and not read.`;
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** '3 h 2 min', '42 s', '2 d 4 h'. */
export function formatDuration(seconds: number): string {
  let s = Math.round(Math.abs(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const r = s % 60;
    return m < 10 && r ? `${m} min ${r} s` : `${m} min`;
  }
  if (s < 86_400) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  s = Math.floor(s / 3600);
  const d = Math.floor(s / 24);
  const h = s % 24;
  return h && d < 30 ? `${d} d ${h} h` : `${d} d`;
}

/** 'in 3 h 2 min', '5 min ago', 'now'. */
export function relativeTime(epochSeconds: number, nowSeconds: number): string {
  const delta = epochSeconds - nowSeconds;
  if (Math.abs(delta) < 1) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

function isoOf(epochSeconds: number): string {
  const ms = epochSeconds * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return 'out of range';
  // Whole milliseconds from 1970 to 9999 (every real token): formatted here, ~3x faster than
  // Date#toISOString in Node 20, the same text (test/unit/engine/token/preflightFastPaths.test.ts).
  if (Number.isInteger(ms) && ms >= 0 && ms < MS_YEAR_10000) return isoFast(ms);
  return new Date(ms).toISOString();
}

/** 10000-01-01T00:00:00.000Z in ms: from here on toISOString writes six-digit years. */
const MS_YEAR_10000 = 253_402_300_800_000;
const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** new Date(ms).toISOString() for whole ms in [0, MS_YEAR_10000): days to a civil date (H. Hinnant's days_from_civil inverse). */
export function isoFast(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const msec = rest % 1000;
  rest = (rest - msec) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const y = year < 10 ? `000${year}` : year < 100 ? `00${year}` : year < 1000 ? `0${year}` : `${year}`;
  const m3 = msec < 10 ? `00${msec}` : msec < 100 ? `0${msec}` : `${msec}`;
  return `${y}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(min)}:${pad2(sec)}.${m3}Z`;
}

const TIME_WORDS: Record<TokenTime['claim'], [future: string, past: string]> = {
  exp: ['expires', 'expired'],
  iat: ['issued', 'issued'],
  auth_time: ['signed in', 'signed in'],
  nbf: ['valid from', 'valid since'],
};

function tokenTime(claim: TokenTime['claim'], value: number, nowSeconds: number): TokenTime {
  const relative = relativeTime(value, nowSeconds);
  const deltaSeconds = value - nowSeconds;
  const [future, past] = TIME_WORDS[claim];
  let text = `${deltaSeconds > 0 ? future : past} ${relative}`;
  if (claim === 'iat' && deltaSeconds >= 1) text = `issued ${relative} (in the future)`;
  if (relative === 'now') text = `${claim === 'exp' ? 'expires' : past} now`;
  return { claim, value, iso: isoOf(value), relative, text, deltaSeconds };
}

const ACCESS_HINT_CLAIMS = ['scope', 'scp', 'gty', 'permissions', 'client_id'] as const;
const ID_HINT_CLAIMS = ['nonce', 'auth_time', 'at_hash', 'c_hash', 'sid', 'email', 'name', 'nickname', 'given_name', 'picture'] as const;

function looksLikeUrlOrApi(a: string): boolean {
  return a.includes('://') || a.startsWith('urn:') || a.endsWith('/userinfo');
}

/** ID token, access token or unknown, with the reason. Exported for the preflight and tests. */
export function classifyToken(header: Record<string, unknown>, claims: Record<string, unknown>, clientId?: string): { kind: TokenKind; reason: string } {
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
  if (typ === 'at+jwt' || typ === 'application/at+jwt') return { kind: 'access', reason: `the header says typ "${String(header.typ)}" (an OAuth access token)` };
  if (claims.token_use === 'access') return { kind: 'access', reason: 'token_use is "access"' };
  if (claims.token_use === 'id') return { kind: 'id', reason: 'token_use is "id"' };
  for (const c of ACCESS_HINT_CLAIMS) {
    if (claims[c] !== undefined) return { kind: 'access', reason: `it has a "${c}" claim, which access tokens carry and ID tokens do not` };
  }
  const aud = claims.aud;
  const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  const api = auds.find(looksLikeUrlOrApi);
  if (api) {
    return { kind: 'access', reason: `its audience includes ${JSON.stringify(api)}, an API identifier (ID tokens have the application's client id as audience)` };
  }
  if (clientId) {
    if (auds.includes(clientId)) return { kind: 'id', reason: `its audience is the application's client id ${clientId} and it has no scope` };
    if (auds.length && typeof claims.azp === 'string' && claims.azp === clientId) {
      return { kind: 'access', reason: `its audience (${auds.join(', ')}) is not the client id; only azp names the application` };
    }
  }
  if (auds.length === 0) {
    return aud === undefined
      ? { kind: 'unknown', reason: 'it has no "aud" claim (an ID token always has one)' }
      : { kind: 'unknown', reason: `its "aud" claim is ${typeName(aud)}, not a string` };
  }
  const idClaim = ID_HINT_CLAIMS.find((c) => claims[c] !== undefined);
  if (idClaim && typeof claims.sub === 'string') {
    return { kind: 'id', reason: `its audience is a client id, it has "sub" and "${idClaim}" and no scope` };
  }
  if (typeof claims.sub === 'string' && auds.length === 1) {
    return { kind: 'id', reason: 'its audience is a single client id, it has "sub" and no scope' };
  }
  return { kind: 'unknown', reason: 'it has neither the scope of an access token nor the claims of an ID token (sub, nonce, auth_time)' };
}

/**
 * Decodes pasted text as a JWT. Never throws: `{ ok: false, problem, hint }` for anything
 * that is not a readable JWS. A token longer than Cognito's 50,000 characters is decoded and
 * flagged (`tooLong`).
 */
export function decodeToken(text: string, opts: DecodeOptions = {}): DecodeResult {
  // The size cap comes before any cleaning or scanning (normalizeTokenInputDetailed returns
  // an over-long text untouched).
  const { token: raw, cleaned, plain } = normalize(typeof text === 'string' ? text : '');
  if (!raw) return problem('EMPTY', 'No token given.', PASTE_HINT, raw, cleaned);
  if (raw.length > MAX_DECODE_LENGTH) {
    return problem('TOO_LARGE', `The text is ${raw.length.toLocaleString('en-US')} characters long: far too large to be a token (Cognito accepts at most ${MAX_LOGINS_TOKEN_LENGTH.toLocaleString('en-US')}).`,
      'Paste only the ID token.', raw, cleaned);
  }
  // Split at most 6 ways: a run of a million dots is "too many parts", not a million strings.
  const parts = raw.split('.', 6);
  const n = parts.length;
  if (n === 5) {
    return problem('JWE', 'This token is encrypted (JWE, 5 parts): its claims cannot be read, and Cognito does not accept encrypted tokens.',
      'Send the ID token (id_token) instead: Auth0 signs ID tokens but never encrypts them. An encrypted token is an access token for an API with token encryption turned on.', raw, cleaned);
  }
  if (n === 1) {
    if (/^[A-Za-z0-9_-]{16,64}$/.test(raw) && !raw.startsWith('eyJ')) {
      return problem('OPAQUE', 'This is not a JWT: it looks like an opaque access token (no dots).',
        'Auth0 issues opaque access tokens when no API audience is requested. Cognito needs the ID token (id_token) from the same login response.', raw, cleaned);
    }
    return problem('NOT_JWT', `This is not a JWT: a JWT has three parts separated by dots, this text has none${raw.length > 40 ? '' : ` (${JSON.stringify(raw)})`}.`, PASTE_HINT, raw, cleaned);
  }
  if (n !== 3) {
    const why = n === 2 ? 'the signature part is missing: the token looks truncated' : n === 4 ? 'one part too many' : 'too many parts';
    return problem('PARTS', `This is not a JWT: it has ${n === 6 ? 'more than 5' : n} parts separated by dots instead of 3 (${why}).`, PASTE_HINT, raw, cleaned);
  }
  const [h, p, sig] = parts as [string, string, string];
  if (!h || !p) {
    return problem('PARTS', `The ${!h ? 'header' : 'payload'} part of the token is empty.`, PASTE_HINT, raw, cleaned);
  }
  for (let i = 0; i < 3; i++) {
    const bad = badBase64(parts[i] as string, i, raw, cleaned, 3, plain);
    if (bad) return bad;
  }
  const hj = parseJsonPart(h);
  if (!hj.ok) {
    return problem('HEADER_NOT_JSON', 'The header (part 1) does not decode to JSON.',
      `${PASTE_HINT} A JWT header decodes to JSON such as {"alg":"RS256","typ":"JWT","kid":"..."}; its base64url text starts with "eyJ".`, raw, cleaned);
  }
  if (hj.value === null || typeof hj.value !== 'object' || Array.isArray(hj.value)) {
    return problem('HEADER_NOT_OBJECT', `The header (part 1) is ${typeName(hj.value)}, not a JSON object.`, PASTE_HINT, raw, cleaned);
  }
  const pj = parseJsonPart(p);
  if (!pj.ok) {
    return problem('PAYLOAD_NOT_JSON', 'The payload (part 2) does not decode to JSON: the token is damaged or truncated.', PASTE_HINT, raw, cleaned);
  }
  if (pj.value === null || typeof pj.value !== 'object' || Array.isArray(pj.value)) {
    return problem('PAYLOAD_NOT_OBJECT', `The payload (part 2) is ${typeName(pj.value)}, not a JSON object of claims.`,
      'Cognito needs an OpenID Connect ID token, whose payload is a JSON object with iss, sub, aud, exp and iat.', raw, cleaned);
  }
  const header = hj.value as Record<string, unknown>;
  const claims = pj.value as Record<string, unknown>;

  const nowMs = opts.now === undefined ? Date.now() : typeof opts.now === 'number' ? opts.now : opts.now.getTime();
  const nowSeconds = nowMs / 1000;
  const warnings: string[] = [];
  if (hj.tooDeep) warnings.push(tooDeepWarning('header'));
  if (pj.tooDeep) warnings.push(tooDeepWarning('payload'));
  const times: DecodedToken['times'] = {};
  for (const c of ['exp', 'iat', 'auth_time', 'nbf'] as const) {
    const v = claims[c];
    if (v === undefined) continue;
    if (typeof v === 'number' && Number.isFinite(v)) times[c] = tokenTime(c, v, nowSeconds);
    else warnings.push(`"${c}" is ${typeName(v)}${typeof v === 'string' ? ` (${JSON.stringify(v.slice(0, 40))})` : ''}, not a number of seconds since 1970.`);
  }
  const tooLong = raw.length > MAX_LOGINS_TOKEN_LENGTH;
  if (tooLong) {
    warnings.push(`The token is ${raw.length.toLocaleString('en-US')} characters long; Cognito accepts at most ${MAX_LOGINS_TOKEN_LENGTH.toLocaleString('en-US')} in Logins.`);
  }
  const { kind, reason } = classifyToken(header, claims, opts.clientId);
  return {
    ok: true,
    raw,
    length: raw.length,
    tooLong,
    header,
    claims,
    hasSignature: sig.length > 0,
    alg: typeof header.alg === 'string' ? header.alg : undefined,
    kid: typeof header.kid === 'string' ? header.kid : undefined,
    kind,
    kindReason: reason,
    times,
    cleaned,
    warnings,
  };
}

/** The audience values of a token (aud as string or array), strings only. */
export function audiences(claims: Record<string, unknown>): string[] {
  const aud = claims.aud;
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}
