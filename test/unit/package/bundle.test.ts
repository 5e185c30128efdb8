/**
 * The production bundle ships no test hooks: src/vscode/testHooks.ts (the commands the in-host
 * tests read the views' state with) is registered behind `process.env.A0C_TEST_HOOKS`, which
 * esbuild.mjs defines as "0" for `--production`, so the minifier drops it. Builds both flavours
 * into temp dirs (A0C_OUTDIR), never into dist/.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const root = path.join(__dirname, '..', '..', '..');
const run = promisify(execFile);

/** Names only the test hooks have (members, command ids, the module and its flag). */
const TEST_ONLY = ['fetchedByVsCode', 'debugSnapshot', 'debugState', 'snapshot', 'registerTestHooks', 'testHookCommands', 'TestCommands', 'testHooks', 'A0C_TEST_HOOKS'];

async function build(production: boolean): Promise<string> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `a0c-bundle-${production ? 'prod' : 'dev'}-`));
  await run(process.execPath, ['esbuild.mjs', ...(production ? ['--production'] : [])], { cwd: root, env: { ...process.env, A0C_OUTDIR: out }, maxBuffer: 16 << 20 });
  return out;
}

/** dist/extension.js and dist/chunks/*.js of a build, by file name. */
function productCode(out: string): Map<string, string> {
  const files = ['extension.js', ...fs.readdirSync(path.join(out, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => `chunks/${f}`)];
  return new Map(files.map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')]));
}

describe('production bundle', function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

  it('contains no test-only member names (extension.js, chunks/*.js)', async () => {
    const out = await build(true);
    dirs.push(out);
    const code = productCode(out);
    assert.ok(code.has('chunks/aws.js') && code.has('chunks/auth0.js') && code.has('chunks/cli-setup.js') && code.has('chunks/cli-inspect-token.js'), [...code.keys()].join(', '));
    for (const [file, text] of code) {
      for (const name of TEST_ONLY) {
        const i = text.indexOf(name);
        assert.equal(i, -1, `${file} contains "${name}": …${text.slice(Math.max(0, i - 80), i + 80)}…`);
      }
    }
  });

  it('the development build (in-host and UI tests) has the hooks, so the check above is not vacuous', async () => {
    const out = await build(false);
    dirs.push(out);
    const ext = fs.readFileSync(path.join(out, 'extension.js'), 'utf8');
    for (const name of ['auth0Cognito.wizard.debugState', 'auth0Cognito.resources.debugSnapshot', 'fetchedByVsCode']) {
      assert.ok(ext.includes(name), `the development build lacks ${name}`);
    }
  });
});
