/**
 * `inspect-token` on hostile input (issue 8, items 1 and 7): a deeply nested token prints
 * normally, and adversarial text is answered at once. Runs the CLI's main() in-process.
 */
import * as assert from 'node:assert/strict';
import { runCli } from '../../helpers/cli';

const b64 = (s: string): string => Buffer.from(s).toString('base64url');

describe('CLI inspect-token: deep nesting and adversarial input', function () {
  this.timeout(20_000);

  it('prints --json for a 12 KB token nested ~4,500 levels (it crashed with "Maximum call stack size exceeded")', async () => {
    const token = `${b64('{"alg":"RS256","typ":"JWT"}')}.${b64(`{"sub":"auth0|1","aud":"client-1","deep":${'['.repeat(4_500)}${']'.repeat(4_500)}}`)}.c2ln`;
    assert.ok(token.length > 12_000);
    const r = await runCli(['inspect-token', '--json', token]);
    assert.equal(r.err, '', r.err);
    assert.ok(r.code === 0 || r.code === 1, `a normal exit code, not an internal error (${r.code})`);
    const j = JSON.parse(r.out) as { token: { claims: { sub: string }; warnings: string[] }; preflight: unknown };
    assert.equal(j.token.claims.sub, 'auth0|1');
    assert.match(j.token.warnings.join(' '), /nests deeper than/);
    assert.match(r.out, /nested deeper than \d+ levels: not shown/);
  });

  it('prints the text report for it too', async () => {
    const token = `${b64('{"alg":"RS256"}')}.${b64(`{"sub":"x","deep":${'{"a":'.repeat(4_500)}1${'}'.repeat(4_500)}}`)}.c2ln`;
    const r = await runCli(['inspect-token', token]);
    assert.equal(r.err, '', r.err);
    assert.ok(r.code === 0 || r.code === 1, String(r.code));
  });

  for (const [name, input] of [
    ['{"a":"eyJeyJ…"} (240 KB)', `{"a":"${'eyJ'.repeat(80_000)}"}`],
    ['"eyJ-" repeated (1 MB)', 'eyJ-'.repeat(250_000)],
    ['dots (1 MB)', '.'.repeat(1_000_000)],
  ] as const) {
    it(`answers ${name} on stdin with "not a token", at once`, async () => {
      const t0 = performance.now();
      const r = await runCli(['inspect-token', '--json'], input);
      assert.equal(r.code, 1, r.err);
      const j = JSON.parse(r.out) as { ok: boolean; problem: { code: string } };
      assert.equal(j.ok, false);
      assert.ok(performance.now() - t0 < 10_000, 'sanity ceiling (the bench prints the time)');
    });
  }
});
