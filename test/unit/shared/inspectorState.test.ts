/**
 * The inspector webview gets no token (issue 8, item 7): what the host posts, and what the
 * webview persists with setState, is built by inspectorTokenView from the decode result.
 */
import * as assert from 'node:assert/strict';
import { decodeToken } from '../../../src/engine/token/decode';
import { inspectorTokenView } from '../../../src/shared/protocol';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const SIG = 'U2lnbmF0dXJlLW9mLXRoZS10b2tlbi1kby1ub3QtbGVhaw';
const TOKEN = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64({ iss: 'https://tenant.auth0.com/', aud: 'client-1', sub: 'auth0|1', exp: 1_900_000_000, nonce: 'n' })}.${SIG}`;

describe('inspector view state: the token stays in the host', () => {
  it('holds the claims but neither the token nor its signature', () => {
    const d = decodeToken(`Bearer ${TOKEN}`);
    assert.ok(d.ok);
    const view = inspectorTokenView(d);
    const text = JSON.stringify({ type: 'state', state: { decoded: view } });
    assert.ok(!text.includes(TOKEN), 'no raw token');
    assert.ok(!text.includes(SIG), 'no signature');
    assert.ok(!('raw' in view));
    assert.ok(view.ok && view.claims.sub === 'auth0|1' && view.hasSignature && view.length === TOKEN.length);
  });

  it('holds no input for a token that does not decode either', () => {
    const broken = `${TOKEN.slice(0, 40)}=${TOKEN.slice(40)}`;
    const d = decodeToken(broken);
    assert.equal(d.ok, false);
    const text = JSON.stringify(inspectorTokenView(d));
    assert.ok(!text.includes(SIG) && !text.includes(broken.slice(0, 40)), text);
  });
});
