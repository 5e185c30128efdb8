/**
 * Guard rails in eslint.config.mjs that must not disappear silently: `vscode` may be imported in
 * src/vscode only, never in src/engine, src/shared or src/cli (they run in the CLI, the tests
 * and the webviews). Runs ESLint's Node API with the repository's own config on in-memory text.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.join(__dirname, '..', '..', '..');

/** A .ts file that exists under `dir` (type-aware linting needs a file the TypeScript project knows; its text is replaced). */
function someTsFile(dir: string): string {
  const walk = (d: string): string | undefined => {
    for (const e of fs.readdirSync(path.join(root, d), { withFileTypes: true }).sort((a, b) => Number(a.isDirectory()) - Number(b.isDirectory()))) {
      const p = path.join(d, e.name);
      if (e.isFile() && p.endsWith('.ts') && !p.endsWith('.d.ts')) return p;
      if (e.isDirectory()) {
        const f = walk(p);
        if (f) return f;
      }
    }
    return undefined;
  };
  const f = walk(dir);
  assert.ok(f, `no .ts file under ${dir}`);
  return f;
}

const SOURCES = {
  'import * as': "import * as vscode from 'vscode';\nexport const version = vscode.version;\n",
  'import type': "import type { Uri } from 'vscode';\nexport function f(u: Uri): string { return String(u); }\n",
  'named import': "import { window } from 'vscode';\nexport const w = window;\n",
};

describe('ESLint guard rails (eslint.config.mjs)', function () {
  this.timeout(120_000);
  const eslint = new ESLint({ cwd: root });

  async function restricted(filePath: string, code: string): Promise<string[]> {
    const [r] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
    assert.ok(r);
    const fatal = r.messages.filter((m) => m.fatal);
    assert.deepEqual(fatal, [], `ESLint could not parse the text as ${filePath}`);
    return r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  }

  for (const dir of ['src/engine', 'src/shared', 'src/cli']) {
    for (const [what, code] of Object.entries(SOURCES)) {
      it(`forbids vscode in ${dir} (${what})`, async () => {
        const file = someTsFile(dir);
        const msgs = await restricted(file, code);
        assert.equal(msgs.length, 1, `${file}: ${JSON.stringify(msgs)}`);
        assert.match(msgs[0] ?? '', /'vscode' import is restricted/);
      });
    }
  }

  it('allows vscode in src/vscode', async () => {
    assert.deepEqual(await restricted(someTsFile('src/vscode'), SOURCES['import * as']), []);
  });

  it('is configured for a new engine file too', async () => {
    const cfg = (await eslint.calculateConfigForFile(path.join(root, 'src/engine/some/new/file.ts'))) as { rules?: Record<string, unknown> };
    const rule = cfg.rules?.['no-restricted-imports'] as [number | string, { paths?: Array<{ name: string }> }] | undefined;
    assert.ok(rule, 'no-restricted-imports is not configured for src/engine/**');
    assert.ok([2, 'error'].includes(rule[0]), `severity ${String(rule[0])}`);
    assert.ok(rule[1]?.paths?.some((p) => p.name === 'vscode'), JSON.stringify(rule));
  });
});
