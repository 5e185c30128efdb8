/**
 * Benchmark: tokens per second for decoding, the offline preflight, and signature checks with
 * a cached key set (no network); the JWT scanner and the CLI on adversarial input (issue 8:
 * targets < 50 ms for a 1 MB line, < 1 s for the CLI on 4 MB). Prints numbers; asserts
 * nothing. Run by `npm run bench` (after `node esbuild.mjs --production`, for dist/cli.js).
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, createSign, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeToken } from '../src/engine/token/decode';
import { findJwtsInText, jwtAt } from '../src/engine/token/scan';
import { recommendedTrustPolicy } from '../src/engine/aws/trustPolicy';
import { runPreflight, type PoolTarget } from '../src/engine/token/preflight';
import { verifySignature, JwksCache, type Jwk } from '../src/engine/token/jwks';
import { inspectToken } from '../src/engine/token/inspect';

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
  // The JWKS cache as after a first fetch (no network): the issuer's key set, fresh.
  const cache = new JwksCache();
  (cache as unknown as { entries: Map<string, unknown> }).entries.set(claims.iss, {
    issuer: claims.iss, discoveryUrl: `${claims.iss}.well-known/openid-configuration`, jwksUri: `${claims.iss}.well-known/jwks.json`,
    keys: [jwk], fetchedAt: Date.now(), expiresAt: Date.now() + 3600_000, jwksOtherOrigin: false, imported: new Map(),
  });
  await time('signature check (RS256, keys given)', 20_000, () => verifySignature(decoded, { keys: [jwk] }));
  await time('signature check (RS256, JWKS cache hit)', 20_000, () => verifySignature(decoded, { cache }));
  // The floor: node:crypto alone on the same signing input (what `openssl speed rsa2048` measures, plus Node's per-call cost).
  const dot = token.lastIndexOf('.');
  const data = Buffer.from(token.slice(0, dot));
  const sigBytes = Buffer.from(token.slice(dot + 1), 'base64url');
  await time('  floor: crypto.verify(sha256) alone, same key', 20_000, () => cryptoVerify('sha256', data, publicKey, sigBytes));
  for (const [alg, kind] of [['ES256', 'ec'], ['EdDSA', 'ed25519'], ['PS256', 'rsa']] as const) {
    const pair = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const k = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k2' } as Jwk;
    const inp = `${b64({ alg, typ: 'JWT', kid: 'k2' })}.${b64(claims)}`;
    const raw = alg === 'ES256' ? cryptoSign('sha256', Buffer.from(inp), { key: pair.privateKey, dsaEncoding: 'ieee-p1363' })
      : alg === 'EdDSA' ? cryptoSign(null, Buffer.from(inp), pair.privateKey)
        : cryptoSign('sha256', Buffer.from(inp), { key: pair.privateKey, padding: 6, saltLength: 32 });
    const d = decodeToken(`${inp}.${raw.toString('base64url')}`);
    const opts = alg === 'PS256' ? { keys: [k], expectedAlg: 'PS256' } : { keys: [k] };
    const r = await verifySignature(d, opts);
    if (r.status !== 'valid') throw new Error(`${alg} bench token did not verify: ${r.message}`);
    await time(`signature check (${alg}, keys given)`, 10_000, () => verifySignature(d, opts));
    // Its floor, as for RS256: ECDSA P-256 and Ed25519 verify several times slower than RSA-2048
    // in OpenSSL itself (`openssl speed ecdsap256 ed25519 rsa2048`), so these rows sit lower.
    const dataK = Buffer.from(inp);
    const verifyKey = alg === 'ES256' ? { key: pair.publicKey, dsaEncoding: 'ieee-p1363' as const } : alg === 'PS256' ? { key: pair.publicKey, padding: 6, saltLength: 32 } : pair.publicKey;
    await time(`  floor: crypto.verify alone, ${alg}`, 10_000, () => cryptoVerify(alg === 'EdDSA' ? null : 'sha256', dataK, verifyKey, raw));
  }
  // The whole pipeline: decode + signature (JWKS cache hit) + preflight, as inspect-token runs it.
  const full = await inspectToken(token, { cache, trust: undefined, timeoutMs: undefined });
  if (full.signature?.status !== 'valid') throw new Error(`inspect: ${full.signature?.message}`);
  await time('full inspect, token only (inspectToken, JWKS cached)', 10_000, () => inspectToken(token, { cache, trust: undefined, timeoutMs: undefined }));
  // Against a pool: the pool read once (here a ready PoolTarget, as readPoolTarget returns it),
  // then per token: decode + signature (cached key) + the 17 rules against that target.
  await time('full inspect against a pool (target read once)', 10_000, async () => {
    const d = decodeToken(token);
    const signature = await verifySignature(d, { cache });
    return runPreflight({ token: d, signature, target });
  });
  adversarialScan();
  adversarialCli();
}

/** Median of `n` runs of fn, in ms. */
function median(n: number, fn: () => unknown): number {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)] ?? NaN;
}

