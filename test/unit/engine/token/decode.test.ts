import * as assert from 'node:assert/strict';
import {
  MAX_LOGINS_TOKEN_LENGTH,
  classifyToken,
  decodeToken,
  formatDuration,
  normalizeTokenInput,
  normalizeTokenInputDetailed,
  relativeTime,
  type DecodedToken,
  type TokenProblem,
} from '../../../../src/engine/token/decode';

const b64 = (o: unknown): string => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0); // 2026-11-26T12:00:00Z
const NOW_S = NOW / 1000;
const CLIENT = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';

function jwt(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: 'k1' }, sig = 'c2lnbmF0dXJl'): string {
  return `${b64(header)}.${b64(claims)}.${sig}`;
}

const ID_CLAIMS = {
  iss: 'https://tenant.auth0.com/',
  aud: CLIENT,
  sub: 'auth0|64f1c0ffee0123456789abcd',
  iat: NOW_S - 120,
  exp: NOW_S + 3 * 3600 + 2 * 60,
  sid: 'abc',
  nonce: 'n-0S6_WzA2Mj',
};
const ID = jwt(ID_CLAIMS);

function ok(r: ReturnType<typeof decodeToken>): DecodedToken {
  if (!r.ok) assert.fail(`expected a decoded token, got: ${r.problem}`);
  return r;
}
function bad(r: ReturnType<typeof decodeToken>): TokenProblem {
  if (r.ok) assert.fail('expected a problem');
  assert.ok(r.problem.length > 10, 'a sentence');
  assert.ok(r.hint.length > 10, 'with a hint');
  return r;
}

describe('token: normalizeTokenInput (what people paste)', () => {
  const wrapped = ID.replace(/(.{37})/g, '$1\n  ');
  const forms: Array<[string, string, RegExp | undefined]> = [
    ['raw', ID, undefined],
    ['Bearer prefix', `Bearer ${ID}`, /Bearer/],
    ['lowercase bearer + tabs', `bearer\t${ID}`, /Bearer/],
    ['Authorization header', `Authorization: Bearer ${ID}`, /Bearer/],
    ['double quotes', `"${ID}"`, /quotes/],
    ['single quotes', `'${ID}'`, /quotes/],
    ['backticks', `\`${ID}\``, /quotes/],
    ['quotes + trailing comma from code', `"${ID}",`, /quotes/],
    ['surrounding whitespace', `\n\n   ${ID}  \r\n`, undefined],
    ['line breaks inside', wrapped, /whitespace/],
    ['CRLF line breaks inside', ID.replace(/(.{50})/g, '$1\r\n'), /whitespace/],
    ['zero-width space', `${ID.slice(0, 30)}\u200B${ID.slice(30)}`, /invisible/],
    ['JSON with id_token', JSON.stringify({ access_token: 'opaque', id_token: ID, token_type: 'Bearer' }), /id_token/],
    ['JSON with idToken', JSON.stringify({ idToken: ID }), /idToken/],
    ['pretty JSON', JSON.stringify({ id_token: ID, expires_in: 86400 }, null, 2), /id_token/],
    ['nested JSON (Logins map)', JSON.stringify({ Logins: { 'tenant.auth0.com': ID } }), /tenant\.auth0\.com/],
    ['id_token: "..." line', `id_token: "${ID}"`, /label/],
    ['"id_token": "...", line', `"id_token": "${ID}",`, /label/],
    ['URL fragment', `https://app.example.com/callback#access_token=opaque&id_token=${ID}&state=xyz`, /parameter/],
    ['query string', `id_token=${ID}&state=1`, /parameter/],
    ['Bearer + quotes', `Bearer "${ID}"`, /Bearer/],
  ];
  for (const [name, input, note] of forms) {
    it(`accepts ${name}`, () => {
      const d = normalizeTokenInputDetailed(input);
      assert.equal(d.token, ID);
      assert.equal(normalizeTokenInput(input), ID);
      if (note) assert.match(d.cleaned.join('; '), note);
      else assert.deepEqual(d.cleaned, []);
      const r = ok(decodeToken(input, { now: NOW }));
      assert.equal(r.raw, ID);
      assert.equal(r.claims.sub, ID_CLAIMS.sub);
    });
  }
  it('returns an empty string for non-strings (never throws)', () => {
    assert.equal(normalizeTokenInput(undefined as unknown as string), '');
    assert.equal(normalizeTokenInput(42 as unknown as string), '');
  });
});

