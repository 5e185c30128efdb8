/**
 * Benchmark: tokens per second for decoding, the offline preflight, and signature checks with
 * a cached key set (no network). Prints numbers; asserts nothing. Run by `npm run bench`.
 */
import { generateKeyPairSync, createSign } from 'node:crypto';
import { decodeToken } from '../src/engine/token';
import { runPreflight, recommendedTrustPolicy, type PoolTarget } from '../src/engine/preflight';
import { verifySignature, type Jwk } from '../src/engine/jwks';

function b64(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

async function main(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' } as Jwk;
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'https://tenant.example.com/', sub: 'auth0|123', aud: 'ClientIdClientIdClientIdClientId', iat: now, exp: now + 3600, nonce: 'n', email: 'a@example.com' };
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64(claims)}`;
  const token = `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
  const poolId = 'us-east-1:00000000-0000-0000-0000-000000000000';
  const providerArn = 'arn:aws:iam::123456789012:oidc-provider/tenant.example.com';
  const target: PoolTarget = {
    poolId, region: 'us-east-1', allowUnauthenticated: false, openIdConnectProviderArns: [providerArn],
    providers: [{ arn: providerArn, url: 'tenant.example.com', clientIds: [claims.aud], thumbprints: [] }],
    authenticatedRole: { arn: 'arn:aws:iam::123456789012:role/auth', trustPolicy: JSON.parse(recommendedTrustPolicy(poolId)) },
  };

  const time = async (label: string, n: number, fn: () => unknown | Promise<unknown>) => {
    for (let i = 0; i < Math.min(200, n); i++) await fn();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`${label.padEnd(52)} ${Math.round(n / s).toLocaleString('en-US').padStart(9)} tokens/s  (${n} in ${(s * 1000).toFixed(0)} ms)`);
  };

  console.log(`token: ${token.length} characters, RS256`);
  await time('decode', 20_000, () => decodeToken(token));
  const decoded = decodeToken(token);
  await time('decode + preflight (token only)', 10_000, () => runPreflight({ token: decodeToken(token) }));
  await time('decode + preflight (against a pool, 17 rules)', 10_000, () => runPreflight({ token: decodeToken(token), target }));
  const sig = await verifySignature(decoded, { keys: [jwk] });
  if (sig.status !== 'valid') throw new Error(`bench token did not verify: ${sig.message}`);
  await time('signature check (RS256, key set cached)', 2_000, () => verifySignature(decoded, { keys: [jwk] }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