const MB = 1_000_000;
const ADVERSARIAL: Array<[string, (size: number) => string]> = [
  ['"eyJ-" repeated', (n) => 'eyJ-'.repeat(n / 4)],
  ['"eyJ" repeated', (n) => 'eyJ'.repeat(Math.ceil(n / 3)).slice(0, n)],
  ['dots', (n) => '.'.repeat(n)],
  ['"eyJ." repeated', (n) => 'eyJ.'.repeat(n / 4)],
  ['{"a":"eyJeyJ…"}', (n) => `{"a":"${'eyJ'.repeat(Math.ceil((n - 8) / 3))}"}`],
  ['Bearer "eyJ-…\\"', (n) => `Bearer "${'eyJ-'.repeat((n - 12) / 4)}\\"`],
];

/** The scanner (hover/CodeLens/clipboard) and the decoder on a 1 MB adversarial line. Target < 50 ms. */
function adversarialScan(): void {
  console.log('\nadversarial 1 MB line (median of 9; target < 50 ms)'.padEnd(53) + '      scan   decode   hover');
  let worst = 0;
  for (const [label, make] of ADVERSARIAL) {
    const text = make(MB);
    const scan = median(9, () => findJwtsInText(text));
    const decode = median(9, () => decodeToken(text));
    const hover = median(9, () => jwtAt(text, text.length >> 1));
    worst = Math.max(worst, scan, decode);
    console.log(`  ${label.padEnd(50)} ${scan.toFixed(1).padStart(7)} ms ${decode.toFixed(1).padStart(6)} ms ${hover.toFixed(2).padStart(6)} ms`);
  }
  console.log(`  ${'worst case'.padEnd(50)} ${worst.toFixed(1).padStart(7)} ms`);
}

/** `node dist/cli.js inspect-token --json` with adversarial stdin (4 MB and, under the decode cap, 1.9 MB). Target < 1 s. */
function adversarialCli(): void {
  const cli = join(__dirname, '..', 'dist', 'cli.js');
  if (!existsSync(cli)) {
    console.log('\nCLI: dist/cli.js is missing; run `node esbuild.mjs --production` first.');
    return;
  }
  console.log('\nCLI inspect-token --json, adversarial stdin (target < 1 s)');
  for (const size of [4_000_000, 1_900_000]) {
    for (const [label, make] of [ADVERSARIAL[0]!, ADVERSARIAL[4]!, ADVERSARIAL[2]!]) {
      const input = make(size);
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [cli, 'inspect-token', '--json'], { input, encoding: 'utf8', maxBuffer: 64 * MB });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      let code: string;
      try {
        code = (JSON.parse(r.stdout) as { problem?: { code?: string } }).problem?.code ?? '';
      } catch {
        code = r.stderr.trim().split('\n')[0]?.slice(0, 60) ?? '';
      }
      console.log(`  ${`${(input.length / MB).toFixed(1)} MB ${label}`.padEnd(50)} ${ms.toFixed(0).padStart(7)} ms  exit ${r.status} ${code}`);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