describe('token: decodeToken', () => {
  it('decodes header, claims, signature presence, length, alg and kid', () => {
    const r = ok(decodeToken(ID, { now: NOW }));
    assert.deepEqual(r.header, { alg: 'RS256', typ: 'JWT', kid: 'k1' });
    assert.equal(r.claims.iss, 'https://tenant.auth0.com/');
    assert.equal(r.hasSignature, true);
    assert.equal(r.length, ID.length);
    assert.equal(r.alg, 'RS256');
    assert.equal(r.kid, 'k1');
    assert.equal(r.tooLong, false);
    assert.deepEqual(r.warnings, []);
  });

  it('shows exp / iat / auth_time / nbf as ISO UTC and relative to now', () => {
    const r = ok(decodeToken(jwt({ ...ID_CLAIMS, auth_time: NOW_S - 300, nbf: NOW_S - 120 }), { now: new Date(NOW) }));
    assert.equal(r.times.exp?.iso, '2026-11-26T15:02:00.000Z');
    assert.equal(r.times.exp?.relative, 'in 3 h 2 min');
    assert.equal(r.times.exp?.text, 'expires in 3 h 2 min');
    assert.equal(r.times.iat?.iso, '2026-11-26T11:58:00.000Z');
    assert.equal(r.times.iat?.text, 'issued 2 min ago');
    assert.equal(r.times.auth_time?.text, 'signed in 5 min ago');
    assert.equal(r.times.nbf?.text, 'valid since 2 min ago');
    assert.equal(r.times.exp?.deltaSeconds, 3 * 3600 + 120);
  });

  it('says "expired 5 min ago" for an expired token, and flags an iat in the future', () => {
    const r = ok(decodeToken(jwt({ ...ID_CLAIMS, exp: NOW_S - 300, iat: NOW_S + 600 }), { now: NOW }));
    assert.equal(r.times.exp?.text, 'expired 5 min ago');
    assert.equal(r.times.iat?.text, 'issued in 10 min (in the future)');
  });

  it('warns about non-numeric time claims and absurd values without throwing', () => {
    const r = ok(decodeToken(jwt({ ...ID_CLAIMS, exp: '1700000000', iat: 1e300 }), { now: NOW }));
    assert.match(r.warnings.join(' '), /"exp" is a string \("1700000000"\), not a number/);
    assert.equal(r.times.iat?.iso, 'out of range');
    assert.equal(r.times.exp, undefined);
  });

  it('decodes an unsigned token (empty third part) and says it has no signature', () => {
    const r = ok(decodeToken(`${b64({ alg: 'none' })}.${b64(ID_CLAIMS)}.`, { now: NOW }));
    assert.equal(r.hasSignature, false);
    assert.equal(r.alg, 'none');
  });

  it('decodes a 60 KB token, but flags it as too long for Cognito', () => {
    const big = jwt({ ...ID_CLAIMS, 'https://example.com/blob': 'x'.repeat(45_000) });
    assert.ok(big.length > 60_000, `length ${big.length}`);
    const r = ok(decodeToken(big, { now: NOW }));
    assert.equal(r.tooLong, true);
    assert.equal(r.kind, 'id');
    assert.match(r.warnings.join(' '), new RegExp(`${big.length.toLocaleString('en-US')} characters long; Cognito accepts at most 50,000`));
    assert.equal(ok(decodeToken(jwt({ ...ID_CLAIMS, pad: 'x'.repeat(100) }))).tooLong, false);
    assert.equal(MAX_LOGINS_TOKEN_LENGTH, 50_000);
  });

  const garbage: Array<[string, string, string, RegExp]> = [
    ['empty', '', 'EMPTY', /No token given/],
    ['only whitespace', ' \n\t ', 'EMPTY', /No token given/],
    ['only quotes', '""', 'EMPTY', /No token given/],
    ['one word', 'hello', 'NOT_JWT', /three parts separated by dots/],
    ['opaque access token', 'x7Ab0Qm_2rT9-LkPq1ZsW3vYcN8eHgJd', 'OPAQUE', /opaque access token/],
    ['two parts (truncated)', ID.split('.').slice(0, 2).join('.'), 'PARTS', /2 parts .* truncated/],
    ['four parts', `${ID}.abc`, 'PARTS', /4 parts/],
    ['JWE (five parts)', 'eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji.XFBoMYUZodetZdvTiFvSkQ', 'JWE', /encrypted \(JWE, 5 parts\)/],
    ['empty header', `.${b64(ID_CLAIMS)}.sig`, 'PARTS', /header part of the token is empty/],
    ['empty payload', `${b64({ alg: 'RS256' })}..sig`, 'PARTS', /payload part of the token is empty/],
    ['plain base64 with +', `${b64({ alg: 'RS256' })}.ab+c.sig`, 'BAD_BASE64URL', /payload .* not base64url: it contains "\+" \(plain base64/],
    ['padding', `${b64({ alg: 'RS256' })}.${b64(ID_CLAIMS)}==.sig`, 'BAD_BASE64URL', /"=" \(padding\)/],
    ['stray character', `${b64({ alg: 'RS256' })}.${b64(ID_CLAIMS)}.si!g`, 'BAD_BASE64URL', /signature .* "!"/],
    ['impossible length (truncated signature)', `${b64({ alg: 'RS256' })}.${b64(ID_CLAIMS)}.abcde`, 'BAD_BASE64URL', /impossible base64url length .* truncated/],
    ['header not JSON', `${b64('not json')}.${b64(ID_CLAIMS)}.sig`, 'HEADER_NOT_JSON', /header .* does not decode to JSON/],
    ['header is an array', `${b64([1, 2])}.${b64(ID_CLAIMS)}.sig`, 'HEADER_NOT_OBJECT', /header .* is an array/],
    ['payload not JSON (truncated)', `${b64({ alg: 'RS256' })}.${b64(ID_CLAIMS).slice(0, 40)}.sig`, 'PAYLOAD_NOT_JSON', /payload .* does not decode to JSON.*truncated/],
    ['payload is a string', `${b64({ alg: 'RS256' })}.${b64('"hello"')}.sig`, 'PAYLOAD_NOT_OBJECT', /payload .* is a string/],
    ['payload is null', `${b64({ alg: 'RS256' })}.${b64('null')}.sig`, 'PAYLOAD_NOT_OBJECT', /payload .* is null/],
    ['payload is a number', `${b64({ alg: 'RS256' })}.${b64('42')}.sig`, 'PAYLOAD_NOT_OBJECT', /payload .* is a number/],
    ['megabytes of text', 'a.'.repeat(1_100_000), 'TOO_LARGE', /far too large/],
  ];
  for (const [name, input, code, re] of garbage) {
    it(`explains garbage: ${name}`, () => {
      const p = bad(decodeToken(input, { now: NOW }));
      assert.equal(p.code, code);
      assert.match(p.problem, re);
    });
  }
  it('never throws on non-string input', () => {
    for (const v of [undefined, null, 42, {}, [], Symbol('x')]) {
      assert.equal(decodeToken(v as unknown as string).ok, false);
    }
  });
});

describe('token: ID token or access token', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown> | undefined, 'id' | 'access' | 'unknown', RegExp, string?]> = [
    ['Auth0 ID token (aud = client id, sid, nonce)', ID_CLAIMS, undefined, 'id', /client id, it has "sub" and "nonce"/],
    ['ID token with auth_time only', { iss: 'https://t/', aud: CLIENT, sub: 's', auth_time: 1 }, undefined, 'id', /auth_time/],
    ['ID token with aud array of the client id', { aud: [CLIENT], sub: 's', email: 'a@b' }, undefined, 'id', /sub/],
    ['minimal ID token', { aud: CLIENT, sub: 's', iat: 1, exp: 2 }, undefined, 'id', /single client id/],
    ['client id given', { aud: CLIENT, sub: 's' }, undefined, 'id', /application's client id/, CLIENT],
    ['Auth0 user access token (scope, aud API + userinfo)', { aud: ['https://api.example.com', 'https://tenant.auth0.com/userinfo'], sub: 's', azp: CLIENT, scope: 'openid profile' }, undefined, 'access', /"scope" claim/],
    ['M2M access token (gty)', { aud: 'https://tenant.auth0.com/api/v2/', sub: 'x@clients', gty: 'client-credentials' }, undefined, 'access', /"gty" claim/],
    ['RBAC permissions', { aud: 'my-api', sub: 's', permissions: ['read:x'] }, undefined, 'access', /"permissions"/],
    ['aud is the userinfo URL only', { aud: 'https://tenant.auth0.com/userinfo', sub: 's' }, undefined, 'access', /API identifier/],
    ['aud is an API identifier URN', { aud: 'urn:my-api', sub: 's' }, undefined, 'access', /API identifier/],
    ['typ at+jwt header', { aud: CLIENT, sub: 's' }, { alg: 'RS256', typ: 'at+jwt' }, 'access', /typ "at\+jwt"/],
    ['Cognito token_use=access', { aud: CLIENT, token_use: 'access' }, undefined, 'access', /token_use/],
    ['Cognito token_use=id', { aud: CLIENT, token_use: 'id' }, undefined, 'id', /token_use/],
    ['azp is the client, aud is something else (client id known)', { aud: 'my-api', sub: 's', azp: CLIENT }, undefined, 'access', /only azp/, CLIENT],
    ['no aud', { sub: 's', iat: 1 }, undefined, 'unknown', /no "aud" claim/],
    ['aud is a number', { sub: 's', aud: 5 }, undefined, 'unknown', /"aud" claim is a number/],
    ['aud but no sub', { aud: [CLIENT, 'other'] }, undefined, 'unknown', /neither/],
  ];
  for (const [name, claims, header, kind, reason, clientId] of cases) {
    it(`${kind}: ${name}`, () => {
      const r = ok(decodeToken(jwt(claims, header), { now: NOW, clientId }));
      assert.equal(r.kind, kind, r.kindReason);
      assert.match(r.kindReason, reason);
      assert.deepEqual(classifyToken(r.header, r.claims, clientId), { kind, reason: r.kindReason });
    });
  }
});

