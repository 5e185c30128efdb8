/**
 * The preflight: what Cognito (GetId / GetCredentialsForIdentity) and STS would check, rule by
 * rule, evaluated locally on a decoded token, its signature check and a description of the
 * target identity pool. Pure: no network, no clock except `now`, never throws.
 *
 * Sources for the checks and messages: ../../../../shared/reference/domain.md (Cognito developer
 * guide open-id.md, role-trust-and-permissions.md, and the error texts seen in issue threads).
 */
import type { SignatureResult } from './jwks';
import { URL_SCHEME, expectedLoginsKey, issuerName, providerName, providerNameFromArn } from '../aws/names';
import {
  DEFAULT_SKEW_SECONDS,
  MAX_LOGINS_TOKEN_LENGTH,
  audiences,
  decodeToken,
  formatDuration,
  type DecodeResult,
  type DecodedToken,
} from './decode';
import { evaluateTagSessionCached, evaluateTrustPolicyCached, recommendedTrustPolicy } from '../aws/trustPolicy';
import { predictRole, type RoleMappingConfig, type RolePrediction } from '../aws/roleMapping';
import { predictSessionTags, type PrincipalTagsConfig } from '../aws/principalTags';

// ---------------------------------------------------------------------------------------------
// Target description

export interface ProviderInfo {
  arn: string;
  /** The provider URL as IAM returns it (without https://); a scheme is tolerated. */
  url: string;
  /** Audiences (client IDs). */
  clientIds: string[];
  thumbprints: string[];
  /** Set when the provider could not be read (e.g. deleted in IAM but still listed by the pool). */
  error?: string | undefined;
}

export interface RoleInfo {
  arn: string;
  /** The trust policy, parsed (IAM returns it URL-encoded: see parseTrustPolicy). */
  trustPolicy?: unknown;
  /** Set when the role could not be read (GetRole failed: deleted, no permission). */
  error?: string | undefined;
  /** Set when the role was read but its trust policy does not parse. */
  trustPolicyError?: string | undefined;
}

