import * as assert from 'node:assert/strict';
import { parseHostInput, formatTarget } from '../../../src/engine/target';
import { EngineError } from '../../../src/engine/errors';

describe('parseHostInput', () => {
  const good: Array<[string, string, number, string | undefined]> = [
    ['tenant.auth0.com', 'tenant.auth0.com', 443, 'tenant.auth0.com'],
    ['  tenant.eu.auth0.com\n', 'tenant.eu.auth0.com', 443, 'tenant.eu.auth0.com'],
    ['https://tenant.auth0.com', 'tenant.auth0.com', 443, 'tenant.auth0.com'],
    ['https://tenant.auth0.com/', 'tenant.auth0.com', 443, 'tenant.auth0.com'],
    ['HTTPS://Login.Example.COM/.well-known/jwks.json', 'login.example.com', 443, 'login.example.com'],
    ['https://tenant.auth0.com:8443/path?x=1', 'tenant.auth0.com', 8443, 'tenant.auth0.com'],
    ['localhost:9443', 'localhost', 9443, 'localhost'],
    ['127.0.0.1:9443', '127.0.0.1', 9443, undefined],
    ['https://[::1]:9443/', '::1', 9443, undefined],
    ['tenant.auth0.com.', 'tenant.auth0.com', 443, 'tenant.auth0.com'],
  ];
  for (const [input, host, port, sni] of good) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      const t = parseHostInput(input);
      assert.deepEqual(t, { host, port, servername: sni });
    });
  }

  const bad: Array<[string, RegExp]> = [
    ['', /No host given/],
    ['   ', /No host given/],
    ['http://tenant.auth0.com', /"http:\/\/" is not supported/],
    ['ftp://tenant.auth0.com', /"ftp:\/\/" is not supported/],
    ['tenant.auth0.com:0', /Port "0" is out of range/],
    ['tenant.auth0.com:65536', /Port "65536" is out of range/],
    ['https://tenant.auth0.com:99999/', /Port "99999" is out of range/],
    ['tenant.auth0.com:abc', /Port "abc" is out of range/],
    ['ten ant.auth0.com', /contains spaces/],
    ['https://user:pw@tenant.auth0.com', /user name or password/],
    ['-bad-.example.com', /not a valid host name/],
    ['https://', /not a valid domain or URL|no host name/],
  ];
  for (const [input, re] of bad) {
    it(`rejects ${JSON.stringify(input)} with a clear message`, () => {
      assert.throws(() => parseHostInput(input), (e: unknown) => {
        assert.ok(e instanceof EngineError, 'an EngineError');
        assert.equal(e.code, 'INVALID_INPUT');
        assert.match(e.message, re);
        assert.ok(e.hint.length > 10, 'has a hint');
        return true;
      });
    });
  }

  it('formats targets with non-default ports only', () => {
    assert.equal(formatTarget(parseHostInput('a.example.com')), 'a.example.com');
    assert.equal(formatTarget(parseHostInput('a.example.com:8443')), 'a.example.com:8443');
    assert.equal(formatTarget(parseHostInput('[::1]:8443')), '[::1]:8443');
  });
});
