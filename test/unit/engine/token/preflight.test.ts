/**
 * The preflight rules, table-driven: every rule has a passing case and a failing (or warning)
 * case, built from tokens minted here with jose and hand-made PoolTargets. Signatures are
 * verified for real (verifySignature with a local key set, no network).
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { verifySignature, type Jwk, type SignatureResult } from '../../../../src/engine/token/jwks';
import {
  AWS_ERRORS,
  RULE_ORDER,
  runPreflight,
  type FixAction,
  type PoolTarget,
  type RuleId,
  type RuleStatus,
} from '../../../../src/engine/token/preflight';
import { expectedLoginsKey, issuerName, providerNameFromArn } from '../../../../src/engine/aws/names';
import { parseTrustPolicy, recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import { decodeToken } from '../../../../src/engine/token/decode';

const loadJose = () => import('jose');
type Jose = Awaited<ReturnType<typeof loadJose>>;

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const NOW_S = NOW / 1000;
const CLIENT = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const OTHER_CLIENT = 'ZzZzOtherApplicationClientId0000';
const ISS = 'https://tenant.auth0.com/';
const ACCOUNT = '123456789012';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/tenant.auth0.com`;
const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const OTHER_POOL = 'us-east-1:99999999-8888-7777-6666-555555555555';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/auth0-cognito-authenticated`;
const ACME_ROLE = `arn:aws:iam::${ACCOUNT}:role/AcmeUsers`;
const THUMB = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';

function trust(condition: Record<string, unknown> | undefined, over: Record<string, unknown> = {}): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        ...(condition ? { Condition: condition } : {}),
        ...over,
      },
    ],
  };
}
const GOOD_CONDITION = {
  StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL },
  'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
};

function baseTarget(over: Partial<PoolTarget> = {}): PoolTarget {
  return {
    poolId: POOL,
    region: 'us-east-1',
    poolName: 'auth0_pool',
    allowUnauthenticated: false,
    openIdConnectProviderArns: [PROVIDER_ARN],
    providers: [{ arn: PROVIDER_ARN, url: 'tenant.auth0.com', clientIds: [CLIENT], thumbprints: [] }],
    authenticatedRole: { arn: ROLE_ARN, trustPolicy: JSON.parse(recommendedTrustPolicy(POOL)) },
    ...over,
  };
}

interface Keys {
  jose: Jose;
  rsa: { privateKey: crypto.KeyObject; jwk: Jwk };
  foreign: { privateKey: crypto.KeyObject };
  ec: { privateKey: CryptoKey; jwk: Jwk };
  jwks: Jwk[];
}

interface MintOptions {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  alg?: 'RS256' | 'PS256' | 'HS256' | 'ES256' | 'none';
  key?: 'rsa' | 'foreign';
  /** Sign it, then drop the signature: header.payload. with the header still saying RS256. */
  unsigned?: boolean;
}

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

async function mint(k: Keys, o: MintOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = {
    iss: ISS, aud: CLIENT, sub: 'auth0|64f1c0ffee0123456789abcd', iat: NOW_S - 60, exp: NOW_S + 36_000, sid: 'sid-1', nonce: 'n1',
    ...o.claims,
  };
  for (const [key, v] of Object.entries(claims)) if (v === undefined) delete claims[key];
  const alg = o.alg ?? 'RS256';
  if (alg === 'none') return `${b64({ alg: 'none', typ: 'JWT', ...o.header })}.${b64(claims)}.`;
  const header: Record<string, unknown> = { alg, typ: 'JWT', ...(alg === 'HS256' ? {} : { kid: alg === 'ES256' ? 'ec-1' : 'rsa-1' }), ...o.header };
  const jws = new k.jose.SignJWT(claims).setProtectedHeader(header as Parameters<InstanceType<Jose['SignJWT']>['setProtectedHeader']>[0]);
  if (alg === 'HS256') return jws.sign(new TextEncoder().encode('client-secret-of-the-auth0-app-0123456789'));
  if (alg === 'ES256') return jws.sign(k.ec.privateKey);
  const signed = await jws.sign(o.key === 'foreign' ? k.foreign.privateKey : k.rsa.privateKey);
  return o.unsigned ? signed.slice(0, signed.lastIndexOf('.') + 1) : signed;
}

type TokenSpec = MintOptions | { raw: string } | { big: true };
type SigSpec = 'verify' | 'none' | SignatureResult;

interface Case {
  rule: RuleId;
  name: string;
  expect: RuleStatus;
  token?: TokenSpec;
  target?: PoolTarget | null;
  signature?: SigSpec;
  clientId?: string;
  message?: RegExp;
  awsError?: string | RegExp;
  fix?: Partial<FixAction> & { kind: FixAction['kind'] };
  /** The rule must offer no fix (it would not help, or would trust an unverified token). */
  noFix?: boolean;
  /** A security finding: Cognito would accept, so no AWS error is predicted for it. */
  securityOnly?: boolean;
}