describe('token: relative times', () => {
  const cases: Array<[number, string]> = [
    [0, 'now'],
    [0.4, 'now'],
    [42, 'in 42 s'],
    [-42, '42 s ago'],
    [90, 'in 1 min 30 s'],
    [-300, '5 min ago'],
    [-659, '10 min ago'],
    [3600, 'in 1 h'],
    [3 * 3600 + 2 * 60 + 5, 'in 3 h 2 min'],
    [-(26 * 3600), '1 d 2 h ago'],
    [40 * 86_400 + 3600, 'in 40 d'],
  ];
  for (const [delta, text] of cases) {
    it(`${delta} s -> "${text}"`, () => assert.equal(relativeTime(NOW_S + delta, NOW_S), text));
  }
  it('formatDuration is unsigned', () => assert.equal(formatDuration(-125), '2 min 5 s'));
});

describe('token: deeply nested claims (issue 8, item 7)', () => {
  const deep = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;
  const DEEP_TOKEN = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(`{"sub":"auth0|1","aud":"${CLIENT}","deep":${deep(4_500)},"obj":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`)}.c2ln`;

  it('decodes a 12 KB token nested ~4,500 levels, cut to a bounded depth with a warning', () => {
    assert.ok(DEEP_TOKEN.length > 12_000 && DEEP_TOKEN.length < 13_000, String(DEEP_TOKEN.length));
    const r = ok(decodeToken(DEEP_TOKEN, { now: NOW }));
    assert.equal(r.claims.sub, 'auth0|1');
    assert.match(r.warnings.join(' '), /payload nests deeper than 32 levels/);
    const text = JSON.stringify(r); // threw "Maximum call stack size exceeded" through the CLI before
    assert.match(text, /nested deeper than 32 levels: not shown/);
    assert.ok(text.length < 20_000);
    let d = 0;
    for (let v: unknown = r.claims.deep; Array.isArray(v); v = v[0]) d++;
    assert.ok(d > 0 && d <= 32, `depth ${d}`);
  });

  it('leaves a token within the limit untouched (no warning)', () => {
    const r = ok(decodeToken(jwt({ ...ID_CLAIMS, nested: JSON.parse(deep(20)) as unknown }), { now: NOW }));
    assert.deepEqual(r.warnings, []);
    assert.equal(JSON.stringify(r.claims.nested), deep(20));
  });

  it('bounds a deep header too', () => {
    const r = ok(decodeToken(`${b64(`{"alg":"RS256","x":${deep(5_000)}}`)}.${b64(ID_CLAIMS)}.c2ln`, { now: NOW }));
    assert.equal(r.alg, 'RS256');
    assert.match(r.warnings.join(' '), /header nests deeper/);
    assert.doesNotThrow(() => JSON.stringify(r));
  });
});
