/**
 * Activation loads no engine (issue 11, item 1): the VS Code layer imports by value only the few
 * small engine and shared modules that registering views and commands needs; every other engine
 * is reached through its loader in src/vscode/load/ (a lazy chunk, see ARCHITECTURE.md "Lazy
 * bundles"). An engine imported by value here would be inlined into dist/extension.js again.
 * test/vscode/suite/activation.test.ts checks the same in a real VS Code (no chunk at activation).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..', '..');
const vscodeDir = path.join(root, 'src', 'vscode');

/** What extension.js may hold of src/engine and src/shared: small, and needed to register. */
const ALLOWED = new Set([
  'src/engine/errors.ts',
  'src/engine/redact.ts',
  'src/engine/aws/config.ts',
  'src/engine/aws/names.ts',
  'src/engine/aws/regions.ts',
  'src/engine/aws/console.ts',
  'src/engine/aws/profiles.ts',
  'src/engine/auth0/connection.ts',
  'src/engine/setup/tags.ts',
  'src/shared/commands.ts',
  'src/shared/settings.ts',
  'src/shared/protocol.ts',
  // The webview shell's l10n data block (jsonForScript): a few lines, no imports.
  'src/shared/l10n.ts',
]);

function resolveTs(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(f)) return path.relative(root, f).split(path.sep).join('/');
  return path.relative(root, base).split(path.sep).join('/');
}

/** Value imports (and re-exports) of src/engine and src/shared by one file: type-only ones are left out. */
function valueImports(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    let spec: string | undefined;
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) spec = n.moduleSpecifier.text;
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier) && !n.isTypeOnly) {
      spec = n.moduleSpecifier.text;
    } else if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
      spec = n.arguments[0].text;
    }
    if (spec?.startsWith('.')) {
      const target = resolveTs(file, spec);
      if (target.startsWith('src/engine/') || target.startsWith('src/shared/')) out.push(target);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('lazy engines: what the VS Code layer imports', () => {
  const files = fs.readdirSync(vscodeDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(vscodeDir, f));

  it('src/vscode/*.ts imports by value only the small modules activation needs (engines go through src/vscode/load/)', () => {
    const bad = files.flatMap((f) => valueImports(f).filter((t) => !ALLOWED.has(t)).map((t) => `${path.basename(f)} -> ${t}`));
    assert.deepEqual(bad, []);
  });

  it('each loader in src/vscode/load/ requires exactly its chunk entry, listed in esbuild.mjs CHUNKS', () => {
    const build = fs.readFileSync(path.join(root, 'esbuild.mjs'), 'utf8');
    const loaders = fs.readdirSync(path.join(vscodeDir, 'load')).filter((f) => f.endsWith('.ts'));
    assert.ok(loaders.length > 0);
    for (const l of loaders) {
      const entry = `src/engine/chunks/${l}`;
      assert.deepEqual(valueImports(path.join(vscodeDir, 'load', l)), [entry], l);
      assert.ok(build.includes(`'${entry}'`), `${entry} is a chunk in esbuild.mjs`);
    }
  });

  it('the allowed modules import no engine beyond the allow-list themselves', () => {
    for (const m of ALLOWED) {
      const bad = valueImports(path.join(root, m)).filter((t) => !ALLOWED.has(t) && !t.endsWith('/sdk.ts'));
      assert.deepEqual(bad, [], m);
    }
  });
});
