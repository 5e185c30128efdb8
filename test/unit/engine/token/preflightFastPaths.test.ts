/**
 * What issue 11 (item 3) made faster must say exactly what it said before:
 *  - the preflight against a pool remembers each role's trust verdict (per policy object and
 *    pool id): a target changed in place, or another target, is never answered from a stale one;
 *  - the token's length without Intl (grouped), the token's times without Date#toISOString
 *    (isoFast), the plain-token fast path of the cleaning;
 *  - inspectToken makes the report of a stage only when someone listens: the final report is
 *    the same with or without onProgress.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import { decodeToken, isoFast, normalizeTokenInputDetailed } from '../../../../src/engine/token/decode';
import { inspectToken, type InspectProgress } from '../../../../src/engine/token/inspect';
import { JwksCache, type Jwk, type SignatureResult } from '../../../../src/engine/token/jwks';
import { grouped, runPreflight, type PoolTarget, type PreflightReport } from '../../../../src/engine/token/preflight';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const NOW_S = NOW / 1000;
const ISS = 'https://tenant.example.com/';
const CLIENT = 'ClientIdClientIdClientIdClientId';
const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const OTHER_POOL = 'us-east-1:99999999-8888-7777-6666-555555555555';
const PROVIDER_ARN = 'arn:aws:iam::123456789012:oidc-provider/tenant.example.com';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/auth';
const AUD = 'cognito-identity.amazonaws.com:aud';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const JWK = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' } as Jwk;

function mint(claims: Record<string, unknown> = {}): string {
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64({ iss: ISS, sub: 'auth0|1', aud: CLIENT, iat: NOW_S - 60, exp: NOW_S + 3600, nonce: 'n', ...claims })}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), pair.privateKey).toString('base64url')}`;
}

function target(poolId = POOL): PoolTarget {
  return {
    poolId, region: 'us-east-1', allowUnauthenticated: false, openIdConnectProviderArns: [PROVIDER_ARN],
    providers: [{ arn: PROVIDER_ARN, url: 'tenant.example.com', clientIds: [CLIENT], thumbprints: [] }],
    authenticatedRole: { arn: ROLE_ARN, trustPolicy: JSON.parse(recommendedTrustPolicy(POOL)) },
  };
}
const VALID: SignatureResult = { status: 'valid', message: 'The signature is valid.', hint: '' };
const statusOf = (r: PreflightReport, id: string): string | undefined => r.rules.find((x) => x.id === id)?.status;
type Stmt = { Condition: { StringEquals: Record<string, string> } };
const firstStatement = (t: PoolTarget): Stmt => ((t.authenticatedRole?.trustPolicy as { Statement: Stmt[] }).Statement[0] as Stmt);

describe('preflight against a pool: remembered trust verdicts are never stale', () => {
  const token = decodeToken(mint(), { now: NOW });

  it('the same target again gives the same report as a deep copy of it (nothing shared changes the answer)', () => {
    const t = target();
    const first = runPreflight({ token, signature: VALID, target: t, now: NOW });
    const again = runPreflight({ token, signature: VALID, target: t, now: NOW });
    const copy = runPreflight({ token, signature: VALID, target: structuredClone(t), now: NOW });
    assert.equal(first.verdict, 'pass');
    assert.deepEqual(again, first);
    assert.deepEqual(copy, first);
  });

  it('a trust policy changed in place after a run is judged again on the next run', () => {
    const t = target();
    assert.equal(runPreflight({ token, signature: VALID, target: t, now: NOW }).verdict, 'pass');
    firstStatement(t).Condition.StringEquals[AUD] = OTHER_POOL;
    const moved = runPreflight({ token, signature: VALID, target: t, now: NOW });
    assert.equal(statusOf(moved, 'role.trust.aud'), 'fail');
    assert.equal(moved.verdict, 'fail');
    assert.deepEqual(moved, runPreflight({ token, signature: VALID, target: structuredClone(t), now: NOW }));
    firstStatement(t).Condition.StringEquals[AUD] = POOL;
    assert.equal(runPreflight({ token, signature: VALID, target: t, now: NOW }).verdict, 'pass');
  });

  it('another role object, another pool id, or no trust policy on the same target: each judged as it is now', () => {
    const t = target();
    assert.equal(runPreflight({ token, signature: VALID, target: t, now: NOW }).verdict, 'pass');
    t.authenticatedRole = { arn: ROLE_ARN, trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] } };
    const loose = runPreflight({ token, signature: VALID, target: t, now: NOW });
    assert.equal(statusOf(loose, 'role.trust.aud'), 'fail');
    assert.equal(statusOf(loose, 'role.trust.amr'), 'fail');

    const other = target(OTHER_POOL);
    const wrongPool = runPreflight({ token, signature: VALID, target: other, now: NOW });
    assert.equal(statusOf(wrongPool, 'role.trust.aud'), 'fail');
    // The fix names the pool of THIS target.
    const fix = wrongPool.rules.find((r) => r.id === 'role.trust.aud')?.fix;
    assert.deepEqual(fix, { kind: 'fixRoleTrust', roleArn: ROLE_ARN, poolId: OTHER_POOL, policy: recommendedTrustPolicy(OTHER_POOL) });

    const unread = target();
    unread.authenticatedRole = { arn: ROLE_ARN, trustPolicyError: 'not JSON' };
    const r = runPreflight({ token, signature: VALID, target: unread, now: NOW });
    assert.equal(statusOf(r, 'role.trust.principal'), 'fail');
    assert.match(r.rules.find((x) => x.id === 'role.trust.principal')?.hint ?? '', /exactly this one/);
  });

  it('without a valid signature the verdict is never pass, however often the target was judged', () => {
    const t = target();
    for (let i = 0; i < 3; i++) assert.equal(runPreflight({ token, signature: VALID, target: t, now: NOW }).verdict, 'pass');
    assert.equal(runPreflight({ token, target: t, now: NOW }).verdict, 'cannot-confirm');
    assert.equal(runPreflight({ token, signature: { status: 'jwks-unreachable', message: 'x', hint: 'y' }, target: t, now: NOW }).verdict, 'cannot-confirm');
    assert.equal(runPreflight({ token, signature: { status: 'invalid', message: 'x', hint: 'y' }, target: t, now: NOW }).verdict, 'fail');
  });
});

describe('fast paths say what the slow ones said', () => {
  it('grouped(n) is n.toLocaleString("en-US")', () => {
    const values = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10_000, 50_000, 50_001, 99_999, 100_000, 617, 1_234_567, 2_000_000, Number.MAX_SAFE_INTEGER, -1, -1234, 1.5, -0, Number.NaN, Infinity];
    for (let i = 0; i < 2000; i++) values.push(Math.floor(Math.random() * 10 ** (1 + (i % 12))));
    for (const n of values) assert.equal(grouped(n), n.toLocaleString('en-US'), String(n));
  });

  it('isoFast(ms) is new Date(ms).toISOString() from 1970 to 9999: leap days, month ends, random instants', () => {
    const end = 253_402_300_800_000;
    for (let ms = 0; ms < end; ms += 86_400_000 * 29 + 3_601_001) assert.equal(isoFast(ms), new Date(ms).toISOString());
    for (const y of [1972, 2000, 2024, 2100, 2400, 9996]) {
      for (const [m, d] of [[1, 28], [1, 29], [2, 1], [11, 31], [0, 1]] as const) {
        const ms = Date.UTC(y, m, d, 23, 59, 59, 999);
        assert.equal(isoFast(ms), new Date(ms).toISOString());
      }
    }
    for (const ms of [0, 999, 86_399_999, 951_782_400_000, 951_868_800_000, 4_107_542_400_000, end - 1]) assert.equal(isoFast(ms), new Date(ms).toISOString());
    for (let i = 0; i < 5000; i++) {
      const ms = Math.floor(Math.random() * end);
      assert.equal(isoFast(ms), new Date(ms).toISOString());
    }
  });

  it('the decoded times are the same text as before for ordinary, fractional, old and far-future values', () => {
    for (const exp of [NOW_S + 3600, NOW_S + 0.5, 1, 0, -86_400, 253_402_300_799, 253_402_300_800, 8.64e12]) {
      const d = decodeToken(mint({ exp }), { now: NOW });
      assert.ok(d.ok);
      assert.equal(d.times.exp?.iso, new Date(exp * 1000).toISOString(), String(exp));
    }
    const huge = decodeToken(mint({ exp: 8.64e12 + 1 }), { now: NOW });
    assert.ok(huge.ok);
    assert.equal(huge.times.exp?.iso, 'out of range');
  });

  it('the plain-token fast path changes nothing: invisible characters, spaces, bad characters are still found and said', () => {
    const jwt = mint();
    assert.deepEqual(normalizeTokenInputDetailed(jwt), { token: jwt, cleaned: [] });
    assert.deepEqual(normalizeTokenInputDetailed(`  ${jwt}\n`), { token: jwt, cleaned: [] });
    assert.deepEqual(normalizeTokenInputDetailed(`\u200B${jwt}`), { token: jwt, cleaned: ['removed invisible characters'] });
    assert.deepEqual(normalizeTokenInputDetailed(`Bearer ${jwt}`), { token: jwt, cleaned: ['removed the "Bearer " prefix'] });
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const padded = decodeToken(`${h}.${p}=.${s}`);
    assert.equal(padded.ok ? 'ok' : padded.code, 'BAD_BASE64URL');
    const plus = decodeToken(`${h}.${p}.${s.slice(0, -1)}+`);
    assert.equal(plus.ok ? 'ok' : plus.problem, 'The signature (part 3 of 3) is not base64url: it contains "+" (plain base64, not base64url).');
    const truncated = decodeToken(`${h}.${p}.${s.slice(0, 1 + 4 * Math.floor((s.length - 1) / 4))}`);
    assert.equal(truncated.ok ? 'ok' : truncated.code, 'BAD_BASE64URL');
  });
});

describe('inspectToken: the same final report with or without onProgress', () => {
  const cache = new JwksCache();
  (cache as unknown as { entries: Map<string, unknown> }).entries.set(ISS, {
    issuer: ISS, discoveryUrl: `${ISS}.well-known/openid-configuration`, jwksUri: `${ISS}.well-known/jwks.json`,
    keys: [JWK], fetchedAt: Date.now(), expiresAt: Date.now() + 3_600_000, jwksOtherOrigin: false, imported: new Map(),
  });

  it('signature checked (cached keys): same report, and the last progress report is the one returned', async () => {
    const token = mint();
    const quiet = await inspectToken(token, { cache, trust: undefined, timeoutMs: undefined, now: NOW });
    const seen: InspectProgress[] = [];
    const loud = await inspectToken(token, { cache, trust: undefined, timeoutMs: undefined, now: NOW, onProgress: (p) => seen.push(p) });
    assert.equal(quiet.report.verdict, 'pass');
    assert.deepEqual(quiet, loud);
    assert.deepEqual(seen.map((s) => s.stage), ['decoded', 'signature']);
    assert.equal(seen[1]?.report, loud.report);
    assert.equal(seen[0]?.report.verdict, 'cannot-confirm');
  });

  it('a signature given, or none checked: the report reflects exactly that', async () => {
    const token = mint();
    const given = await inspectToken(token, { trust: undefined, timeoutMs: undefined, now: NOW, signature: { status: 'invalid', message: 'no', hint: 'h' } });
    assert.equal(given.report.verdict, 'fail');
    assert.equal(given.report.rules.find((r) => r.id === 'token.signature')?.status, 'fail');
    const unchecked = await inspectToken(token, { trust: undefined, timeoutMs: undefined, now: NOW, checkSignature: false });
    assert.equal(unchecked.signature, undefined);
    assert.equal(unchecked.report.verdict, 'cannot-confirm');
    assert.deepEqual(unchecked.report, runPreflight({ token: decodeToken(token, { now: NOW }), now: NOW }));
    const bad = await inspectToken('not a token', { trust: undefined, timeoutMs: undefined, now: NOW });
    assert.equal(bad.report.verdict, 'fail');
  });
});
