/**
 * Benchmark: tokens per second for decoding, the offline preflight, and signature checks with
 * a cached key set (no network); the JWT scanner and the CLI on adversarial input (issue 8:
 * targets < 50 ms for a 1 MB line, < 1 s for the CLI on 4 MB). Prints numbers; asserts
 * nothing. Run by `npm run bench` (after `node esbuild.mjs --production`, for dist/cli.js).
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, createSign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeToken } from '../src/engine/token/decode';
import { findJwtsInText, jwtAt } from '../src/engine/token/scan';
import { recommendedTrustPolicy } from '../src/engine/aws/trustPolicy';
import { runPreflight, type PoolTarget } from '../src/engine/token/preflight';
import { verifySignature, type Jwk } from '../src/engine/token/jwks';

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