const UNREACHABLE: SignatureResult = {
  status: 'jwks-unreachable',
  message: 'The signing keys of https://tenant.auth0.com/ could not be read: tenant.auth0.com does not resolve.',
  hint: 'Check the network.',
};

const CASES: Case[] = [
  // token.format
  { rule: 'token.format', name: 'a signed JWT', expect: 'pass', message: /A JWT with \d+ claims \(alg RS256, kid rsa-1\)/ },
  { rule: 'token.format', name: 'garbage', expect: 'fail', token: { raw: 'hello world' }, awsError: AWS_ERRORS.notOidcToken[0], message: /not a JWT/ },
  { rule: 'token.format', name: 'truncated', expect: 'fail', token: { raw: 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3Rlbm' }, message: /2 parts/ },
  // token.length
  { rule: 'token.length', name: 'a normal token', expect: 'pass', message: /characters \(limit 50,000\)/ },
  { rule: 'token.length', name: 'a 60 KB token', expect: 'fail', token: { big: true }, awsError: /Member must have length less than or equal to 50000/, message: /characters long; Cognito accepts at most 50,000/ },
  // token.kind
  { rule: 'token.kind', name: 'an ID token', expect: 'pass', message: /Looks like an ID token/ },
  { rule: 'token.kind', name: 'an access token', expect: 'fail', token: { claims: { aud: ['https://api.example.com', `${ISS}userinfo`], azp: CLIENT, scope: 'openid profile', sid: undefined, nonce: undefined } }, awsError: 'Invalid login token. Missing a required claim: aud', message: /access token/ },
  { rule: 'token.kind', name: 'no aud at all', expect: 'warn', token: { claims: { aud: undefined } }, awsError: 'Invalid login token. Missing a required claim: aud' },
  // token.alg
  { rule: 'token.alg', name: 'RS256', expect: 'pass' },
  { rule: 'token.alg', name: 'HS256', expect: 'fail', token: { alg: 'HS256' }, awsError: "Invalid login token. Couldn't verify signed token.", fix: { kind: 'switchAppToRS256', clientId: CLIENT }, message: /client secret/ },
  { rule: 'token.alg', name: 'alg none', expect: 'fail', token: { alg: 'none' }, noFix: true, message: /not signed/ },
  { rule: 'token.alg', name: 'RS256 with an empty signature part', expect: 'fail', token: { unsigned: true }, noFix: true, awsError: "Invalid login token. Couldn't verify signed token.", message: /not signed \(alg "RS256", empty signature part\)/ },
  { rule: 'token.alg', name: 'ES256', expect: 'fail', token: { alg: 'ES256' }, message: /not an RSA signature/ },
  { rule: 'token.alg', name: 'PS256 (RSA, but not the documented RS256)', expect: 'warn', token: { alg: 'PS256' } },
  // token.signature
  { rule: 'token.signature', name: 'valid against the JWKS', expect: 'pass', signature: 'verify', message: /signature is valid \(RS256/ },
  { rule: 'token.signature', name: 'signed with another key under the same kid', expect: 'fail', token: { key: 'foreign' }, signature: 'verify', awsError: "Invalid login token. Couldn't verify signed token.", message: /does not match the key/ },
  { rule: 'token.signature', name: 'unknown kid', expect: 'fail', token: { header: { kid: 'rotated-out' } }, signature: 'verify', message: /No key with kid "rotated-out"/ },
  { rule: 'token.signature', name: 'JWKS unreachable', expect: 'warn', signature: UNREACHABLE, message: /could not be read/ },
  { rule: 'token.signature', name: 'HS256 cannot be checked', expect: 'skip', token: { alg: 'HS256' }, signature: 'verify', message: /Not verifiable: .*HS256/ },
  { rule: 'token.signature', name: 'RS256 with an empty signature part is not verified', expect: 'skip', token: { unsigned: true }, signature: 'verify', message: /Not verifiable: .*no signature/ },
  { rule: 'token.signature', name: 'offline', expect: 'skip', signature: 'none', message: /Not verified: .*may be forged/ },
  // token.exp
  { rule: 'token.exp', name: 'valid for 10 h', expect: 'pass', message: /Expires in 10 h/ },
  { rule: 'token.exp', name: 'expired an hour ago', expect: 'fail', token: { claims: { exp: NOW_S - 3600 } }, awsError: `Invalid login token. Token expired: ${NOW_S} >= ${NOW_S - 3600}`, message: /Expired 1 h ago/ },
  { rule: 'token.exp', name: 'expired 2 min ago (within the skew)', expect: 'warn', token: { claims: { exp: NOW_S - 120 } }, message: /still accepts it .* for 3 min more/ },
  { rule: 'token.exp', name: 'no exp', expect: 'fail', token: { claims: { exp: undefined } }, message: /no "exp"/ },
  // token.iat
  { rule: 'token.iat', name: 'issued a minute ago', expect: 'pass', message: /issued 1 min ago/ },
  { rule: 'token.iat', name: 'issued 2 min in the future (within the skew)', expect: 'pass', token: { claims: { iat: NOW_S + 120 } } },
  { rule: 'token.iat', name: 'issued an hour in the future', expect: 'warn', token: { claims: { iat: NOW_S + 3600 } }, message: /in the future/ },
  // iss.provider
  { rule: 'iss.provider', name: 'iss with trailing slash vs provider without', expect: 'pass', message: /matches the IAM provider https:\/\/tenant\.auth0\.com \(Cognito ignores the trailing slash/ },
  { rule: 'iss.provider', name: 'iss without trailing slash', expect: 'pass', token: { claims: { iss: 'https://tenant.auth0.com' } } },
  { rule: 'iss.provider', name: 'provider URL with a trailing slash', expect: 'fail', target: baseTarget({ openIdConnectProviderArns: [`${PROVIDER_ARN}/`], providers: [{ arn: `${PROVIDER_ARN}/`, url: 'tenant.auth0.com/', clientIds: [CLIENT], thumbprints: [] }] }), awsError: "Invalid login token. Issuer doesn't match providerName", message: /ends with "\/"/, fix: { kind: 'createProvider', url: 'https://tenant.auth0.com' } },
  { rule: 'iss.provider', name: 'letter case differs', expect: 'fail', target: baseTarget({ providers: [{ arn: PROVIDER_ARN, url: 'Tenant.Auth0.com', clientIds: [CLIENT], thumbprints: [] }] }), message: /letter case differs/ },
  { rule: 'iss.provider', name: 'unknown issuer, unsigned token: no fix that creates a provider for it', expect: 'fail', token: { unsigned: true, claims: { iss: 'https://attacker.example/' } }, noFix: true, message: /No IAM OIDC provider for the token's issuer https:\/\/attacker\.example\// },
  { rule: 'iss.provider', name: 'custom domain vs tenant domain', expect: 'fail', token: { claims: { iss: 'https://login.example.com/' } }, message: /No IAM OIDC provider for the token's issuer https:\/\/login\.example\.com\/.*custom domain/, awsError: "Invalid login token. Issuer doesn't match providerName", fix: { kind: 'createProvider', url: 'https://login.example.com', clientId: CLIENT, poolId: POOL } },
  { rule: 'iss.provider', name: 'http:// issuer', expect: 'fail', token: { claims: { iss: 'http://tenant.auth0.com/' } }, message: /does not start with https/ },
  { rule: 'iss.provider', name: 'no iss', expect: 'fail', token: { claims: { iss: undefined } }, message: /no "iss"/ },
  { rule: 'iss.provider', name: 'no pool given', expect: 'skip', target: null, message: /provider URL must be https:\/\/tenant\.auth0\.com/ },
  // logins.key
  { rule: 'logins.key', name: 'derived from the provider', expect: 'pass', message: /must use the Logins key "tenant\.auth0\.com"/ },
  { rule: 'logins.key', name: 'the right key', expect: 'pass', target: baseTarget({ loginsKey: 'tenant.auth0.com' }) },
  { rule: 'logins.key', name: 'with https://', expect: 'fail', target: baseTarget({ loginsKey: 'https://tenant.auth0.com' }), awsError: "Invalid login token. Issuer doesn't match providerName", fix: { kind: 'fixLoginsKey', expected: 'tenant.auth0.com', current: 'https://tenant.auth0.com' }, message: /starts with a scheme/ },
  { rule: 'logins.key', name: 'with a trailing slash', expect: 'fail', target: baseTarget({ loginsKey: 'tenant.auth0.com/' }), message: /ends with "\/"/ },
  { rule: 'logins.key', name: 'another domain', expect: 'fail', target: baseTarget({ loginsKey: 'login.example.com' }), message: /not the provider name "tenant\.auth0\.com"/ },
  // provider.attached
  { rule: 'provider.attached', name: 'attached', expect: 'pass', message: /lists the provider tenant\.auth0\.com/ },
  { rule: 'provider.attached', name: 'pool without the provider', expect: 'fail', target: baseTarget({ openIdConnectProviderArns: [] }), awsError: 'Token is not from a supported provider of this identity pool.', fix: { kind: 'attachProviderToPool', poolId: POOL, providerArn: PROVIDER_ARN }, message: /exists, but the identity pool .* does not list it/ },
  { rule: 'provider.attached', name: 'pool with no provider at all', expect: 'fail', target: baseTarget({ openIdConnectProviderArns: [], providers: [] }), message: /no OpenID Connect provider at all/ },
  { rule: 'provider.attached', name: 'attached but deleted in IAM', expect: 'fail', target: baseTarget({ providers: [{ arn: PROVIDER_ARN, url: 'tenant.auth0.com', clientIds: [], thumbprints: [], error: 'NoSuchEntity' }] }), message: /IAM cannot describe it/ },
  // aud.clientId
  { rule: 'aud.clientId', name: 'aud in the client IDs', expect: 'pass', message: new RegExp(`aud ${CLIENT} is in`) },
  { rule: 'aud.clientId', name: 'wrong aud', expect: 'fail', token: { claims: { aud: OTHER_CLIENT } }, awsError: 'Token is not from a supported provider of this identity pool.', fix: { kind: 'addClientIdToProvider', providerArn: PROVIDER_ARN, clientId: OTHER_CLIENT } },
  { rule: 'aud.clientId', name: 'wrong aud, signature not verified: no fix that adds it', expect: 'fail', token: { claims: { aud: OTHER_CLIENT } }, signature: UNREACHABLE, noFix: true },
  { rule: 'aud.clientId', name: 'wrong aud, forged signature: no fix that adds it', expect: 'fail', token: { claims: { aud: OTHER_CLIENT }, key: 'foreign' }, signature: 'verify', noFix: true },
  { rule: 'aud.clientId', name: 'azp present and matching (aud does not)', expect: 'pass', token: { claims: { aud: [OTHER_CLIENT, 'https://api.example.com'], azp: CLIENT } }, message: /azp is checked instead of aud/ },
  { rule: 'aud.clientId', name: 'azp present and not matching (aud does)', expect: 'fail', token: { claims: { aud: CLIENT, azp: OTHER_CLIENT } }, message: /azp wins/, fix: { kind: 'addClientIdToProvider', clientId: OTHER_CLIENT } },
  // provider.thumbprints
  { rule: 'provider.thumbprints', name: 'none (IAM trusts the CA)', expect: 'pass' },
  { rule: 'provider.thumbprints', name: 'well-formed', expect: 'pass', target: baseTarget({ providers: [{ arn: PROVIDER_ARN, url: 'tenant.auth0.com', clientIds: [CLIENT], thumbprints: [THUMB] }] }) },
  { rule: 'provider.thumbprints', name: 'malformed', expect: 'warn', target: baseTarget({ providers: [{ arn: PROVIDER_ARN, url: 'tenant.auth0.com', clientIds: [CLIENT], thumbprints: ['zz'] }] }), message: /40 hex/ },
  // pool.unauthenticated
  { rule: 'pool.unauthenticated', name: 'guests off', expect: 'pass' },
  { rule: 'pool.unauthenticated', name: 'guests on', expect: 'warn', target: baseTarget({ allowUnauthenticated: true }), fix: { kind: 'disableUnauthenticated', poolId: POOL } },
  // role.attached
  { rule: 'role.attached', name: 'a role', expect: 'pass' },
  { rule: 'role.attached', name: 'no role', expect: 'fail', target: baseTarget({ authenticatedRole: undefined }), awsError: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.', fix: { kind: 'setAuthenticatedRole', poolId: POOL } },
  { rule: 'role.attached', name: 'role deleted', expect: 'fail', target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, error: 'NoSuchEntity' } }), message: /cannot be read/ },
  { rule: 'role.attached', name: 'roles unreadable', expect: 'skip', target: baseTarget({ authenticatedRole: undefined, rolesError: 'AccessDenied' }), message: /AccessDenied/ },
  // role.trust.principal
  { rule: 'role.trust.principal', name: 'Cognito federated principal', expect: 'pass' },
  { rule: 'role.trust.principal', name: 'trusts the OIDC provider directly', expect: 'fail', target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust(undefined, { Principal: { Federated: PROVIDER_ARN } }) } }), awsError: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.', message: /instead of cognito-identity/, fix: { kind: 'fixRoleTrust', roleArn: ROLE_ARN, poolId: POOL } },
  { rule: 'role.trust.principal', name: 'the right conditions on a statement that does not allow the action', expect: 'fail', target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust(GOOD_CONDITION, { Action: undefined, NotAction: 'sts:AssumeRoleWith*' }) } }), awsError: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.', message: /Statement 1 \(no Sid\) names cognito-identity\.amazonaws\.com but allows not sts:AssumeRoleWith\*/ },
  { rule: 'role.trust.principal', name: 'an unconditional Deny of the action wins over the Allow', expect: 'fail', target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: { Statement: [...(trust(GOOD_CONDITION) as { Statement: unknown[] }).Statement, { Sid: 'NoCognito', Effect: 'Deny', Principal: '*', Action: 'sts:*' }] } } }), message: /Statement 2 \(Sid "NoCognito"\) denies/ },
  { rule: 'role.trust.principal', name: 'wrong action', expect: 'fail', target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust(GOOD_CONDITION, { Action: 'sts:AssumeRole' }) } }), message: /allows sts:AssumeRole, not/ },
  { rule: 'role.trust.principal', name: 'unreadable policy', expect: 'fail', target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicyError: 'The role\'s trust policy is not a JSON object.' } }), message: /could not be read: The role's trust policy is not a JSON object/ },
  { rule: 'role.trust.principal', name: 'role deleted (role.attached fails instead)', expect: 'skip', target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, error: 'NoSuchEntity' } }) },
  // role.trust.aud
  { rule: 'role.trust.aud', name: 'aud = this pool', expect: 'pass' },
  { rule: 'role.trust.aud', name: 'no aud condition (security: any pool of any account)', expect: 'fail', securityOnly: true, target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust({ 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }) } }), message: /Statement 1 \(no Sid\) allows any identity pool in any account/, fix: { kind: 'fixRoleTrust', roleArn: ROLE_ARN, poolId: POOL, policy: recommendedTrustPolicy(POOL) } },
  // Issue #8 item 3: these passed when ANY statement matched.
  { rule: 'role.trust.aud', name: 'the correct statement plus a second unconditioned Allow names statement 2', expect: 'fail', securityOnly: true, target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: { Version: '2012-10-17', Statement: [...(trust(GOOD_CONDITION) as { Statement: unknown[] }).Statement, { Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] } } }), message: /Statement 2 \(no Sid\) allows any identity pool in any account, authenticated or not/, fix: { kind: 'fixRoleTrust', roleArn: ROLE_ARN, poolId: POOL, policy: recommendedTrustPolicy(POOL) } },
  { rule: 'role.trust.aud', name: 'aud by StringLike "us-east-1:*"', expect: 'fail', securityOnly: true, target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust({ StringLike: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:*' }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }) } }), message: /Statement 1 \(no Sid\) allows any identity pool whose id matches "us-east-1:\*"/, fix: { kind: 'fixRoleTrust', poolId: POOL } },
  { rule: 'role.trust.aud', name: 'aud = another pool', expect: 'fail', target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust({ StringEquals: { 'cognito-identity.amazonaws.com:aud': OTHER_POOL } }) } }), awsError: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.', message: new RegExp(`allows only the identity pool ${OTHER_POOL}`) },
  // role.trust.amr
  { rule: 'role.trust.amr', name: 'amr authenticated', expect: 'pass' },
  { rule: 'role.trust.amr', name: 'no amr condition (security: guests too)', expect: 'fail', securityOnly: true, target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL } }) } }), message: /Statement 1 \(no Sid\) allows only this identity pool, authenticated or not/ },
  { rule: 'role.trust.amr', name: 'amr under ForAllValues:StringLike (true for an empty set)', expect: 'fail', securityOnly: true, target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAllValues:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }) } }), message: /Statement 1 \(no Sid\) allows .*ForAllValues:StringLike holds for an empty set/, fix: { kind: 'fixRoleTrust', poolId: POOL } },
  { rule: 'role.trust.amr', name: 'an amr pattern that also matches "unauthenticated"', expect: 'fail', securityOnly: true, target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': '*authenticated' } }) } }), message: /guest \(unauthenticated\) identities too/ },
  { rule: 'role.trust.amr', name: 'amr unauthenticated only', expect: 'fail', target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' } }) } }), message: /signed-in users cannot assume it/ },
  // role.choice (issue 13): the role mapping of the token's provider (key tenant.auth0.com)
  { rule: 'role.choice', name: 'no mapping: the authenticated role', expect: 'pass', message: /No role mapping for tenant\.auth0\.com: the pool's authenticated role/ },
  { rule: 'role.choice', name: 'a rule matches: its role, pinned', expect: 'pass', token: { claims: { tenant: 'acme' } }, target: baseTarget({ roleMappings: { 'tenant.auth0.com': { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [{ claim: 'tenant', matchType: 'Equals', value: 'acme', roleArn: ACME_ROLE }] } }, mappedRoles: [{ arn: ACME_ROLE, trustPolicy: JSON.parse(recommendedTrustPolicy(POOL)) }] }), message: /Rule 1 matches .*AcmeUsers/ },
  { rule: 'role.choice', name: 'no rule matches with Deny: the exact error', expect: 'fail', token: { claims: { tenant: 'globex' } }, target: baseTarget({ roleMappings: { 'tenant.auth0.com': { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [{ claim: 'tenant', matchType: 'Equals', value: 'acme', roleArn: ACME_ROLE }] } } }), awsError: 'The ambiguous role mapping rules for: tenant.auth0.com denied this request.', message: /None of the 1 rule matches\. AmbiguousRoleResolution is Deny/ },
  { rule: 'role.choice', name: 'a role a rule can choose trusts any pool (security)', expect: 'fail', securityOnly: true, token: { claims: { tenant: 'globex' } }, target: baseTarget({ roleMappings: { 'tenant.auth0.com': { type: 'Rules', ambiguousRoleResolution: 'AuthenticatedRole', rules: [{ claim: 'tenant', matchType: 'Equals', value: 'acme', roleArn: ACME_ROLE }] } }, mappedRoles: [{ arn: ACME_ROLE, trustPolicy: trust({ 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }) }] }), message: /not pinned to this pool's signed-in identities: .*AcmeUsers/, fix: { kind: 'fixRoleTrust', roleArn: ACME_ROLE, poolId: POOL } },
  { rule: 'role.choice', name: 'the chosen role trusts another pool: Cognito cannot assume it', expect: 'fail', token: { claims: { tenant: 'acme' } }, target: baseTarget({ roleMappings: { 'tenant.auth0.com': { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [{ claim: 'tenant', matchType: 'Equals', value: 'acme', roleArn: ACME_ROLE }] } }, mappedRoles: [{ arn: ACME_ROLE, trustPolicy: trust({ StringEquals: { 'cognito-identity.amazonaws.com:aud': OTHER_POOL } }) }] }), awsError: AWS_ERRORS.badRoleConfig[0], message: /Cognito cannot assume it/ },
  // role.tags (issue 13)
  { rule: 'role.tags', name: 'no tag map: no session tags', expect: 'pass', message: /no session tags/ },
  { rule: 'role.tags', name: 'default tags, trust allows sts:TagSession', expect: 'pass', target: baseTarget({ principalTags: { 'tenant.auth0.com': { useDefaults: true } }, authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust(GOOD_CONDITION, { Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] }) } }), message: new RegExp(`Session tags: client="${CLIENT}" \\(from aud\\), username="auth0\\|`) },
  { rule: 'role.tags', name: 'tags mapped but the trust lacks sts:TagSession', expect: 'fail', target: baseTarget({ principalTags: { 'tenant.auth0.com': { useDefaults: false, map: { tenant: 'tenant' } } } }), token: { claims: { tenant: 'acme' } }, awsError: AWS_ERRORS.badRoleConfig[0], message: /No statement allows sts:TagSession/ },
  { rule: 'role.tags', name: 'a list claim mapped to a tag', expect: 'warn', target: baseTarget({ principalTags: { 'tenant.auth0.com': { useDefaults: false, map: { groups: 'groups' } } }, authenticatedRole: { arn: ROLE_ARN, trustPolicy: trust(GOOD_CONDITION, { Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] }) } }), token: { claims: { groups: ['a', 'b'] } }, message: /multivalued session tags are not supported/ },
];

