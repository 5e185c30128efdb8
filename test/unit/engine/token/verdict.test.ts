/**
 * The preflight's verdict: "pass" only when every check that matters was made, "cannot-confirm"
 * when nothing failed but something needed could not be verified, "fail" when a check failed.
 * Tokens are signed here with a local RSA key and verified for real against it (no network).
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { verifySignature, type Jwk } from '../../../../src/engine/token/jwks';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import { runPreflight, type PoolTarget } from '../../../../src/engine/token/preflight';
import { decodeToken } from '../../../../src/engine/token/decode';

const ISS = 'https://tenant.auth0.com/';
const CLIENT = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const PROVIDER_ARN = 'arn:aws:iam::123456789012:oidc-provider/tenant.auth0.com';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/auth0-cognito-authenticated';

function target(over: Partial<PoolTarget> = {}): PoolTarget {
  return {
    poolId: POOL, region: 'us-east-1', allowUnauthenticated: false,
    openIdConnectProviderArns: [PROVIDER_ARN],
    providers: [{ arn: PROVIDER_ARN, url: 'tenant.auth0.com', clientIds: [CLIENT], thumbprints: [] }],
    authenticatedRole: { arn: ROLE_ARN, trustPolicy: JSON.parse(recommendedTrustPolicy(POOL)) },
    ...over,
  };
}

describe('preflight verdict: pass means verified', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' } as Jwk;
  const sign = (claims: Record<string, unknown>): string => {
    const now = Math.floor(Date.now() / 1000);
    const h = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' })).toString('base64url');
    const p = Buffer.from(JSON.stringify({ iss: ISS, aud: CLIENT, sub: 'auth0|1', iat: now - 60, exp: now + 3600, nonce: 'n', ...claims })).toString('base64url');
    return `${h}.${p}.${crypto.sign('RSA-SHA256', Buffer.from(`${h}.${p}`), privateKey).toString('base64url')}`;
  };

  it('a verified token against a readable pool passes', async () => {
    const token = sign({});
    const r = runPreflight({ token, signature: await verifySignature(decodeToken(token), { keys: [jwk] }), target: target() });
    assert.equal(r.verdict, 'pass', r.summary);
    assert.equal(r.ok, true);
    assert.deepEqual(r.unconfirmed, []);
  });

  it('no signature check at all: cannot confirm, not ok', () => {
    const r = runPreflight({ token: sign({}), target: target() });
    assert.equal(r.verdict, 'cannot-confirm');
    assert.equal(r.ok, false);
    assert.equal(r.counts.fail, 0);
    assert.match(r.unconfirmed.join(' '), /Signature verifies .*: Not verified/);
  });

  it('roles that could not be read: cannot confirm', async () => {
    const token = sign({});
    const r = runPreflight({ token, signature: await verifySignature(decodeToken(token), { keys: [jwk] }), target: target({ authenticatedRole: undefined, rolesError: 'AccessDenied' }) });
    assert.equal(r.verdict, 'cannot-confirm', r.summary);
    assert.match(r.summary, /role\.attached could not be verified/);
  });

  it('a failing check wins over what could not be verified', () => {
    const r = runPreflight({ token: sign({ exp: 1 }), target: target() });
    assert.equal(r.verdict, 'fail');
    assert.match(r.summary, /^Cognito would reject this token/);
  });

  it('a token with the signature cut off fails even though its header says RS256', async () => {
    const signed = sign({});
    const token = signed.slice(0, signed.lastIndexOf('.') + 1);
    const r = runPreflight({ token, signature: await verifySignature(decodeToken(token), { keys: [jwk] }), target: target() });
    assert.equal(r.verdict, 'fail');
    assert.equal(r.rules.find((x) => x.id === 'token.alg')?.status, 'fail');
  });
});
