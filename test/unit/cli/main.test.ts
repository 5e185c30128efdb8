import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseArgs } from '../../../src/cli/main';
import { runCli as run } from '../../helpers/cli';

describe('CLI', () => {
  it('parses options', () => {
    const p = parseArgs(['thumbprint', 'tenant.auth0.com', '--json', '--ca', 'a.pem', '--ca', 'b.pem', '--timeout', '2.5']);
    assert.equal(p.command, 'thumbprint');
    assert.deepEqual(p.args, ['tenant.auth0.com']);
    assert.equal(p.json, true);
    assert.deepEqual(p.ca, ['a.pem', 'b.pem']);
    assert.equal(p.timeoutMs, 2500);
  });
  it('prints help with exit 0, and usage errors with exit 2', async () => {
    assert.equal((await run(['--help'])).code, 0);
    const none = await run([]);
    assert.equal(none.code, 2);
    assert.match(none.err, /Usage: auth0-cognito/);
    assert.equal((await run(['frobnicate'])).code, 2);
    assert.equal((await run(['thumbprint'])).code, 2);
    assert.equal((await run(['thumbprint', 'a', 'b'])).code, 2);
    assert.match((await run(['thumbprint', 'x', '--timeout', 'soon'])).err, /--timeout takes a number/);
    assert.match((await run(['thumbprint', 'x', '--bogus'])).err, /Unknown option --bogus/);
  });
  it('prints each command\'s help and the version', async () => {
    for (const [command, usage] of [['thumbprint', /^Usage: auth0-cognito thumbprint </], ['inspect-token', /^Usage: auth0-cognito inspect-token /], ['setup', /^Usage: auth0-cognito setup /]] as const) {
      const r = await run([command, '--help']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, usage);
    }
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    assert.deepEqual(await run(['--version']), { code: 0, out: `${version}\n`, err: '' });
  });
  it('points a usage error at the command\'s own help', async () => {
    assert.match((await run(['thumbprint'])).err, /\nRun "auth0-cognito thumbprint --help" for usage\.\n$/);
    assert.match((await run(['frobnicate'])).err, /\nRun "auth0-cognito --help" for usage\.\n$/);
  });
  it('routes setup to its own options', async () => {
    const help = await run(['setup', '--help']);
    assert.equal(help.code, 0, help.err);
    assert.match(help.out, /Usage: auth0-cognito setup \(--plan \| --apply\) --config FILE/);
    const noConfig = await run(['setup', '--plan']);
    assert.equal(noConfig.code, 2);
  });

  it('reports bad input as a message with a hint, never a stack trace', async () => {
    const r = await run(['thumbprint', 'http://tenant.auth0.com']);
    assert.equal(r.code, 2);
    assert.match(r.err, /^Error: "http:\/\/" is not supported.*\nUse https:\/\/tenant\.auth0\.com instead\.\n$/);
    assert.doesNotMatch(r.err, /\s+at\s/);
  });
  it('reports errors as JSON with --json', async () => {
    const r = await run(['thumbprint', 'tenant.auth0.com:70000', '--json']);
    assert.equal(r.code, 2);
    const j = JSON.parse(r.err);
    assert.equal(j.error.code, 'INVALID_INPUT');
    assert.match(j.error.message, /out of range/);
  });
  it('says which CA file cannot be read', async () => {
    const r = await run(['thumbprint', 'localhost:1', '--ca', 'does-not-exist.pem']);
    assert.equal(r.code, 2, 'a bad --ca is a usage/config error in every command');
    assert.match(r.err, /Cannot read the CA certificate file does-not-exist\.pem \(ENOENT\)/);
  });
});
