/**
 * Fuzzing the decoder and the preflight: random and mutated inputs, random claims of every
 * JSON type, random trust policies. Nothing may throw or hang, and every result must be a
 * clear message. Seeded, so a failure reproduces: FUZZ_SEED=<n> to try other seeds.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { verifySignature, type Jwk, type SignatureResult } from '../../../../src/engine/token/jwks';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import { runPreflight, type PoolTarget, type PreflightReport } from '../../../../src/engine/token/preflight';
import { decodeToken, type DecodeResult } from '../../../../src/engine/token/decode';
import { findJwtsInText, jwtAt } from '../../../../src/engine/token/scan';
import { tokenHoverMarkdown } from '../../../../src/shared/tokenHover';
import { inspectorTokenView } from '../../../../src/shared/protocol';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const N = 12_000;

/** mulberry32: small, fast, good enough for fuzzing. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64url');
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const NOW_S = NOW / 1000;
const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const ARN = 'arn:aws:iam::123456789012:oidc-provider/tenant.auth0.com';

class Gen {
  constructor(readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  str(maxLen: number, alphabet?: string): string {
    const len = this.int(maxLen + 1);
    let s = '';
    for (let i = 0; i < len; i++) {
      if (alphabet) s += alphabet[this.int(alphabet.length)];
      else {
        const k = this.int(10);
        s += k < 6 ? String.fromCharCode(32 + this.int(95)) : k < 8 ? String.fromCharCode(this.int(0x3000)) : k < 9 ? '.' : this.pick(['\n', '\t', ' ', '"', "'", '`', '{', '}', '=', '+', '/', '\u200B', '\uFEFF', '\uD800']);
      }
    }
    return s;
  }
  json(depth = 0): unknown {
    const k = this.int(depth > 2 ? 6 : 9);
    switch (k) {
      case 0: return null;
      case 1: return this.chance(0.5);
      case 2: return this.pick([0, -1, 1e308, -1e308, 1.5, NOW_S, NOW_S - 400, NOW_S + 400, 2 ** 53, Number.MAX_SAFE_INTEGER, 8.64e12, -8.64e12]);
      case 3: return this.int(2) ? this.str(20) : this.pick(['https://tenant.auth0.com/', 'https://tenant.auth0.com', 'http://x', 'tenant.auth0.com', 'RS256', 'none', 'HS256', '', 'undefined', 'authenticated', POOL]);
      case 4: return this.str(8, 'abcXYZ019_-');
      case 5: return NOW_S + (this.r() - 0.5) * 1e6;
      case 6: return Array.from({ length: this.int(4) }, () => this.json(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        const keys = ['iss', 'aud', 'azp', 'sub', 'exp', 'iat', 'nbf', 'auth_time', 'scope', 'gty', 'nonce', 'sid', 'alg', 'kid', 'typ', '__proto__', 'constructor', 'toString', 'token_use', 'permissions'];
        for (let i = 0, n = this.int(8); i < n; i++) o[this.chance(0.8) ? this.pick(keys) : this.str(6)] = this.json(depth + 1);
        return o;
      }
    }
  }
}

function claimsLike(g: Gen): Record<string, unknown> {
  const c: Record<string, unknown> = {
    iss: g.pick(['https://tenant.auth0.com/', 'https://tenant.auth0.com', 'https://Tenant.Auth0.com/', 'https://login.example.com/', 'http://tenant.auth0.com/', g.json()]),
    aud: g.pick(['client-1', ['client-1', 'https://api'], ['https://tenant.auth0.com/userinfo'], g.json()]),
    sub: g.pick(['auth0|1', g.json()]),
    iat: g.pick([NOW_S - 60, NOW_S + 3600, g.json()]),
    exp: g.pick([NOW_S + 3600, NOW_S - 120, NOW_S - 3600, g.json()]),
  };
  if (g.chance(0.3)) c.azp = g.pick(['client-1', 'other', g.json()]);
  if (g.chance(0.2)) c.scope = 'openid';
  if (g.chance(0.2)) Object.assign(c, g.json() as object);
  return c;
}

function validish(g: Gen): string {
  const header = g.chance(0.8) ? { alg: g.pick(['RS256', 'HS256', 'none', 'ES256', 'PS256', 'RS512']), kid: g.pick(['k1', 'k2', undefined]), typ: 'JWT' } : g.json();
  const sig = g.pick(['', b64(crypto.randomBytes(256)), g.str(30, 'abcdefABCDEF0123456789-_'), 'c2ln']);
  return `${b64(JSON.stringify(header))}.${b64(JSON.stringify(g.chance(0.85) ? claimsLike(g) : g.json()))}.${sig}`;
}

function mutate(g: Gen, s: string): string {
  const ops = g.int(4) + 1;
  let out = s;
  for (let i = 0; i < ops; i++) {
    const at = g.int(out.length + 1);
    switch (g.int(11)) {
      case 0: out = out.slice(0, at) + out.slice(at + 1 + g.int(20)); break; // delete
      case 1: out = out.slice(0, at) + g.str(5) + out.slice(at); break; // insert junk
      case 2: out = out.slice(0, at); break; // truncate
      case 3: out = out.slice(0, at) + '.' + out.slice(at); break; // extra dot
      case 4: out = out.replace('.', g.pick(['', '..', ' . '])); break; // break structure
      case 5: out = `${g.pick(['Bearer ', 'bearer  ', 'Authorization: Bearer ', '"', "'", '`', 'id_token=', '{"id_token":"', 'token: '])}${out}${g.pick(['', '"', "'", '`', '",', '"}', '&state=1', '\n'])}`; break;
      case 6: out = out.replace(/(.{10,40})/g, (m) => (g.chance(0.3) ? `${m}\n` : m)); break; // wrap
      case 7: out = out.split('.').reverse().join('.'); break;
      case 8: out = `${out}.${out}`; break;
      case 9: { const c = out.charCodeAt(at) ^ (1 << g.int(7)); out = out.slice(0, at) + String.fromCharCode(c) + out.slice(at + 1); break; } // bit flip
      default: out = out.slice(0, at) + out.slice(at, at + 50).repeat(g.int(3)) + out.slice(at + 50); break; // duplicate a slice
    }
  }
  return out;
}

function randomPolicy(g: Gen): unknown {
  if (g.chance(0.3)) return JSON.parse(recommendedTrustPolicy(g.pick([POOL, 'us-east-1:other'])));
  if (g.chance(0.3)) return g.json();
  const st = (): unknown => ({
    Effect: g.pick(['Allow', 'Deny', g.json()]),
    Principal: g.pick([{ Federated: 'cognito-identity.amazonaws.com' }, { Federated: [ARN, 'cognito-identity.amazonaws.com'] }, '*', g.json()]),
    Action: g.pick(['sts:AssumeRoleWithWebIdentity', ['sts:*'], '*', g.json()]),
    Condition: g.pick([
      { StringEquals: { 'cognito-identity.amazonaws.com:aud': g.pick([POOL, '*', [POOL, 'x'], g.json()]) }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': g.pick(['authenticated', '*', 'unauth*', g.json()]) } },
      { StringLike: { 'cognito-identity.amazonaws.com:aud': g.str(10, 'us-east-1:*?[](){}.+^$|\\') } },
      g.json(),
    ]),
  });
  return { Version: '2012-10-17', Statement: g.chance(0.5) ? st() : Array.from({ length: g.int(3) }, st) };
}

function randomTarget(g: Gen): PoolTarget | undefined {
  if (g.chance(0.15)) return undefined;
  const url = g.pick(['tenant.auth0.com', 'tenant.auth0.com/', 'Tenant.Auth0.com', 'login.example.com', '', g.str(12)]);
  return {
    poolId: POOL,
    region: 'us-east-1',
    allowUnauthenticated: g.chance(0.3),
    openIdConnectProviderArns: g.pick([[ARN], [], [ARN, 'arn:aws:iam::1:oidc-provider/x'], [g.str(10)]]),
    providers: g.chance(0.9) ? [{ arn: ARN, url, clientIds: g.pick([['client-1'], [], ['other'], [g.str(5)]]), thumbprints: g.pick([[], ['a'.repeat(40)], ['zz'], Array(7).fill('0'.repeat(40)) as string[]]), error: g.chance(0.1) ? 'NoSuchEntity' : undefined }] : [],
    authenticatedRole: g.chance(0.85) ? { arn: 'arn:aws:iam::1:role/r', trustPolicy: g.chance(0.9) ? randomPolicy(g) : undefined, error: g.chance(0.1) ? 'gone' : undefined, trustPolicyError: g.chance(0.1) ? 'not JSON' : undefined } : undefined,
    rolesError: g.chance(0.05) ? 'AccessDenied' : undefined,
    loginsKey: g.pick([undefined, 'tenant.auth0.com', 'https://tenant.auth0.com/', '', g.str(140)]),
  };
}

const SIGS: Array<SignatureResult | undefined> = [
  undefined,
  { status: 'valid', message: 'The signature is valid.', hint: '' },
  { status: 'invalid', message: 'The signature does not match.', hint: 'Sign in again.' },
  { status: 'key-not-found', message: 'No key with kid "x".', hint: 'Sign in again.' },
  { status: 'jwks-unreachable', message: 'Unreachable.', hint: 'Check the network.' },
  { status: 'unsupported-alg', message: 'HS256.', hint: 'Use RS256.' },
  { status: 'not-checked', message: 'Not checked.', hint: 'x' },
];

const SUSPICIOUS = /\[object Object\]|\bNaN\b|function \(|=> |\bInvalid Date\b/;

function checkDecode(input: string, r: DecodeResult): void {
  if (r.ok) {
    assert.equal(typeof r.raw, 'string');
    assert.ok(r.header && typeof r.header === 'object' && !Array.isArray(r.header));
    assert.ok(r.claims && typeof r.claims === 'object' && !Array.isArray(r.claims));
    assert.ok(['id', 'access', 'unknown'].includes(r.kind));
    assert.ok(r.kindReason.length > 5);
    for (const t of Object.values(r.times)) {
      assert.ok(t && t.iso && t.text && t.relative, `time: ${JSON.stringify(t)}`);
      assert.doesNotMatch(t.text, SUSPICIOUS);
    }
  } else {
    assert.ok(r.problem.length > 10 && /[.)]$/.test(r.problem), `a sentence for ${JSON.stringify(input.slice(0, 80))}: ${r.problem}`);
    assert.ok(r.hint.length > 10, 'a hint');
    assert.doesNotMatch(r.problem, SUSPICIOUS);
  }
}

function checkReport(report: PreflightReport): void {
  assert.equal(report.rules.length, 19); // 17 + role.choice and role.tags (issue 13)
  // "pass" only when nothing failed and everything needed was verified (issue 8, item 2).
  assert.equal(report.verdict === 'fail', report.rules.some((x) => x.status === 'fail'));
  assert.equal(report.ok, report.verdict === 'pass');
  assert.ok(report.summary.length > 20);
  for (const rule of report.rules) {
    assert.ok(rule.message.length > 5, `${rule.id} has a message`);
    assert.doesNotMatch(rule.message, /internal error/, `${rule.id} did not crash: ${rule.message}`);
    assert.doesNotMatch(rule.message, SUSPICIOUS, `${rule.id}: ${rule.message}`);
    if (rule.status === 'fail' || rule.status === 'warn') assert.ok((rule.hint ?? '').length > 10, `${rule.id} says how to fix it`);
  }
}

describe('fuzz: decoder and preflight never crash, never hang, always explain', function () {
  this.timeout(20_000);

  it(`${N} random and mutated inputs (seed ${SEED})`, async () => {
    const g = new Gen(prng(SEED));
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...(rsa.publicKey.export({ format: 'jwk' }) as Jwk), kid: 'k1' };
    const seedsCorpus = [
      `${b64(JSON.stringify({ alg: 'RS256', kid: 'k1', typ: 'JWT' }))}.${b64(JSON.stringify({ iss: 'https://tenant.auth0.com/', aud: 'client-1', sub: 'auth0|1', iat: NOW_S, exp: NOW_S + 3600 }))}.${b64(crypto.randomBytes(256))}`,
      'eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d',
    ];
    const t0 = performance.now();
    let slowest = 0;
    let decoded = 0;
    let verified = 0;
    for (let i = 0; i < N; i++) {
      const kind = g.int(10);
      const input = kind < 2 ? g.str(200)
        : kind < 3 ? g.str(300, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.')
          : kind < 6 ? validish(g)
            : kind < 9 ? mutate(g, g.chance(0.5) ? validish(g) : g.pick(seedsCorpus))
              : g.chance(0.02) ? validish(g).replace(/\.(.*)\./, (_m, p: string) => `.${p}${b64('x'.repeat(40_000))}.`) : JSON.stringify(g.json());
      const start = performance.now();
      let r: DecodeResult;
      try {
        r = decodeToken(input, { now: NOW });
      } catch (e) {
        assert.fail(`decodeToken threw on input #${i} ${JSON.stringify(input.slice(0, 120))}: ${String(e)}`);
      }
      checkDecode(input, r);
      if (r.ok) decoded++;
      const sig = i % 10 === 0 && r.ok ? await verifySignature(r, { keys: [jwk], expectedAlg: g.pick([undefined, 'RS256', 'PS256']) }) : g.pick(SIGS);
      if (i % 10 === 0 && r.ok) {
        verified++;
        assert.ok(sig && sig.message.length > 10 && (sig.status === 'valid' || sig.hint.length > 5), `signature result explains itself: ${JSON.stringify(sig)}`);
      }
      let report: PreflightReport;
      try {
        report = runPreflight({ token: g.chance(0.5) ? r : input, signature: sig, target: randomTarget(g), now: NOW, clientId: g.pick([undefined, 'client-1']) });
      } catch (e) {
        assert.fail(`runPreflight threw on input #${i}: ${String(e)}`);
      }
      checkReport(report);
      slowest = Math.max(slowest, performance.now() - start);
    }
    const ms = performance.now() - t0;
    process.stderr.write(`      (${N} inputs in ${Math.round(ms)} ms, ${decoded} decoded as JWTs, ${verified} signature checks, slowest ${slowest.toFixed(1)} ms)\n`);
    assert.ok(decoded > N / 5 && decoded < N, `a mix of decodable and undecodable inputs (${decoded})`);
    // Hang detectors, not speed targets (those are in scripts/bench-token.ts): a quadratic
    // scan or a runaway recursion takes minutes here, a loaded CI machine a few seconds.
    assert.ok(ms < 60_000, `no hang: all inputs in ${Math.round(ms)} ms`);
    assert.ok(slowest < 5_000, `no hang: slowest input ${slowest.toFixed(1)} ms`);
  });
});

/** Inputs made to make a backtracking JWT regex (or a recursive renderer) take forever. */
function adversarial(g: Gen): string {
  const size = g.pick([1_000, 50_000, 300_000, 1_000_000]);
  const unit = g.pick(['eyJ', 'eyJ-', 'eyJ.', '.', 'eyJxxxxx.', 'eyJ_', 'a.', 'eyJ\\', 'eyJ ', g.str(6, 'eyJ.-_ab"\\{}')]) || 'eyJ';
  const body = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  switch (g.int(6)) {
    case 0: return body;
    case 1: return `{"a":"${body}"}`;
    case 2: return `Bearer "${body}"`;
    case 3: return `id_token=${body}&x=1`;
    case 4: { const depth = g.pick([100, 4_500, 20_000]); return `${b64('{"alg":"RS256"}')}.${b64(`{"sub":"x","d":${'['.repeat(depth)}${']'.repeat(depth)}}`)}.c2ln`; }
    default: { const depth = g.pick([100, 4_500]); return `{"x":${'{"a":'.repeat(depth)}"${body.slice(0, 1000)}"${'}'.repeat(depth)}}`; }
  }
}

