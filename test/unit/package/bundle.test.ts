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
  await run(process.execPath, ['esbuild.mjs', ...(production ? ['--production'] : [])], { cwd: root, env: { ...process.env, A0C_OUTDIR: out, A0C_METAFILE: '1' }, maxBuffer: 16 << 20 });
  return out;
}

/** The source files bundled into each output (esbuild's metafile), by output path relative to the build dir. */
function inputsByOutput(out: string): Map<string, string[]> {
  const meta = JSON.parse(fs.readFileSync(path.join(out, 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return new Map(Object.entries(meta.outputs).map(([file, o]) => [path.relative(out, path.resolve(root, file)).split(path.sep).join('/'), Object.keys(o.inputs)]));
}

/**
 * Modules whose state must be one per window: settings.ts (the ignored-settings warnings, the
 * log sink) and wizardSelection.ts (the event "Use in Setup Wizard" fires). extension.js has them;
 * a chunk that bundled its own copy would listen to an event nobody fires.
 */
const ONE_PER_WINDOW = ['src/vscode/settings.ts', 'src/vscode/wizardSelection.ts', 'src/vscode/logger.ts'];

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

  it('the VS Code layer\'s chunks reach the one-per-window modules through extension.js, never a copy of their own', async () => {
    const out = await build(true);
    dirs.push(out);
    const inputs = inputsByOutput(out);
    const ext = inputs.get('extension.js');
    assert.ok(ext, [...inputs.keys()].join(', '));
    for (const m of ONE_PER_WINDOW) assert.ok(ext.includes(m), `extension.js bundles ${m}`);
    // The wizard's and the Resources commands' code are chunks, not part of extension.js.
    for (const m of ['src/vscode/wizardController.ts', 'src/vscode/wizardRoles.ts', 'src/vscode/resourcesCommands.ts']) assert.ok(!ext.includes(m), `extension.js bundles ${m}`);
    const vscodeChunks = ['chunks/wizard.js', 'chunks/wizard-roles.js', 'chunks/resources-commands.js'];
    for (const c of vscodeChunks) {
      const files = inputs.get(c);
      assert.ok(files, `${c} was built: ${[...inputs.keys()].join(', ')}`);
      for (const m of ONE_PER_WINDOW) assert.ok(!files.includes(m), `${c} bundles its own copy of ${m}`);
    }
    assert.ok(inputs.get('chunks/wizard.js')!.includes('src/vscode/wizardController.ts'));
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