export interface PoolTarget {
  /** REGION:GUID */
  poolId: string;
  region: string;
  poolName?: string | undefined;
  allowUnauthenticated: boolean;
  allowClassicFlow?: boolean | undefined;
  /** The pool's OpenIdConnectProviderARNs. */
  openIdConnectProviderArns: string[];
  /**
   * Details of IAM OIDC providers: those the pool lists, plus any other provider of the account
   * that matches the token's issuer (so the preflight can offer to attach it).
   */
  providers: ProviderInfo[];
  /** The pool's authenticated role; undefined = none attached (unless rolesError is set). */
  authenticatedRole?: RoleInfo | undefined;
  /** The pool's roles could not be read (permissions, emulator): the role rules are skipped. */
  rolesError?: string | undefined;
  /** The Logins key the app uses; default: derived from the provider URL. */
  loginsKey?: string | undefined;
  /** Issue 13: role mappings by provider name (the Logins key); undefined = not read (taken as none). */
  roleMappings?: Record<string, RoleMappingConfig> | undefined;
  /** The roles the mappings' rules can choose, read from IAM (the authenticated role is authenticatedRole). */
  mappedRoles?: RoleInfo[] | undefined;
  /** Principal tag maps by provider name; a provider without one is absent. Undefined = not read. */
  principalTags?: Record<string, PrincipalTagsConfig> | undefined;
  /** The tag maps could not be read (permissions, emulator). */
  principalTagsError?: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Results

export type RuleStatus = 'pass' | 'fail' | 'warn' | 'skip';

export type RuleId =
  | 'token.format'
  | 'token.length'
  | 'token.kind'
  | 'token.alg'
  | 'token.signature'
  | 'token.exp'
  | 'token.iat'
  | 'iss.provider'
  | 'logins.key'
  | 'provider.attached'
  | 'aud.clientId'
  | 'provider.thumbprints'
  | 'pool.unauthenticated'
  | 'role.attached'
  | 'role.trust.principal'
  | 'role.trust.aud'
  | 'role.trust.amr'
  | 'role.choice'
  | 'role.tags';

export type FixAction =
  | { kind: 'addClientIdToProvider'; providerArn: string; clientId: string }
  | { kind: 'attachProviderToPool'; poolId: string; providerArn: string }
  | { kind: 'createProvider'; url: string; clientId: string | undefined; poolId: string | undefined }
  | { kind: 'switchAppToRS256'; clientId: string | undefined }
  | { kind: 'fixLoginsKey'; expected: string; current: string | undefined }
  | { kind: 'setAuthenticatedRole'; poolId: string }
  | { kind: 'fixRoleTrust'; roleArn: string; poolId: string; policy: string }
  | { kind: 'disableUnauthenticated'; poolId: string };

export interface RuleResult {
  id: RuleId;
  title: string;
  status: RuleStatus;
  /** What was found. */
  message: string;
  /** The error Cognito/STS would return when this rule fails (or may fail). */
  awsError?: string | undefined;
  /** true when awsError is the text seen from AWS; false when it is our approximation. */
  awsErrorVerbatim?: boolean | undefined;
  /** The fix, as a sentence. */
  hint?: string | undefined;
  /** A fix the extension can apply. */
  fix?: FixAction | undefined;
  /**
   * The check was needed but could not be made (keys unreachable, role unreadable, ...): the
   * report's verdict is then "cannot-confirm", never "pass".
   */
  unverified?: boolean | undefined;
}

/**
 * pass: every check that matters was made and passed. fail: a check failed (Cognito or STS
 * would refuse). cannot-confirm: nothing failed, but something needed could not be verified
 * (above all the signature), so a forged or broken token cannot be ruled out.
 */
export type PreflightVerdict = 'pass' | 'fail' | 'cannot-confirm';

export interface PreflightReport {
  /** The verdict is "pass": nothing failed and everything needed was verified. */
  ok: boolean;
  verdict: PreflightVerdict;
  /** What could not be verified (the messages of the unverified rules), when the verdict is cannot-confirm. */
  unconfirmed: string[];
  summary: string;
  counts: Record<RuleStatus, number>;
  rules: RuleResult[];
  /** The error of the first failing rule, in the order Cognito checks: what a real exchange would most likely answer. */
  predictedError: string | undefined;
  /** The provider the token was matched with. */
  provider: ProviderInfo | undefined;
  /** The Logins key the app should use. */
  expectedLoginsKey: string | undefined;
}

export interface PreflightInput {
  token: DecodeResult | string;
  signature?: SignatureResult | undefined;
  target?: PoolTarget | undefined;
  /** Default: now. */
  now?: Date | number | undefined;
  /** Default 300 (Cognito's 5 minutes). */
  skewSeconds?: number | undefined;
  /** The Auth0 application's client id, when known (for fix actions). */
  clientId?: string | undefined;
}

/** Error texts. `true` = seen verbatim from AWS (domain.md's table); `false` = approximation. */
export const AWS_ERRORS = {
  notOidcToken: ['Invalid login token. Not a valid OpenId Connect identity token.', true],
  tooLong: ["1 validation error detected: Value at 'logins' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 50000, Member must have length greater than or equal to 1]", false],
  missingAud: ['Invalid login token. Missing a required claim: aud', true],
  issuerMismatch: ["Invalid login token. Issuer doesn't match providerName", true],
  notSupportedProvider: ['Token is not from a supported provider of this identity pool.', true],
  cantVerify: ["Invalid login token. Couldn't verify signed token.", true],
  jwksUnreachable: ["Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements", false],
  thumbprint: ["OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint", true],
  badRoleConfig: ['Invalid identity pool configuration. Check assigned IAM roles for this pool.', true],
  missingExp: ['Invalid login token. Missing a required claim: exp', false],
} as const satisfies Record<string, readonly [string, boolean]>;

function awsErr(k: keyof typeof AWS_ERRORS): { awsError: string; awsErrorVerbatim: boolean } {
  const [awsError, awsErrorVerbatim] = AWS_ERRORS[k];
  return { awsError, awsErrorVerbatim };
}

/** Token expired text in Cognito's shape: "Invalid login token. Token expired: NOW >= EXP". */
export function tokenExpiredError(nowSeconds: number, exp: number): string {
  return `Invalid login token. Token expired: ${Math.floor(nowSeconds)} >= ${exp}`;
}

export const RULE_TITLES: Readonly<Record<RuleId, string>> = {
  'token.format': 'The token is a readable JWT',
  'token.length': 'Token length within Cognito\'s 50,000 characters',
  'token.kind': 'It is an ID token, not an access token',
  'token.alg': 'Signed with RSA (RS256)',
  'token.signature': 'Signature verifies against the issuer\'s JWKS',
  'token.exp': 'Not expired (5-minute clock skew)',
  'token.iat': 'Not issued in the future',
  'iss.provider': 'Issuer (iss) matches an IAM OIDC provider URL',
  'logins.key': 'Logins key is the provider URL without https:// and trailing slash',
  'provider.attached': 'The provider is attached to the identity pool',
  'aud.clientId': 'azp (or aud) is in the provider\'s client ID list',
  'provider.thumbprints': 'Provider thumbprints are well-formed',
  'pool.unauthenticated': 'The pool does not allow unauthenticated identities',
  'role.attached': 'The pool has an authenticated role',
  'role.trust.principal': 'Role trust: cognito-identity.amazonaws.com may call sts:AssumeRoleWithWebIdentity',
  'role.trust.aud': 'Role trust: aud condition names this identity pool',
  'role.trust.amr': 'Role trust: amr condition is "authenticated"',
  'role.choice': 'The role Cognito chooses for this token (role mapping)',
  'role.tags': 'Session tags from the token (attributes for access control)',
};

/** Display order, which is also the order Cognito checks in (as far as it is known). */
export const RULE_ORDER: readonly RuleId[] = [
  'token.length',
  'token.format',
  'logins.key',
  'iss.provider',
  'provider.attached',
  'token.kind',
  'token.alg',
  'token.signature',
  'provider.thumbprints',
  'aud.clientId',
  'token.exp',
  'token.iat',
  'pool.unauthenticated',
  'role.attached',
  'role.choice',
  'role.trust.principal',
  'role.trust.aud',
  'role.trust.amr',
  'role.tags',
];

/**
 * n.toLocaleString('en-US') for a count (0, 617, 50,000, 1,234,567) without Intl, which costs
 * ~2 µs a call in Node 20; anything but a non-negative safe integer goes to toLocaleString.
 */
export function grouped(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(n);
  if (digits.length <= 3) return digits;
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}

const MAX_LOGINS_TEXT = grouped(MAX_LOGINS_TOKEN_LENGTH);

function hostOf(name: string): string {
  return name.split('/', 1)[0] ?? '';
}

// ---------------------------------------------------------------------------------------------
// Trust policy: judged in ../aws/trustPolicy (one module for the preflight, the wizard, the fixes and the tree).

// ---------------------------------------------------------------------------------------------
// The rules

interface Ctx {
  token: DecodeResult;
  decoded: DecodedToken | undefined;
  signature: SignatureResult | undefined;
  target: PoolTarget | undefined;
  nowSeconds: number;
  skew: number;
  clientId: string | undefined;
  iss: string | undefined;
  provider: ProviderInfo | undefined;
  providerMatch: 'exact' | 'near' | 'loginsKey' | 'only' | undefined;
  expectedKey: string | undefined;
}

/** The recommended policy per pool id (a pure function of the id; the last few kept). */
const recommended = new Map<string, { policy: string; compact: string }>();
function recommendedFor(poolId: string): { policy: string; compact: string } {
  let r = recommended.get(poolId);
  if (!r) {
    const policy = recommendedTrustPolicy(poolId);
    r = { policy, compact: JSON.stringify(JSON.parse(policy)) };
    if (recommended.size >= 16) recommended.clear();
    recommended.set(poolId, r);
  }
  return r;
}

type Outcome = Omit<RuleResult, 'id' | 'title'>;

const pass = (message: string, extra: Omit<Outcome, 'status' | 'message'> = {}): Outcome => ({ status: 'pass', message, ...extra });
const skip = (message: string): Outcome => ({ status: 'skip', message });
/** A check that was needed and could not be made: the verdict cannot be "pass". */
const unverified = (message: string): Outcome => ({ status: 'skip', message, unverified: true });

function tokenClientId(ctx: Ctx): string | undefined {
  if (ctx.clientId) return ctx.clientId;
  const c = ctx.decoded?.claims;
  if (!c) return undefined;
  if (typeof c.azp === 'string') return c.azp;
  return audiences(c)[0];
}

/**
 * Fixes that copy a value out of the token (its iss into a new provider, its aud into a
 * provider's client IDs) are offered only for a token whose signature was verified: for an
 * unsigned or forged token they would open the pool to whoever wrote it.
 */
function claimsTrusted(ctx: Ctx): boolean {
  return ctx.signature?.status === 'valid';
}

function noToken(ctx: Ctx): Outcome | undefined {
  if (!ctx.decoded) return skip('Not checked: the token does not decode (see "The token is a readable JWT").');
  return undefined;
}

function noTarget(ctx: Ctx): Outcome | undefined {
  if (!ctx.target) return skip('Not checked: no identity pool given.');
  return undefined;
}

function chooseProvider(target: PoolTarget, iss: string | undefined): { provider: ProviderInfo | undefined; match: Ctx['providerMatch'] } {
  const attached = new Set(target.openIdConnectProviderArns);
  const known = [...target.providers];
  // Attached ARNs the reader could not describe still have a name (from the ARN).
  for (const arn of target.openIdConnectProviderArns) {
    if (!known.some((p) => p.arn === arn)) {
      const name = providerNameFromArn(arn);
      if (name) known.push({ arn, url: name, clientIds: [], thumbprints: [], error: 'not read' });
    }
  }
  const byAttached = (a: ProviderInfo, b: ProviderInfo) => Number(attached.has(b.arn)) - Number(attached.has(a.arn));
  known.sort(byAttached);
  if (iss) {
    const want = issuerName(iss);
    const exact = known.find((p) => providerName(p.url) === want);
    if (exact) return { provider: exact, match: 'exact' };
    const near = known.find((p) => {
      const n = providerName(p.url).replace(/\/+$/, '').toLowerCase();
      return n === want.toLowerCase() || n === issuerName(iss.replace(/\/+$/, '')).toLowerCase();
    });
    if (near) return { provider: near, match: 'near' };
  }
  if (target.loginsKey) {
    const byKey = known.find((p) => expectedLoginsKey(p.url) === target.loginsKey || providerName(p.url) === target.loginsKey);
    if (byKey) return { provider: byKey, match: 'loginsKey' };
  }
  const onlyAttached = known.filter((p) => attached.has(p.arn));
  if (onlyAttached.length === 1) return { provider: onlyAttached[0], match: 'only' };
  return { provider: undefined, match: undefined };
}

const RULES: Record<RuleId, (ctx: Ctx) => Outcome> = {
  'token.format': (ctx) => {
    const t = ctx.token;
    if (t.ok) {
      const extra = t.cleaned.length ? ` Input cleaned: ${t.cleaned.join('; ')}.` : '';
      return pass(`A JWT with ${Object.keys(t.claims).length} claims (alg ${t.alg ?? 'missing'}${t.kid ? `, kid ${t.kid}` : ''}).${extra}`);
    }
    return { status: 'fail', message: t.problem, hint: t.hint, ...awsErr('notOidcToken') };
  },

  'token.length': (ctx) => {
    const n = ctx.token.ok ? ctx.token.length : ctx.token.raw.length;
    if (n === 0) return skip('Not checked: no token.');
    if (n <= MAX_LOGINS_TOKEN_LENGTH) return pass(`${grouped(n)} characters (limit ${MAX_LOGINS_TEXT}).`);
    return {
      status: 'fail',
      message: `The token is ${grouped(n)} characters long; Cognito accepts at most ${MAX_LOGINS_TEXT} per Logins value.`,
      hint: 'Make the ID token smaller: remove large custom claims that Auth0 Actions or Rules add to it (api.idToken.setCustomClaim), and request fewer scopes.',
      ...awsErr('tooLong'),
    };
  },

  'token.kind': (ctx) => {
    const d = ctx.decoded;
    if (!d) return noToken(ctx) as Outcome;
    if (d.kind === 'id') return pass(`Looks like an ID token: ${d.kindReason}.`);
    if (d.kind === 'access') {
      return {
        status: 'fail',
        message: `This looks like an access token, not an ID token: ${d.kindReason}.`,
        hint: 'Send the id_token from the Auth0 login response (or getIdTokenClaims().__raw in auth0-spa-js), not the access_token.',
        ...awsErr('missingAud'),
      };
    }
    return {
      status: 'warn',
      message: `Cannot tell whether this is an ID token: ${d.kindReason}.`,
      hint: 'Cognito needs the ID token (id_token) from the Auth0 login response.',
      ...(audiences(d.claims).length === 0 ? awsErr('missingAud') : {}),
    };
  },

  'token.alg': (ctx) => {
    const d = ctx.decoded;
    if (!d) return noToken(ctx) as Outcome;
    const alg = d.alg;
    const fix: FixAction = { kind: 'switchAppToRS256', clientId: tokenClientId(ctx) };
    const hint = 'Set the Auth0 application\'s signing algorithm to RS256 (Applications > your app > Settings > Advanced Settings > OAuth > JsonWebToken Signature Algorithm), then sign in again.';
    // A signature must exist before the header's alg means anything: "RS256" over an empty
    // third part is an unsigned token that anyone could have written.
    if (alg === undefined || alg.toLowerCase() === 'none' || !d.hasSignature) {
      return {
        status: 'fail',
        message: `The token is not signed (${alg === undefined ? 'no alg' : `alg ${JSON.stringify(alg)}`}${d.hasSignature ? '' : ', empty signature part'}): anyone could have written it.`,
        // Auth0 never issues unsigned tokens, so switching the application's algorithm would not
        // help: the token was cut or forged.
        hint: 'Send the ID token exactly as Auth0 issued it (header.payload.signature, three non-empty parts); Auth0 never issues unsigned tokens, so this one was cut or made by hand.',
        ...awsErr('cantVerify'),
      };
    }
    if (alg === 'RS256') return pass('RS256: an RSA signature, which Cognito verifies with the issuer\'s published key.');
    if (/^HS/i.test(alg)) {
      return { status: 'fail', message: `${alg}: signed with the application's client secret, which Cognito does not have. Cognito verifies only RSA signatures from the JWKS.`, hint, fix, ...awsErr('cantVerify') };
    }
    if (/^(RS|PS)\d+$/.test(alg)) {
      return { status: 'warn', message: `${alg}: an RSA signature, but Cognito's documentation only shows RS256.`, hint: `If Cognito answers "Couldn't verify signed token", ${hint.charAt(0).toLowerCase()}${hint.slice(1)}`, fix, ...awsErr('cantVerify') };
    }
    return { status: 'fail', message: `${alg}: not an RSA signature. Cognito verifies ID tokens "via an RSA public key" only.`, hint, fix, ...awsErr('cantVerify') };
  },

  'token.signature': (ctx) => {
    const d = ctx.decoded;
    if (!d) return noToken(ctx) as Outcome;
    const s = ctx.signature;
    // Only 'valid' passes: anything else leaves the verdict at "cannot confirm" at best.
    if (!s) return unverified('Not verified: the signature was not checked against the issuer\'s keys (no network or no issuer), so the token may be forged.');
    switch (s.status) {
      case 'valid':
        return pass(s.message);
      case 'invalid':
      case 'key-not-found':
        return { status: 'fail', message: s.message, hint: s.hint, ...awsErr('cantVerify') };
      case 'jwks-unreachable':
        return { status: 'warn', unverified: true, message: `Not verified: ${s.message} (from this machine; AWS fetches the keys itself).`, hint: `${s.hint} Until the keys can be read, the signature is unverified and the token may be forged; if AWS cannot read them either, Cognito cannot verify the token.`, ...awsErr('jwksUnreachable') };
      case 'unsupported-alg':
        return { ...unverified(`Not verifiable: ${s.message}`), hint: s.hint };
      case 'not-checked':
      default:
        return { ...unverified(`Not verified: ${s.message}`), hint: s.hint };
    }
  },

  'token.exp': (ctx) => {
    const d = ctx.decoded;
    if (!d) return noToken(ctx) as Outcome;
    const exp = d.claims.exp;
    if (exp === undefined) {
      return { status: 'fail', message: 'The token has no "exp" claim.', hint: 'Send the ID token as Auth0 issues it: it always has exp.', ...awsErr('missingExp') };
    }
    if (typeof exp !== 'number' || !Number.isFinite(exp)) {
      return { status: 'fail', message: `"exp" is not a number of seconds (${JSON.stringify(exp)?.slice(0, 40)}).`, hint: 'Send the ID token as Auth0 issues it.', ...awsErr('missingExp') };
    }
    const left = exp - ctx.nowSeconds;
    const text = d.times.exp?.text ?? '';
    if (left > 0) return pass(`${text.charAt(0).toUpperCase()}${text.slice(1)} (${d.times.exp?.iso}).`);
    const newToken = 'Sign in again (or use the refresh token) for a fresh ID token; Auth0 ID tokens live 10 hours by default (Applications > your app > Settings > ID Token Expiration).';
    if (-left <= ctx.skew) {
      return {
        status: 'warn',
        message: `${text.charAt(0).toUpperCase()}${text.slice(1)}: Cognito still accepts it within its 5-minute clock skew, for ${formatDuration(ctx.skew + left)} more.`,
        hint: newToken,
        awsError: tokenExpiredError(exp + ctx.skew, exp),
        awsErrorVerbatim: false,
      };
    }
    return { status: 'fail', message: `${text.charAt(0).toUpperCase()}${text.slice(1)} (${d.times.exp?.iso}), beyond the 5-minute clock skew.`, hint: newToken, awsError: tokenExpiredError(ctx.nowSeconds, exp), awsErrorVerbatim: false };
  },

  'token.iat': (ctx) => {
    const d = ctx.decoded;
    if (!d) return noToken(ctx) as Outcome;
    const iat = d.claims.iat;
    const nbf = d.claims.nbf;
    if (iat === undefined) return { status: 'warn', message: 'The token has no "iat" claim.', hint: 'Auth0 ID tokens always carry iat: check that this token comes from Auth0.' };
    if (typeof iat !== 'number' || !Number.isFinite(iat)) return { status: 'warn', message: `"iat" is not a number of seconds (${JSON.stringify(iat)?.slice(0, 40)}).`, hint: 'Send the ID token as Auth0 issues it.' };
    const clock = 'Check the clock of this machine and of the server that minted the token; Cognito allows 5 minutes of skew.';
    if (iat - ctx.nowSeconds > ctx.skew) {
      return { status: 'warn', message: `Issued ${formatDuration(iat - ctx.nowSeconds)} in the future (${d.times.iat?.iso}): more than the 5-minute skew, so Cognito may refuse it.`, hint: clock };
    }
    if (typeof nbf === 'number' && nbf - ctx.nowSeconds > ctx.skew) {
      return { status: 'warn', message: `Not valid before ${d.times.nbf?.iso} (${d.times.nbf?.relative}).`, hint: clock };
    }
    return pass(`${d.times.iat?.text ?? 'issued'} (${d.times.iat?.iso}).`);
  },

  'iss.provider': (ctx) => {
    const d = ctx.decoded;
    if (!d) return noToken(ctx) as Outcome;
    const iss = d.claims.iss;
    const t = ctx.target;
    if (typeof iss !== 'string' || !iss) {
      return { status: 'fail', message: 'The token has no "iss" (issuer) claim, so Cognito cannot match it to a provider.', hint: 'Send the ID token as Auth0 issues it: iss is https://TENANT.auth0.com/.', ...awsErr('issuerMismatch') };
    }
    if (!/^https:\/\//.test(iss)) {
      return {
        status: 'fail',
        message: `The issuer ${JSON.stringify(iss)} does not start with https:// (IAM OIDC providers are https:// URLs).`,
        hint: /^http:\/\//i.test(iss) ? 'Tokens must come from the https:// Auth0 domain.' : 'Check that this token comes from Auth0.',
        ...awsErr('issuerMismatch'),
      };
    }
    if (!t) return skip(`Issuer ${iss}: not compared, no identity pool given. The IAM provider URL must be https://${issuerName(iss)}.`);
    const want = issuerName(iss);
    const p = ctx.provider;
    const createFix: FixAction | undefined = claimsTrusted(ctx) ? { kind: 'createProvider', url: `https://${want}`, clientId: tokenClientId(ctx), poolId: t.poolId } : undefined;
    const knownUrls = t.providers.map((x) => `https://${providerName(x.url)}`);
    if (!p || ctx.providerMatch === 'loginsKey' || ctx.providerMatch === 'only') {
      const others = p ? ` The pool's provider is https://${providerName(p.url)}` : knownUrls.length ? ` Known providers: ${knownUrls.join(', ')}` : ' The pool has no OpenID Connect provider';
      const pHost = p ? hostOf(providerName(p.url)) : undefined;
      const custom = pHost && pHost.toLowerCase() !== hostOf(want).toLowerCase()
        ? ` The token comes from ${hostOf(want)} and the provider is for ${pHost}: with an Auth0 custom domain, the iss of tokens is the domain the user signed in through.`
        : '';
      return {
        status: 'fail',
        message: `No IAM OIDC provider for the token's issuer ${iss}.${others}.${custom}`,
        hint: `Create an IAM OIDC provider for https://${want} with the application's client ID and attach it to the pool${pHost ? `, or sign in through ${pHost} so that iss matches the existing provider` : ''}.`,
        fix: createFix,
        ...(p ? awsErr('issuerMismatch') : awsErr('notSupportedProvider')),
      };
    }
    const name = providerName(p.url);
    if (ctx.providerMatch === 'exact') {
      return pass(`iss ${iss} matches the IAM provider https://${name}${iss.endsWith('/') ? ' (Cognito ignores the trailing slash of iss)' : ''}.`);
    }
    // near match: case, trailing slash on the provider, ...
    const problems: string[] = [];
    if (name.endsWith('/')) problems.push(`the provider URL https://${name} ends with "/" (create it without the trailing slash)`);
    if (name.replace(/\/+$/, '') !== want && name.replace(/\/+$/, '').toLowerCase() === want.toLowerCase()) {
      problems.push(`the letter case differs (${name.replace(/\/+$/, '')} vs ${want}); provider URLs are case-sensitive`);
    }
    if (!problems.length) problems.push(`https://${name} differs from ${iss}`);
    return {
      status: 'fail',
      message: `The issuer ${iss} does not exactly match the IAM provider https://${name}: ${problems.join('; ')}.`,
      hint: `Re-create the IAM OIDC provider with the URL https://${want} (same client IDs), attach it to the pool, and use the Logins key ${want}.`,
      fix: createFix,
      ...awsErr('issuerMismatch'),
    };
  },

  'logins.key': (ctx) => {
    const expected = ctx.expectedKey;
    const current = ctx.target?.loginsKey;
    if (!expected) return skip('Not checked: no issuer or provider to derive the Logins key from.');
    const fix: FixAction = { kind: 'fixLoginsKey', expected, current };
    if (current === undefined) return pass(`The app must use the Logins key "${expected}" (the provider URL without https:// and without a trailing slash).`);
    const problems: string[] = [];
    if (URL_SCHEME.test(current)) problems.push('it starts with a scheme (https://)');
    if (current.endsWith('/')) problems.push('it ends with "/"');
    if (current.length > 128) problems.push(`it is ${current.length} characters long (at most 128)`);
    if (!problems.length && current !== expected) {
      problems.push(current.toLowerCase() === expected.toLowerCase() ? `the letter case differs from "${expected}"` : `it is not the provider name "${expected}"`);
    }
    if (!problems.length && current.length > 0) return pass(`"${current}" is the provider URL without https:// and without a trailing slash.`);
    if (!current) problems.push('it is empty');
    return {
      status: 'fail',
      message: `The Logins key "${current}" is wrong: ${problems.join('; ')}.`,
      hint: `Use the Logins key "${expected}": { Logins: { "${expected}": idToken } }.`,
      fix,
      ...awsErr('issuerMismatch'),
    };
  },

  'provider.attached': (ctx) => {
    const t = ctx.target;
    if (!t) return noTarget(ctx) as Outcome;
    const p = ctx.provider;
    if (!p) {
      return t.openIdConnectProviderArns.length === 0
        ? { status: 'fail', message: `The identity pool ${t.poolId} has no OpenID Connect provider at all.`, hint: 'Create the IAM OIDC provider for the Auth0 domain and attach it to the pool.', ...awsErr('notSupportedProvider') }
        : skip('Not checked: no provider matches the token (see "Issuer (iss) matches an IAM OIDC provider URL").');
    }
    const name = providerName(p.url);
    if (t.openIdConnectProviderArns.includes(p.arn)) {
      if (p.error && p.error !== 'not read') {
        return { status: 'fail', message: `The pool lists ${p.arn}, but IAM cannot describe it: ${p.error}`, hint: 'Re-create the IAM OIDC provider (it may have been deleted) or remove it from the pool.', ...awsErr('notSupportedProvider') };
      }
      return pass(`The pool ${t.poolId} lists the provider ${name}.`);
    }
    return {
      status: 'fail',
      message: `The IAM provider ${name} exists, but the identity pool ${t.poolId} does not list it${t.openIdConnectProviderArns.length ? ` (it lists ${t.openIdConnectProviderArns.map((a) => providerNameFromArn(a) ?? a).join(', ')})` : ' (it has no OpenID Connect provider)'}.`,
      hint: `Add ${p.arn} to the pool's OpenID Connect providers (Cognito console: identity pool > User access > Add identity provider).`,
      fix: { kind: 'attachProviderToPool', poolId: t.poolId, providerArn: p.arn },
      ...awsErr('notSupportedProvider'),
    };
  },

  'aud.clientId': (ctx) => {
    const d = ctx.decoded;
    if (!d) return noToken(ctx) as Outcome;
    if (!ctx.target) return noTarget(ctx) as Outcome;
    const p = ctx.provider;
    if (!p) return skip('Not checked: no provider matches the token.');
    const azp = d.claims.azp;
    const auds = audiences(d.claims);
    const list = p.clientIds;
    const shown = list.length ? list.join(', ') : '(empty)';
    if (azp !== undefined) {
      if (typeof azp === 'string' && list.includes(azp)) {
        return pass(`azp ${azp} is in the provider's client IDs${auds.includes(azp) ? '' : ' (azp is checked instead of aud when present)'}.`);
      }
      return {
        status: 'fail',
        message: `The token has azp ${JSON.stringify(azp)}, which Cognito checks instead of aud, and it is not in the provider's client IDs: ${shown}.${typeof azp === 'string' && auds.some((a) => list.includes(a)) ? ' (aud would match, but azp wins when present.)' : ''}`,
        hint: `Add ${JSON.stringify(azp)} to the client IDs (audiences) of the IAM provider ${providerName(p.url)}, or sign in with the application whose client ID is listed.`,
        ...(typeof azp === 'string' && claimsTrusted(ctx) ? { fix: { kind: 'addClientIdToProvider' as const, providerArn: p.arn, clientId: azp } } : {}),
        ...awsErr('notSupportedProvider'),
      };
    }
    const hit = auds.find((a) => list.includes(a));
    if (hit) return pass(`aud ${hit} is in the provider's client IDs.`);
    const first = auds[0];
    return {
      status: 'fail',
      message: auds.length ? `aud ${auds.join(', ')} is not in the provider's client IDs: ${shown}.` : 'The token has no aud claim to check against the provider\'s client IDs.',
      hint: first ? `Add ${first} (the Auth0 application's client ID) to the client IDs (audiences) of the IAM provider ${providerName(p.url)}.` : 'Send the ID token: its aud is the application\'s client ID.',
      ...(first && claimsTrusted(ctx) ? { fix: { kind: 'addClientIdToProvider' as const, providerArn: p.arn, clientId: first } } : {}),
      ...(auds.length ? awsErr('notSupportedProvider') : awsErr('missingAud')),
    };
  },

  'provider.thumbprints': (ctx) => {
    if (!ctx.target) return noTarget(ctx) as Outcome;
    const p = ctx.provider;
    if (!p) return skip('Not checked: no provider matches the token.');
    const tps = p.thumbprints;
    if (tps.length === 0) return pass('No thumbprint configured: IAM validates the Auth0 certificate against its trusted root CAs.');
    const bad = tps.filter((t) => !/^[0-9a-fA-F]{40}$/.test(t));
    if (tps.length > 5 || bad.length) {
      return {
        status: 'warn',
        message: `${tps.length > 5 ? `${tps.length} thumbprints (IAM allows 5)` : ''}${tps.length > 5 && bad.length ? '; ' : ''}${bad.length ? `malformed thumbprint${bad.length > 1 ? 's' : ''} ${bad.map((b) => JSON.stringify(b)).join(', ')} (40 hex characters expected)` : ''}.`,
        hint: 'Recompute the thumbprint (Compute Thumbprint command) or remove the list: IAM trusts Auth0\'s CA without one.',
        ...awsErr('thumbprint'),
      };
    }
    return pass(`${tps.length} well-formed thumbprint${tps.length > 1 ? 's' : ''} (only used when IAM cannot validate the certificate chain itself).`);
  },

  'pool.unauthenticated': (ctx) => {
    const t = ctx.target;
    if (!t) return noTarget(ctx) as Outcome;
    if (!t.allowUnauthenticated) return pass(`The pool ${t.poolId} gives credentials to signed-in users only.`);
    return {
      status: 'warn',
      message: `The pool ${t.poolId} allows unauthenticated (guest) identities: anyone can get its unauthenticated role's credentials without signing in.`,
      hint: 'Turn off guest access unless the app needs it (identity pool > User access > Guest access).',
      fix: { kind: 'disableUnauthenticated', poolId: t.poolId },
    };
  },

  'role.attached': (ctx) => {
    const t = ctx.target;
    if (!t) return noTarget(ctx) as Outcome;
    if (t.rolesError) return unverified(`Not verified: the pool's roles could not be read (${t.rolesError}).`);
    const r = t.authenticatedRole;
    if (!r) {
      return {
        status: 'fail',
        message: `The pool ${t.poolId} has no authenticated role: GetCredentialsForIdentity has no role to assume.`,
        hint: 'Create an IAM role with the Cognito trust policy and set it as the pool\'s authenticated role.',
        fix: { kind: 'setAuthenticatedRole', poolId: t.poolId },
        ...awsErr('badRoleConfig'),
      };
    }
    if (r.error) {
      return { status: 'fail', message: `The authenticated role ${r.arn} cannot be read: ${r.error}`, hint: 'Check that the role exists (it may have been deleted) and that you may call iam:GetRole.', ...awsErr('badRoleConfig') };
    }
    return pass(`Authenticated role: ${r.arn}.`);
  },

  'role.choice': (ctx) => roleChoiceRule(ctx),
  'role.tags': (ctx) => roleTagsRule(ctx),

  'role.trust.principal': (ctx) => trustRule(ctx, 'principal'),
  'role.trust.aud': (ctx) => trustRule(ctx, 'aud'),
  'role.trust.amr': (ctx) => trustRule(ctx, 'amr'),
};

function trustRule(ctx: Ctx, which: 'principal' | 'aud' | 'amr'): Outcome {
  const t = ctx.target;
  if (!t) return noTarget(ctx) as Outcome;
  if (t.rolesError) return skip('Not checked: the pool\'s roles could not be read.');
  const r = t.authenticatedRole;
  if (!r) return skip('Not checked: no authenticated role.');
  // The fix and its hint only for a failure (building them is most of a passing rule's cost).
  const fixAndHint = (): { fix: FixAction; hint: string } => {
    const { policy, compact } = recommendedFor(t.poolId);
    return {
      fix: { kind: 'fixRoleTrust', roleArn: r.arn, poolId: t.poolId, policy },
      hint: `Replace the role's trust policy with exactly this one (the fix shows the planned change before applying it): ${compact}`,
    };
  };
  if (r.error) return skip('Not checked: the role cannot be read.');
  if (r.trustPolicy === undefined) {
    if (which !== 'principal') return skip('Not checked: the trust policy could not be read.');
    const { fix, hint } = fixAndHint();
    return { status: 'fail', message: `The trust policy of ${r.arn} could not be read${r.trustPolicyError ? `: ${r.trustPolicyError}` : '.'}`, hint, fix, ...awsErr('badRoleConfig') };
  }
  // Every Allow statement IAM would evaluate is judged (one loose statement is enough to let others in).
  // Judged once for the three role.trust.* rules and every later token (evaluateTrustPolicyCached:
  // remembered per policy object and pool, judged again when the object changed). Read only.
  const v = evaluateTrustPolicyCached(r.trustPolicy, t.poolId)[which];
  if (v.status === 'skip') return skip(v.message);
  if (v.status === 'pass') return pass(v.message);
  const { fix, hint } = fixAndHint();
  return {
    status: 'fail',
    message: `The trust policy of ${r.arn}: ${v.message}`,
    hint,
    fix,
    // Cognito refuses only when the role cannot be used; a loose policy is a security finding.
    ...(v.blocks ? awsErr('badRoleConfig') : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Issue 13: role mappings and session tags (../aws/roleMapping, ../aws/principalTags)

/** The provider's mapping key (the Logins key: provider name without trailing slash). */
function mappingKey(p: ProviderInfo): string {
  return expectedLoginsKey(p.url);
}

/** The role mapping, its key and the role Cognito will choose; an Outcome when that cannot be said. */
function chooseRole(ctx: Ctx): { key: string; mapping: RoleMappingConfig | undefined; prediction: RolePrediction } | Outcome {
  const t = ctx.target;
  if (!t) return noTarget(ctx) as Outcome;
  const d = ctx.decoded;
  if (!d) return noToken(ctx) as Outcome;
  // Not 'unverified' again: role.attached already says the roles could not be read.
  if (t.rolesError) return skip(`Not checked: the pool's roles and role mappings could not be read (${t.rolesError}).`);
  const p = ctx.provider;
  if (!p) return skip('Not checked: no provider matches the token.');
  const key = mappingKey(p);
  const mapping = t.roleMappings?.[key] ?? t.roleMappings?.[providerName(p.url)];
  return { key, mapping, prediction: predictRole(d.claims, mapping, t.authenticatedRole?.arn, { providerName: key }) };
}

const isOutcome = (x: object): x is Outcome => 'status' in x;

function roleInfo(t: PoolTarget, arn: string): RoleInfo | undefined {
  if (t.authenticatedRole?.arn === arn) return t.authenticatedRole;
  return t.mappedRoles?.find((r) => r.arn === arn);
}

function roleChoiceRule(ctx: Ctx): Outcome {
  const c = chooseRole(ctx);
  if (isOutcome(c)) return c;
  const t = ctx.target as PoolTarget;
  const { prediction: pr, mapping, key } = c;
  const notes = pr.notes.length ? ` Note: ${pr.notes.join(' ')}` : '';
  if (pr.denied) {
    if (!mapping && !t.authenticatedRole) return skip('Not checked: no role mapping and no authenticated role (see "The pool has an authenticated role").');
    return {
      status: 'fail',
      message: `${pr.why}${notes}`,
      hint: pr.via === 'fallback' && mapping?.ambiguousRoleResolution === 'Deny'
        ? `Add a rule that matches this user, or set the mapping's AmbiguousRoleResolution to AuthenticatedRole (identity pool > User access > ${key} > Role settings).`
        : 'Give the pool an authenticated role, or a mapping that names a role for this user.',
      awsError: pr.error,
      awsErrorVerbatim: pr.errorVerbatim,
    };
  }
  const arn = pr.roleArn ?? '';
  // The trust of every role the mapping's rules can choose (the authenticated role: role.trust.*).
  const mapped = (mapping?.type === 'Rules' ? [...new Set(mapping.rules.map((r) => r.roleArn))] : []).filter((a) => a !== t.authenticatedRole?.arn);
  const loose: string[] = [];
  for (const a of mapped) {
    const r = roleInfo(t, a);
    if (!r) continue;
    if (r.error || r.trustPolicy === undefined) {
      if (a === arn) return { status: 'fail', message: `${pr.why} But the role ${a} cannot be read: ${r.error ?? r.trustPolicyError ?? 'no trust policy'}`, hint: 'Check that the role exists (the rule may name a deleted role) and that you may call iam:GetRole.', ...awsErr('badRoleConfig') };
      loose.push(`${a} (cannot be read: ${r.error ?? r.trustPolicyError ?? 'no trust policy'})`);
      continue;
    }
    const ev = evaluateTrustPolicyCached(r.trustPolicy, t.poolId);
    const blocks = [ev.principal, ev.aud, ev.amr].find((v) => v.blocks);
    if (a === arn && blocks) {
      return { status: 'fail', message: `${pr.why} But Cognito cannot assume it: ${blocks.message}`, hint: `Replace the trust policy of ${a} with the one for this pool.`, fix: { kind: 'fixRoleTrust', roleArn: a, poolId: t.poolId, policy: recommendedTrustPolicy(t.poolId) }, ...awsErr('badRoleConfig') };
    }
    if (!ev.pinned) loose.push(`${a} (${[ev.principal, ev.aud, ev.amr].filter((v) => v.status === 'fail').map((v) => v.message).join(' ')})`);
  }
  if (loose.length) {
    const first = mapped.find((a) => loose.some((l) => l.startsWith(a)));
    return {
      status: 'fail',
      message: `${pr.why} But ${loose.length === 1 ? 'a role' : `${loose.length} roles`} the mapping can choose ${loose.length === 1 ? 'is' : 'are'} not pinned to this pool's signed-in identities: ${loose.join('; ')}.${notes}`,
      hint: 'Every role a rule can choose needs the trust policy for this pool (aud = the pool id, amr = authenticated).',
      ...(first ? { fix: { kind: 'fixRoleTrust' as const, roleArn: first, poolId: t.poolId, policy: recommendedTrustPolicy(t.poolId) } } : {}),
    };
  }
  const trustNote = pr.via.startsWith('token') && arn !== t.authenticatedRole?.arn ? ' (a role named in the token: its trust policy was not read)' : '';
  return pass(`${pr.why}${trustNote}${notes}`);
}

function roleTagsRule(ctx: Ctx): Outcome {
  const c = chooseRole(ctx);
  if (isOutcome(c)) return c;
  const t = ctx.target as PoolTarget;
  if (t.principalTagsError) return skip(`Not checked: the principal tag map could not be read (${t.principalTagsError}).`);
  const tags = t.principalTags?.[c.key];
  if (!tags) return pass(`No principal tags are mapped for ${c.key}: the credentials carry no session tags.`);
  const pr = predictSessionTags((ctx.decoded as DecodedToken).claims, tags);
  const tagText = pr.tags.length ? pr.tags.map((x) => `${x.key}=${JSON.stringify(x.value)} (from ${x.claim})`).join(', ') : 'none';
  const missing = pr.missing.length ? ` Not set (the token has no such claim): ${pr.missing.map((m) => `${m.key} <- ${m.claim}`).join(', ')}.` : '';
  const notes = pr.notes.length ? ` Note: ${pr.notes.join(' ')}` : '';
  const arn = c.prediction.roleArn;
  const r = arn ? roleInfo(t, arn) : undefined;
  if (pr.tags.length && r?.trustPolicy !== undefined) {
    const ts = evaluateTagSessionCached(r.trustPolicy, t.poolId);
    if (!ts.allowed) {
      return {
        status: 'fail',
        message: `Cognito passes session tags (${tagText}), but the trust policy of ${r.arn}: ${ts.message}`,
        hint: `Add "sts:TagSession" to the Action of the statement that lets cognito-identity.amazonaws.com assume ${r.arn} (same conditions).`,
        awsError: AWS_ERRORS.badRoleConfig[0],
        awsErrorVerbatim: false,
      };
    }
  }
  if (pr.problems.length) {
    return {
      status: 'warn',
      message: `Session tags: ${tagText}. STS refuses some values: ${pr.problems.map((p) => p.message).join(' ')}${missing}${notes}`,
      hint: pr.problems[0]?.hint ?? 'Map claims that hold one short text value.',
    };
  }
  const trust = pr.tags.length && !r ? ' (the chosen role\'s trust policy was not read: sts:TagSession not checked)' : '';
  return pass(`Session tags: ${tagText}.${missing}${trust}${notes}`);
}

function ruleError(id: RuleId, e: unknown): Outcome {
  return { status: 'skip', message: `Not checked: internal error in rule ${id} (${e instanceof Error ? e.message : String(e)}).`, hint: 'Please report this with the log output.' };
}

/** Runs every rule. Never throws. */
export function runPreflight(input: PreflightInput): PreflightReport {
  const token = typeof input.token === 'string' ? decodeToken(input.token, { now: input.now }) : input.token;
  const decoded = token.ok ? token : undefined;
  const nowMs = input.now === undefined ? Date.now() : typeof input.now === 'number' ? input.now : input.now.getTime();
  const iss = decoded && typeof decoded.claims.iss === 'string' ? decoded.claims.iss : undefined;
  let chosen: ReturnType<typeof chooseProvider> = { provider: undefined, match: undefined };
  try {
    if (input.target) chosen = chooseProvider(input.target, iss);
  } catch {
    // a malformed target: rules will skip
  }
  const expectedKey = chosen.provider ? expectedLoginsKey(chosen.provider.url) : iss && /^https:\/\//.test(iss) ? issuerName(iss).replace(/\/+$/, '') : undefined;
  const ctx: Ctx = {
    token,
    decoded,
    signature: input.signature,
    target: input.target,
    nowSeconds: nowMs / 1000,
    skew: input.skewSeconds ?? DEFAULT_SKEW_SECONDS,
    clientId: input.clientId,
    iss,
    provider: chosen.provider,
    providerMatch: chosen.match,
    expectedKey,
  };
  const rules: RuleResult[] = RULE_ORDER.map((id) => {
    let r: Outcome;
    try {
      r = RULES[id](ctx);
    } catch (e) {
      r = ruleError(id, e);
    }
    // Object.assign, not a spread: the same keys in the same order, without V8's slow path for
    // spreading the rules' many outcome shapes.
    return Object.assign({ id, title: RULE_TITLES[id] }, r);
  });
  const counts: Record<RuleStatus, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const r of rules) counts[r.status]++;
  const failing = rules.filter((r) => r.status === 'fail');
  const predictedError = failing.find((r) => r.awsError)?.awsError;
  const unconfirmedRules = rules.filter((r) => r.unverified && r.status !== 'pass' && r.status !== 'fail');
  const verdict: PreflightVerdict = failing.length ? 'fail' : unconfirmedRules.length ? 'cannot-confirm' : 'pass';
  const ok = verdict === 'pass';
  const warnText = counts.warn ? `, ${counts.warn} warning${counts.warn > 1 ? 's' : ''}` : '';
  const skipText = counts.skip ? `, ${counts.skip} not checked` : '';
  const tokenOnly = input.target ? '' : ' No identity pool given: only the token was checked.';
  const summary = verdict === 'pass'
    ? `Preflight passed: ${counts.pass} check${counts.pass === 1 ? '' : 's'} passed${warnText}${skipText}.${tokenOnly}`
    : verdict === 'cannot-confirm'
      ? `Cannot confirm: no check failed, but ${unconfirmedRules.map((r) => r.id).join(', ')} could not be verified (${counts.pass} passed${warnText}${skipText}). ${unconfirmedRules[0]?.message ?? ''}${tokenOnly}`
      : failing.some((r) => r.awsError)
        ? `Cognito would reject this token: ${failing.length} check${failing.length > 1 ? 's' : ''} failed (${failing.map((r) => r.id).join(', ')})${warnText}.${predictedError ? ` Expected error: "${predictedError}"` : ''}`
        // Failures with no AWS error are security findings (a role trust that lets in more than
        // this pool's signed-in users): Cognito would hand out credentials, which is the problem.
        : `Cognito would accept this token, but the setup is not safe: ${failing.length} check${failing.length > 1 ? 's' : ''} failed (${failing.map((r) => r.id).join(', ')})${warnText}. ${failing[0]?.message ?? ''}`;
  return {
    ok, verdict, unconfirmed: unconfirmedRules.map((r) => `${r.title}: ${r.message}`),
    summary, counts, rules, predictedError, provider: chosen.provider, expectedLoginsKey: expectedKey,
  };
}