describe('fuzz: adversarial scanner input and deep nesting (issue 8)', function () {
  this.timeout(120_000);
  const M = 60;

  it(`${M} adversarial inputs up to 1 MB: no throw, no hang, bounded output (seed ${SEED})`, () => {
    const g = new Gen(prng(SEED + 1));
    const labels = { commandId: 'auth0Cognito.inspectToken', inspect: 'Inspect ID Token', tooLong: 'Select the token.' };
    let slowest = 0;
    for (let i = 0; i < M; i++) {
      const input = adversarial(g);
      const t0 = performance.now();
      try {
        const hits = findJwtsInText(input);
        assert.ok(hits.length <= 50);
        findJwtsInText(input, { jsonPayload: true, to: 100_000 });
        jwtAt(input, g.int(input.length + 1));
        const r = decodeToken(input, { now: NOW });
        checkDecode(input, r);
        // What the CLI prints, the hover shows and the inspector posts: never recursing without end.
        JSON.stringify(r);
        JSON.stringify(inspectorTokenView(r));
        const token = hits[0]?.token ?? input.slice(0, 100);
        const md = tokenHoverMarkdown(token, r, labels);
        assert.ok(md.length < 5_000 + 3 * token.length, `hover size ${md.length}`);
      } catch (e) {
        assert.fail(`threw on adversarial input #${i} ${JSON.stringify(input.slice(0, 60))}… (${input.length} chars): ${String(e)}`);
      }
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      // A sanity ceiling against hangs (the old regexes took 13 s on 160 KB), not a benchmark.
      assert.ok(ms < 10_000, `input #${i} took ${ms.toFixed(0)} ms`);
    }
    process.stderr.write(`      (${M} adversarial inputs, slowest ${slowest.toFixed(1)} ms; the bench prints the scan times)\n`);
  });
});
