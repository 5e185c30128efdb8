/**
 * Writes l10n/bundle.l10n.json (package.json `"l10n": "./l10n"`) from the sources:
 *   - every `vscode.l10n.t(...)` of src/vscode, found by @vscode/l10n-dev (the extractor behind
 *     `vscode-l10n-dev export`);
 *   - every `t(...)` of the webviews (media/, `t` from media/lib/l10n.ts), which l10n-dev does not
 *     know (it reads only `l10n.t` imported from 'vscode' or '@vscode/l10n'): found here with the
 *     TypeScript parser.
 * Keys are sorted, so the file changes only where a message does. A call whose message is not a
 * literal, or whose values do not match its placeholders ({0}, {1}, ...), is an error.
 *
 *   npm run l10n                       rewrites l10n/bundle.l10n.json
 *   tsx scripts/l10n.ts --out-dir DIR  writes DIR/bundle.l10n.json instead (test/unit/package/l10n.test.ts)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { getL10nJson } from '@vscode/l10n-dev';

export const BUNDLE_FILE = 'bundle.l10n.json';
/** Where the sources with messages are, relative to the repository. */
export const HOST_DIR = 'src/vscode';
export const WEBVIEW_DIR = 'media';

export interface L10nCall {
  file: string;
  line: number;
  message: string;
}

/** The .ts files under `dir`, sorted, as paths relative to `root` with forward slashes. */
export function tsFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** The local names that a file binds to the webviews' `t` (`import { t } from './lib/l10n'`). */
function webviewT(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !/(^|\/)l10n$/.test(st.moduleSpecifier.text)) continue;
    const b = st.importClause?.namedBindings;
    if (b && ts.isNamedImports(b)) for (const s of b.elements) if ((s.propertyName ?? s.name).text === 't') names.add(s.name.text);
  }
  return names;
}

/** The names that a file binds to the `vscode` module (`import * as vscode from 'vscode'`). */
function vscodeNamespaces(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== 'vscode') continue;
    const b = st.importClause?.namedBindings;
    if (b && ts.isNamespaceImport(b)) names.add(b.name.text);
  }
  return names;
}

/** True for `t(...)` (a webview's) or `vscode.l10n.t(...)` (the host's). */
export function isL10nCall(call: ts.CallExpression, tNames: Set<string>, vscodeNames: Set<string>): boolean {
  const f = call.expression;
  if (ts.isIdentifier(f)) return tNames.has(f.text);
  return ts.isPropertyAccessExpression(f) && f.name.text === 't' && ts.isPropertyAccessExpression(f.expression)
    && f.expression.name.text === 'l10n' && ts.isIdentifier(f.expression.expression) && vscodeNames.has(f.expression.expression.text);
}

/** What is wrong with one call's values, or undefined: each {n} needs a value and each value a {n}. */
export function placeholderProblem(message: string, args: readonly ts.Expression[]): string | undefined {
  if (args.length === 1 && ts.isObjectLiteralExpression(args[0]!)) return undefined; // named values: {name}
  const used = new Set([...message.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])));
  for (const i of used) if (i >= args.length) return `{${i}} has no value (${args.length} given)`;
  for (let i = 0; i < args.length; i++) if (!used.has(i)) return `value ${i} has no {${i}} in the message`;
  return undefined;
}

/**
 * Every `t(...)` (webviews) or `vscode.l10n.t(...)` (host) call of the files, with its message;
 * `problems` has each call whose message is not a literal or whose values do not fit it.
 */
export function l10nCalls(root: string, files: readonly string[]): { calls: L10nCall[]; problems: string[] } {
  const calls: L10nCall[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const sf = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
    const tNames = webviewT(sf);
    const vscodeNames = vscodeNamespaces(sf);
    if (tNames.size === 0 && vscodeNames.size === 0) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && isL10nCall(n, tNames, vscodeNames)) {
        const line = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
        const [first, ...rest] = n.arguments;
        if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
          calls.push({ file, line, message: first.text });
          const p = placeholderProblem(first.text, rest);
          if (p) problems.push(`${file}:${line}: ${JSON.stringify(first.text)}: ${p}`);
        } else if (first && ts.isObjectLiteralExpression(first)) {
          problems.push(`${file}:${line}: use t('message', ...values) (the webviews' t() takes no comment object)`);
        } else {
          problems.push(`${file}:${line}: the message must be a string literal (values go in {0}, {1}, ...), not ${first ? first.getText(sf) : 'nothing'}`);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { calls, problems };
}

type BundleEntry = string | { message: string; comment: string[] };

/** The bundle the sources under `root` make: l10n-dev for the host, `l10nCalls` for the webviews; sorted by key. */
export async function buildBundle(root: string): Promise<{ bundle: Record<string, BundleEntry>; problems: string[] }> {
  const hostFiles = tsFiles(root, HOST_DIR);
  const host = await getL10nJson(hostFiles.map((f) => ({ extension: '.ts', contents: fs.readFileSync(path.join(root, f), 'utf8') })));
  const webviews = l10nCalls(root, tsFiles(root, WEBVIEW_DIR));
  // The host's calls are checked here too (placeholders), l10n-dev only collects them.
  const hostChecks = l10nCalls(root, hostFiles);
  const all: Record<string, BundleEntry> = { ...(host as Record<string, BundleEntry>) };
  for (const c of webviews.calls) all[c.message] = c.message;
  const bundle: Record<string, BundleEntry> = {};
  for (const k of Object.keys(all).sort()) bundle[k] = all[k]!;
  return { bundle, problems: [...hostChecks.problems, ...webviews.problems] };
}

/** The file's text: 2-space JSON and a final newline. */
export function bundleText(bundle: Record<string, BundleEntry>): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

async function main(): Promise<void> {
  const root = path.join(__dirname, '..');
  const i = process.argv.indexOf('--out-dir');
  const outDir = i > 0 && process.argv[i + 1] ? path.resolve(process.argv[i + 1]!) : path.join(root, 'l10n');
  const { bundle, problems } = await buildBundle(root);
  if (problems.length) {
    console.error(`l10n: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, BUNDLE_FILE), bundleText(bundle));
  console.log(`l10n: ${Object.keys(bundle).length} messages in ${path.relative(process.cwd(), path.join(outDir, BUNDLE_FILE)) || BUNDLE_FILE}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`l10n: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  });
}
