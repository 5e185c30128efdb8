/**
 * Signature checks on the hot path (issue 11, item 3): each JWKS key is imported once (per
 * issuer and kid) and a fresh cached key set is used without a fetch; the result keeps its keys
 * and their order (the CLI prints it as JSON). No network: keys given, or a cache entry put in
 * place the way scripts/bench-token.ts does it.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { decodeToken } from '../../../../src/engine/token/decode';
import { JwksCache, verifySignature, type Jwk } from '../../../../src/engine/token/jwks';

const ISS = 'https://tenant.example.com/';
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function mint(privateKey: crypto.KeyObject, kid: string, claims: Record<string, unknown> = {}): string {
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64({ iss: ISS, sub: 'auth0|1', aud: 'client', exp: 2_000_000_000, ...claims })}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** A cache holding `keys` for ISS as after a fetch, on the given clock. */
function cacheWith(keys: Jwk[], now: () => number, expiresAt: number, issuer = ISS): JwksCache {
  const cache = new JwksCache({ now });
  (cache as unknown as { entries: Map<string, unknown> }).entries.set(issuer, {
    issuer, discoveryUrl: `${issuer}.well-known/openid-configuration`, jwksUri: `${issuer}.well-known/jwks.json`,
    keys, fetchedAt: now(), expiresAt, jwksOtherOrigin: false, imported: new Map(),
  });
  return cache;
}

/** Counts node:crypto createPublicKey calls made while `fn` runs. */
async function countImports(fn: () => Promise<void>): Promise<number> {
  // Under tsx/cjs the source reads createPublicKey from node:crypto's exports object at each
  // call; the import namespace here is a read-only copy, so the exports object itself is patched.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  const real = require('node:crypto') as { createPublicKey: typeof crypto.createPublicKey };
  const original = real.createPublicKey;
  let n = 0;
  real.createPublicKey = ((...args: Parameters<typeof crypto.createPublicKey>) => {
    n++;
    return original(...args);
  }) as typeof crypto.createPublicKey;
  try {
    await fn();
  } finally {
    real.createPublicKey = original;
  }
  return n;
}

describe('signature checks: keys imported once, cache hits without a fetch', () => {
  const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = (kid: string): Jwk => ({ ...pair.publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }) as Jwk;

  it('keys given: the result has the same keys, in the same order, as before the rewrite', async () => {
    const r = await verifySignature(decodeToken(mint(pair.privateKey, 'order-1')), { keys: [jwk('order-1')] });
    assert.equal(r.status, 'valid');
    assert.deepEqual(Object.keys(r), ['headerAlg', 'kid', 'issuer', 'jwksUri', 'fromCache', 'refreshed', 'alg', 'keyType', 'status', 'message', 'hint']);
    assert.deepEqual(r, {
      headerAlg: 'RS256', kid: 'order-1', issuer: ISS, jwksUri: undefined, fromCache: false, refreshed: false,
      alg: 'RS256', keyType: 'RSA', status: 'valid', message: 'The signature is valid (RS256, key "order-1" from the given key set).', hint: '',
    });
    const missing = await verifySignature(decodeToken(mint(pair.privateKey, 'nope')), { keys: [jwk('order-1')] });
    assert.equal(missing.status, 'key-not-found');
    assert.deepEqual(Object.keys(missing), ['headerAlg', 'kid', 'issuer', 'jwksUri', 'fromCache', 'refreshed', 'status', 'message', 'hint']);
  });

  it('keys given: one import per key, also when the caller passes a new but equal JWK object each time', async () => {
    const token = decodeToken(mint(pair.privateKey, 'given-1'));
    const imports = await countImports(async () => {
      for (let i = 0; i < 5; i++) assert.equal((await verifySignature(token, { keys: [jwk('given-1')] })).status, 'valid');
      const same = jwk('given-1');
      for (let i = 0; i < 5; i++) assert.equal((await verifySignature(token, { keys: [same] })).status, 'valid');
    });
    assert.equal(imports, 1);
    // A different kid with the same material is another key: imported on its own.
    const other = decodeToken(mint(pair.privateKey, 'given-2'));
    assert.equal(await countImports(async () => {
      assert.equal((await verifySignature(other, { keys: [jwk('given-2')] })).status, 'valid');
    }), 1);
  });

  it('a fresh cached key set: no fetch, one import kept in the entry, the result says fromCache', async () => {
    const t = 1_000_000;
    const cache = cacheWith([jwk('c-1')], () => t, t + 60_000);
    const token = decodeToken(mint(pair.privateKey, 'c-1'));
    const imports = await countImports(async () => {
      for (let i = 0; i < 5; i++) {
        const r = await verifySignature(token, { cache });
        assert.equal(r.status, 'valid');
        assert.equal(r.fromCache, true);
        assert.equal(r.jwksUri, `${ISS}.well-known/jwks.json`);
      }
    });
    assert.equal(imports, 1);
    assert.equal(cache.fetches, 0);
    const entry = (cache as unknown as { entries: Map<string, { imported: Map<string, crypto.KeyObject> }> }).entries.get(ISS);
    assert.equal(entry?.imported.size, 1);
    // Another payload under the same signature still fails with the cached key.
    const [h, , sig] = mint(pair.privateKey, 'c-1').split('.');
    const forged = decodeToken(`${h}.${b64({ iss: ISS, sub: 'auth0|2', aud: 'client', exp: 2_000_000_000 })}.${sig}`);
    assert.equal((await verifySignature(forged, { cache })).status, 'invalid');
  });

  it('a cache hit still honours an aborted signal (CANCELLED, as cache.get did)', async () => {
    const t = 1_000_000;
    const cache = cacheWith([jwk('c-2')], () => t, t + 60_000);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(verifySignature(decodeToken(mint(pair.privateKey, 'c-2')), { cache, signal: ac.signal }), (e: unknown) => (e as { code?: string }).code === 'CANCELLED');
  });

  it('an expired entry is not used: the keys are fetched again (here: refused on loopback, so unreachable)', async () => {
    const issuer = 'https://127.0.0.1:1/';
    let t = 1_000_000;
    const cache = cacheWith([jwk('c-3')], () => t, t + 60_000, issuer);
    const token = decodeToken(mint(pair.privateKey, 'c-3', { iss: issuer }));
    assert.equal((await verifySignature(token, { cache })).status, 'valid');
    t += 60_000;
    const r = await verifySignature(token, { cache, timeoutMs: 2000 });
    assert.equal(r.status, 'jwks-unreachable');
    assert.equal(cache.fetches, 1);
  });
});