describe('preflight rules (table-driven, tokens minted with jose)', function () {
  this.timeout(30_000);
  let k: Keys;

  before(async () => {
    const jose = await loadJose();
    // Node KeyObjects for RSA, so one key signs RS256 and PS256 alike (as Auth0's key does).
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const foreign = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = await jose.generateKeyPair('ES256', { extractable: true });
    const rsaJwk = { ...(await jose.exportJWK(rsa.publicKey)), kid: 'rsa-1', use: 'sig', alg: 'RS256' } as Jwk;
    const ecJwk = { ...(await jose.exportJWK(ec.publicKey)), kid: 'ec-1', use: 'sig' } as Jwk;
    k = { jose, rsa: { privateKey: rsa.privateKey, jwk: rsaJwk }, foreign: { privateKey: foreign.privateKey }, ec: { privateKey: ec.privateKey, jwk: ecJwk }, jwks: [rsaJwk, ecJwk] };
  });

  async function tokenFor(spec: TokenSpec | undefined): Promise<string> {
    if (spec && 'raw' in spec) return spec.raw;
    if (spec && 'big' in spec) return mint(k, { claims: { 'https://example.com/groups': Array.from({ length: 4000 }, (_, i) => `group-${i}`) } });
    return mint(k, spec);
  }

  it('covers every rule with a passing case and a failing (or warning) case', () => {
    for (const id of RULE_ORDER) {
      const statuses = CASES.filter((c) => c.rule === id).map((c) => c.expect);
      assert.ok(statuses.includes('pass'), `${id} has a passing case`);
      assert.ok(statuses.includes('fail') || statuses.includes('warn'), `${id} has a failing case`);
    }
  });

  for (const c of CASES) {
    it(`${c.rule}: ${c.expect} — ${c.name}`, async () => {
      const token = await tokenFor(c.token);
      const decoded = decodeToken(token, { now: NOW });
      const signature = c.signature === undefined || c.signature === 'verify'
        ? await verifySignature(decoded, { keys: k.jwks })
        : c.signature === 'none' ? undefined : c.signature;
      const target = c.target === null ? undefined : (c.target ?? baseTarget());
      const report = runPreflight({ token: decoded, signature, target, now: NOW, clientId: c.clientId });
      const r = report.rules.find((x) => x.id === c.rule);
      assert.ok(r, `rule ${c.rule} in the report`);
      assert.equal(r.status, c.expect, `${r.status}: ${r.message}`);
      assert.ok(r.message.length > 10, 'a message');
      assert.ok(r.title.length > 5, 'a title');
      if (c.message) assert.match(r.message, c.message);
      if (r.status === 'fail' || r.status === 'warn') assert.ok((r.hint ?? '').length > 10, `a fix sentence: ${r.hint}`);
      if (c.awsError !== undefined) {
        if (typeof c.awsError === 'string') assert.equal(r.awsError, c.awsError);
        else assert.match(r.awsError ?? '', c.awsError);
      }
      if (c.fix) {
        assert.ok(r.fix, 'a fix action');
        for (const [key, v] of Object.entries(c.fix)) assert.deepEqual((r.fix as Record<string, unknown>)[key], v, `fix.${key}`);
      }
      if (c.noFix) assert.equal(r.fix, undefined, `no fix offered: ${JSON.stringify(r.fix)}`);
      if (r.status === 'fail') {
        assert.equal(report.ok, false);
        if (c.securityOnly) assert.equal(r.awsError, undefined, 'a security finding predicts no AWS error');
        else assert.ok(report.predictedError, 'an expected error');
      }
    });
  }

  it('a good token against a good pool passes every rule', async () => {
    const token = await mint(k);
    const report = runPreflight({ token, signature: await verifySignature(token, { keys: k.jwks }), target: baseTarget({ loginsKey: 'tenant.auth0.com' }), now: NOW });
    assert.deepEqual(report.rules.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.message}`), []);
    assert.equal(report.ok, true);
    assert.equal(report.predictedError, undefined);
    assert.equal(report.expectedLoginsKey, 'tenant.auth0.com');
    assert.equal(report.provider?.arn, PROVIDER_ARN);
    assert.match(report.summary, /^Preflight passed: 19 checks passed\.$/);
  });

  it('without a pool, checks the token only and says so', async () => {
    const token = await mint(k);
    const report = runPreflight({ token, signature: await verifySignature(token, { keys: k.jwks }), now: NOW });
    assert.equal(report.ok, true);
    assert.equal(report.verdict, 'pass');
    assert.ok(report.rules.filter((r) => r.id.startsWith('role.') || r.id.startsWith('pool.')).every((r) => r.status === 'skip'));
    assert.match(report.summary, /No identity pool given/);
    assert.equal(report.expectedLoginsKey, 'tenant.auth0.com');
  });

  it('predicts the error of the first failing rule in Cognito\'s order, and lists every failure', async () => {
    const token = await mint(k, { alg: 'HS256', claims: { exp: NOW_S - 7200, aud: OTHER_CLIENT } });
    const report = runPreflight({ token, target: baseTarget({ loginsKey: 'https://tenant.auth0.com/' }), now: NOW });
    assert.equal(report.ok, false);
    assert.deepEqual(report.rules.filter((r) => r.status === 'fail').map((r) => r.id), ['logins.key', 'token.alg', 'aud.clientId', 'token.exp']);
    assert.equal(report.predictedError, "Invalid login token. Issuer doesn't match providerName");
    assert.match(report.summary, /^Cognito would reject this token: 4 checks failed \(logins\.key, token\.alg, aud\.clientId, token\.exp\)\. Expected error: "Invalid login token\. Issuer doesn't match providerName"$/);
  });

  it('garbage still gets a full report: token rules skip, pool rules run', () => {
    const report = runPreflight({ token: 'not a token', target: baseTarget({ authenticatedRole: undefined }), now: NOW });
    const status = Object.fromEntries(report.rules.map((r) => [r.id, r.status]));
    assert.equal(status['token.format'], 'fail');
    assert.equal(status['token.exp'], 'skip');
    assert.equal(status['role.attached'], 'fail');
    assert.equal(report.predictedError, AWS_ERRORS.notOidcToken[0]);
  });

  it('finds the provider the token needs among several, and prefers the attached one', async () => {
    const other = `arn:aws:iam::${ACCOUNT}:oidc-provider/other.auth0.com`;
    const target = baseTarget({
      openIdConnectProviderArns: [other, PROVIDER_ARN],
      providers: [
        { arn: other, url: 'other.auth0.com', clientIds: ['x'], thumbprints: [] },
        { arn: PROVIDER_ARN, url: 'tenant.auth0.com', clientIds: [CLIENT], thumbprints: [] },
      ],
    });
    const token = await mint(k);
    const report = runPreflight({ token, signature: await verifySignature(token, { keys: k.jwks }), target, now: NOW });
    assert.equal(report.provider?.arn, PROVIDER_ARN);
    assert.equal(report.ok, true, report.summary);
  });
});

describe('preflight: signature verification decides the algorithm by the key', function () {
  let k: Keys;
  before(async () => {
    const jose = await loadJose();
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = await jose.generateKeyPair('ES256');
    const rsaJwk = { ...(await jose.exportJWK(rsa.publicKey)), kid: 'rsa-1' } as Jwk;
    k = { jose, rsa: { privateKey: rsa.privateKey, jwk: rsaJwk }, foreign: { privateKey: rsa.privateKey }, ec: { privateKey: ec.privateKey, jwk: rsaJwk }, jwks: [rsaJwk] };
  });

  it('a PS256 header on an RSA key is a mismatch unless PS256 is the expected setting', async () => {
    const token = await mint(k, { alg: 'PS256', header: { kid: 'rsa-1' } });
    const r = await verifySignature(token, { keys: k.jwks });
    assert.equal(r.status, 'invalid');
    assert.match(r.message, /header says PS256, but the key "rsa-1" \(RSA\) is used with RS256/);
    const ok = await verifySignature(token, { keys: k.jwks, expectedAlg: 'PS256' });
    assert.equal(ok.status, 'valid', ok.message);
  });

  it('an RS256 token checked against an RS512 setting fails (the header is not trusted)', async () => {
    const r = await verifySignature(await mint(k), { keys: k.jwks, expectedAlg: 'RS512' });
    assert.equal(r.status, 'invalid');
    assert.equal(r.alg, 'RS512');
  });

  it('no kid: the only key is used; several keys: key not found', async () => {
    const token = await mint(k, { header: { kid: undefined } });
    assert.equal((await verifySignature(token, { keys: k.jwks })).status, 'valid');
    const two = await verifySignature(token, { keys: [...k.jwks, { ...k.rsa.jwk, kid: 'rsa-2' }] });
    assert.equal(two.status, 'key-not-found');
    assert.match(two.message, /no "kid", and the given key set does not hold exactly one signing key \(it holds 2 keys: rsa-1, rsa-2\)/);
  });

  it('flags alg none, HS256 and a missing signature without fetching anything', async () => {
    for (const [token, re] of [
      [await mint(k, { alg: 'none' }), /not signed \(alg "none"\)/],
      [await mint(k, { alg: 'HS256' }), /HS256 \(a shared secret/],
      [`${(await mint(k)).split('.').slice(0, 2).join('.')}.`, /no signature/],
    ] as const) {
      const r = await verifySignature(token, { issuer: 'https://unreachable.invalid/' });
      assert.equal(r.status, 'unsupported-alg');
      assert.match(r.message, re);
      assert.match(r.hint, /RS256/);
    }
  });

  it('an undecodable token or a token without iss is not checked, with a reason', async () => {
    assert.equal((await verifySignature('garbage')).status, 'not-checked');
    const r = await verifySignature(await mint(k, { claims: { iss: undefined } }));
    assert.equal(r.status, 'not-checked');
    assert.match(r.message, /no "iss"/);
  });
});

describe('preflight: names and trust policies', () => {
  it('derives provider names, Logins keys and issuer names', () => {
    assert.equal(providerNameFromArn(PROVIDER_ARN), 'tenant.auth0.com');
    assert.equal(providerNameFromArn(`arn:aws:iam::${ACCOUNT}:oidc-provider/login.example.com/tenant/`), 'login.example.com/tenant/');
    assert.equal(providerNameFromArn(ROLE_ARN), undefined);
    assert.equal(expectedLoginsKey('https://tenant.auth0.com/'), 'tenant.auth0.com');
    assert.equal(expectedLoginsKey('tenant.auth0.com'), 'tenant.auth0.com');
    assert.equal(issuerName('https://tenant.auth0.com/'), 'tenant.auth0.com');
    assert.equal(issuerName('https://login.example.com/t1'), 'login.example.com/t1');
  });

  it('parses trust policies URL-encoded (as IAM returns them), plain or parsed', () => {
    const doc = recommendedTrustPolicy(POOL);
    const want = JSON.parse(doc);
    assert.deepEqual(parseTrustPolicy(encodeURIComponent(doc)), { policy: want });
    assert.deepEqual(parseTrustPolicy(doc), { policy: want });
    assert.deepEqual(parseTrustPolicy(want), { policy: want });
    assert.match((parseTrustPolicy('not json') as { error: string }).error, /not a JSON object/);
    assert.match((parseTrustPolicy('') as { error: string }).error, /no trust policy/);
    assert.match((parseTrustPolicy('%E0%A4%A') as { error: string }).error, /not a JSON object/);
  });

  it('reads Condition operators and keys case-insensitively, Statement as object, Action as array', async () => {
    const policy = {
      Statement: {
        Effect: 'Allow',
        Principal: { Federated: ['cognito-identity.amazonaws.com'] },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        Condition: {
          StringEquals: { 'Cognito-Identity.amazonaws.com:AUD': POOL },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': ['authenticated'] },
        },
      },
    };
    const report = runPreflight({ token: 'x', target: baseTarget({ authenticatedRole: { arn: ROLE_ARN, trustPolicy: policy } }), now: NOW });
    for (const id of ['role.trust.principal', 'role.trust.aud', 'role.trust.amr'] as const) {
      assert.equal(report.rules.find((r) => r.id === id)?.status, 'pass', id);
    }
  });
});
