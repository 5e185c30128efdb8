/**
 * describeToken: the one-line summary of a token shown by the hover and CodeLens, the
 * inspector's clipboard pick and the wizard's token line (one function for the three).
 */
import * as assert from 'node:assert/strict';
import { decodeToken } from '../../../../src/engine/token/decode';
import { describeToken, tokenKindLabel } from '../../../../src/engine/token/describe';
import { describeJwt, tokenHoverMarkdown } from '../../../../src/shared/tokenHover';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: 'k1' }): string => `${b64(header)}.${b64(claims)}.c2ln`;
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const NOW_S = NOW / 1000;
const CLIENT = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const ID = { iss: 'https://tenant.auth0.com/', aud: CLIENT, sub: 'auth0|1', nonce: 'n', iat: NOW_S - 60, exp: NOW_S + 3 * 3600 };

describe('describeToken: the one-line summary', () => {
  it('an ID token: kind · alg · expiry', () => {
    assert.equal(describeToken(decodeToken(jwt(ID), { now: NOW })), 'ID token · RS256 · expires in 3 h');
  });

  it('an access token, and an expired one', () => {
    const access = jwt({ ...ID, aud: 'https://api.example.com/', scope: 'openid', exp: NOW_S - 300 });
    assert.equal(describeToken(decodeToken(access, { now: NOW })), 'access token · RS256 · expired 5 min ago');
  });

  it('leaves out what is unknown: no alg, no exp; "JWT" when the kind is unknown', () => {
    const t = jwt({ iss: 'x' }, { typ: 'JWT' });
    assert.equal(describeToken(decodeToken(t, { now: NOW })), 'JWT');
  });

  it('with the length, where the user picks among texts (the inspector\'s clipboard pick)', () => {
    const t = jwt(ID);
    assert.equal(describeToken(decodeToken(t, { now: NOW }), { length: true }), `ID token · RS256 · ${t.length} characters · expires in 3 h`);
  });

  it('the problem sentence for text that does not decode', () => {
    const d = decodeToken('abc.def');
    assert.equal(d.ok, false);
    assert.equal(describeToken(d), d.ok ? '' : d.problem);
    assert.match(describeToken(d), /not a JWT/);
  });

  it('the kind labels', () => {
    assert.deepEqual((['id', 'access', 'unknown'] as const).map(tokenKindLabel), ['ID token', 'access token', 'JWT']);
  });

  it('is what the hover and the CodeLens show', () => {
    const t = jwt(ID);
    const d = decodeToken(t);
    assert.equal(describeJwt(t), describeToken(d));
    const md = tokenHoverMarkdown(t, d, { commandId: 'auth0Cognito.inspectToken', inspect: 'Inspect', tooLong: 'too long' });
    assert.ok(md.startsWith(`**${describeToken(d).replace(/[!-/:-@[-`{-~]/g, '\\$&')}**`), md);
  });
});
