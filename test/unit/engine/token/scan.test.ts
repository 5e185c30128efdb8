/**
 * The one JWT scanner (src/engine/token/scan.ts) behind the decoder, the hover, the CodeLens
 * and the inspector's clipboard check: it finds what the old regular expressions found on
 * normal text, and it stays linear on the inputs that made them backtrack (issue 8, item 1).
 */
import * as assert from 'node:assert/strict';
import { containsJwt, findJwtsInText, jwtAt } from '../../../../src/engine/token/scan';
import { decodeToken, normalizeTokenInput } from '../../../../src/engine/token/decode';

const b64 = (o: unknown): string => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
const T1 = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64({ iss: 'https://tenant.auth0.com/', aud: 'client-1', sub: 'auth0|1', exp: 1_900_000_000 })}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
const T2 = `${b64({ alg: 'HS256' })}.${b64({ sub: 'x', scope: 'openid' })}.QUJD-_xyz`;
const UNSIGNED = `${b64({ alg: 'none' })}.${b64({ sub: 'x' })}.`;

// The regular expressions this scanner replaces, kept here as the reference for normal text.
const OLD_LENS = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const OLD_CLIPBOARD = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/;
const OLD_IN_TEXT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,3}/;

const NORMAL: Array<[string, string]> = [
  ['a raw token', T1],
  ['Bearer', `Bearer ${T1}`],
  ['Authorization header', `Authorization: Bearer ${T1}`],
  ['double quotes', `"${T1}"`],
  ['single quotes and a semicolon', `const t = '${T1}';`],
  ['backticks', `\`${T1}\``],
  ['JSON', JSON.stringify({ access_token: 'opaque', id_token: T1, token_type: 'Bearer' })],
  ['pretty JSON with two tokens', JSON.stringify({ id_token: T1, access_token: T2 }, null, 2)],
  ['URL fragment', `https://app.example.com/callback#access_token=opaque&id_token=${T1}&state=xyz`],
  ['query string', `?id_token=${T2}&state=1`],
  ['curl', `curl -H "Authorization: Bearer ${T2}" https://api.example.com/`],
  ['two tokens on a line', `a=${T1} b=${T2}`],
  ['unsigned token in text', `token: ${UNSIGNED} (unsigned)`],
  ['a dotted prefix', `x.${T1}`],
  ['no token', 'just some words, a.b.c, version 1.2.3 and eyJ alone'],
  ['header only', 'eyJhbGciOiJSUzI1NiJ9 and nothing else'],
  ['markdown', `The token \`${T1}\` is **valid**.`],
];

describe('tokenScan: the same tokens as before on normal text', () => {
  for (const [name, text] of NORMAL) {
    it(name, () => {
      const lens = findJwtsInText(text, { jsonPayload: true });
      const old = [...text.matchAll(OLD_LENS)].map((m) => ({ start: m.index, end: m.index + m[0].length, token: m[0] }));
      assert.deepEqual(lens, old, 'what the hover and CodeLens find');
      assert.equal(containsJwt(text, { minParts: 3 }), OLD_CLIPBOARD.test(text), 'the clipboard check');
      assert.equal(containsJwt(text), OLD_IN_TEXT.test(text), 'the decoder\'s "holds a JWT" check');
    });
  }

  it('finds the tokens, with their positions', () => {
    const text = `a=${T1} b=${T2}`;
    const hits = findJwtsInText(text);
    assert.deepEqual(hits.map((h) => h.token), [T1, T2]);
    assert.equal(text.slice(hits[0]!.start, hits[0]!.end), T1);
    assert.equal(hits[1]!.start, text.indexOf(T2));
  });

  it('stops at maxHits', () => {
    const line = Array.from({ length: 200 }, () => T1).join(' ');
    assert.equal(findJwtsInText(line).length, 50, 'default cap');
    assert.equal(findJwtsInText(line, { maxHits: 3 }).length, 3);
  });

  it('does not report a run cut by the window (it would be a wrong token)', () => {
    const text = `x ${T1} y`;
    const start = text.indexOf(T1);
    assert.deepEqual(findJwtsInText(text, { from: start + 5 }), []);
    assert.deepEqual(findJwtsInText(text, { to: start + T1.length - 3 }), []);
    assert.deepEqual(findJwtsInText(text, { from: start, to: start + T1.length }).map((h) => h.token), [T1]);
  });

  it('jwtAt finds the token under a position, also just after its end, and nothing elsewhere', () => {
    const line = `const idToken = "${T1}"; // and ${T2}`;
    const at = line.indexOf(T1);
    assert.equal(jwtAt(line, at + 10)?.token, T1);
    assert.equal(jwtAt(line, at)?.token, T1);
    assert.equal(jwtAt(line, at + T1.length)?.token, T1);
    assert.equal(jwtAt(line, line.indexOf(T2) + 3)?.token, T2);
    assert.equal(jwtAt(line, 3), undefined);
    assert.equal(jwtAt(line, line.indexOf('//')), undefined);
    // A run longer than the window around the position is not a token to show.
    assert.equal(jwtAt(`${'a'.repeat(100)}${T1}`, 120, 10), undefined);
  });

  it('never throws on non-strings', () => {
    assert.deepEqual(findJwtsInText(undefined as unknown as string), []);
    assert.equal(containsJwt(42 as unknown as string), false);
    assert.equal(jwtAt(null as unknown as string, 0), undefined);
  });
});

describe('tokenScan: linear on adversarial input', function () {
  // A sanity ceiling, not a benchmark (scripts/bench-token.ts prints the times): the old
  // regular expressions took many seconds to minutes on these inputs.
  this.timeout(20_000);
  const MB = 1_000_000;
  const ADVERSARIAL: Array<[string, string]> = [
    ['"eyJ-" repeated (1 MB)', 'eyJ-'.repeat(MB / 4)],
    ['"eyJ" repeated (1 MB)', 'eyJ'.repeat(MB / 3)],
    ['dots (1 MB)', '.'.repeat(MB)],
    ['"eyJ." repeated (1 MB)', 'eyJ.'.repeat(MB / 4)],
    ['"eyJxxxxx." repeated (1 MB)', 'eyJxxxxx.'.repeat(MB / 9)],
    ['{"a":"eyJeyJ…"} (1 MB)', `{"a":"${'eyJ'.repeat(MB / 3)}"}`],
    ['"eyJ-" with spaces (1 MB)', 'eyJ- '.repeat(MB / 5)],
  ];
  for (const [name, text] of ADVERSARIAL) {
    it(`scans ${name} and decodes it without backtracking`, () => {
      const t0 = performance.now();
      const hits = findJwtsInText(text);
      const lens = findJwtsInText(text, { jsonPayload: true });
      const scan = performance.now() - t0;
      assert.ok(hits.length <= 50 && lens.length <= 50);
      const t1 = performance.now();
      const d = decodeToken(text);
      assert.equal(d.ok, false);
      assert.ok(scan < 5_000 && performance.now() - t1 < 5_000, `sanity ceiling (scan ${scan.toFixed(0)} ms)`);
    });
  }

  it('answers {"a":"eyJeyJ…"} (240 KB, ~20 s before) at once', () => {
    const t0 = performance.now();
    const d = decodeToken(`{"a":"${'eyJ'.repeat(80_000)}"}`);
    assert.equal(d.ok, false);
    assert.ok(performance.now() - t0 < 5_000);
  });

  it('answers a 160 KB line of "eyJ-" (13 s before) at once, with backslashes (the escape check)', () => {
    const t0 = performance.now();
    assert.equal(decodeToken(`${'eyJ-'.repeat(40_000)}\\n`).ok, false);
    assert.equal(normalizeTokenInput(`"${'eyJ-'.repeat(40_000)}\\"`).length > 0, true);
    assert.ok(performance.now() - t0 < 5_000);
  });

  it('checks the size cap before any scan: 2.5 MB of "eyJ-" in JSON is TOO_LARGE at once', () => {
    const t0 = performance.now();
    const d = decodeToken(`{"id":"${'eyJ-'.repeat(625_000)}"}`);
    assert.equal(!d.ok && d.code, 'TOO_LARGE');
    assert.ok(performance.now() - t0 < 5_000);
  });
});
