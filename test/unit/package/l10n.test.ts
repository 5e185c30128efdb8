/**
 * Localisation (issue 12, item 8): every user-visible string of the extension goes through
 * `vscode.l10n.t` (host), `t()` (webviews, media/lib/l10n.ts) or package.nls.json (manifest), and
 * l10n/bundle.l10n.json holds exactly the messages the sources use (`npm run l10n` writes it).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { BUNDLE_FILE, tsFiles, WEBVIEW_DIR } from '../../../scripts/l10n';

const root = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// --- The heuristic scan for hard-coded English in the webviews ---------------------------------

/** Parameters of the pages' own functions whose argument is shown: h()'s children, the label/title helpers, kv()'s rows. */
const TEXT_PARAMS = new Set(['children', 'label', 'title', 'text', 'placeholder', 'rows']);
/** DOM methods whose arguments are shown as text. */
const DOM_TEXT_METHODS = new Set(['append', 'prepend', 'replaceChildren', 'after', 'before', 'replaceWith', 'createTextNode', 'insertAdjacentText']);
/** Attributes and properties that are read out or shown. */
const TEXT_ATTRS = new Set(['title', 'aria-label', 'aria-description', 'aria-placeholder', 'aria-roledescription', 'aria-valuetext', 'placeholder', 'alt', 'label',
  'textContent', 'innerText', 'innerHTML', 'outerHTML', 'ariaLabel', 'ariaDescription', 'ariaPlaceholder', 'ariaRoleDescription', 'ariaValueText']);
/**
 * Literals that may stand in a text position unwrapped: names of products and formats, hash and
 * certificate names, and example values in placeholders (the same in every language); and ids
 * that reach a text position only as a fallback (the wizard's `STATUS[status] ?? status`).
 */
const NOT_TRANSLATED = new Set([
  'SHA-1', 'SHA-256', 'PEM',
  'CloudFormation', 'Terraform', 'AWS CLI', 'TypeScript', 'Swift', 'Kotlin',
  'tenant.auth0.com', 'auth0-cognito', 'Cognito_<pool>_Auth_Role', 'us-east-1:00000000-0000-0000-0000-000000000000',
  'not-started',
]);
const hasWords = (s: string): boolean => /[A-Za-z]{2}/.test(s);

/**
 * String literals that reach the page as text without `t()`: each literal (or the text of a
 * template) with two letters in a row, passed for a text parameter or set as a labelling
 * attribute, followed through conditionals, `+`, `??`, arrays, templates, consts (`const kind =
 * ... ? 'ID token' : ...`), lookup tables (`STATUS[s]`) and the return values of the page's own
 * functions. `t('...')` and its values are text already; comparisons, ids, classes and message
 * types are not in a text position.
 */
export function unwrappedText(files: readonly string[]): string[] {
  const program = ts.createProgram([...files], {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], strict: true, noEmit: true, skipLibCheck: true, types: [],
  });
  const checker = program.getTypeChecker();
  const ours = new Set(files.map((f) => path.resolve(f)));
  const isOurs = (n: ts.Node): boolean => ours.has(path.resolve(n.getSourceFile().fileName));
  const found = new Map<string, string>();
  const seen = new Set<ts.Node>();

  const declarationOf = (e: ts.Expression): ts.Declaration | undefined => {
    let s = checker.getSymbolAtLocation(e);
    if (s && s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
    return s?.valueDeclaration ?? s?.declarations?.[0];
  };
  /** The webviews' t: a function named t declared in media/lib/l10n.ts. */
  const isT = (call: ts.CallExpression): boolean => {
    const d = declarationOf(call.expression);
    return Boolean(d && ts.isFunctionDeclaration(d) && d.name?.text === 't' && /media[\\/]lib[\\/]l10n\.ts$/.test(d.getSourceFile().fileName));
  };
  const report = (n: ts.Node, text: string): void => {
    if (!hasWords(text) || NOT_TRANSLATED.has(text)) return;
    const sf = n.getSourceFile();
    const where = `${path.relative(root, sf.fileName).split(path.sep).join('/')}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    found.set(`${where} ${JSON.stringify(text)}`, where);
  };
  /** The expressions a function returns (its concise body, or its return statements, not those of nested functions). */
  const returns = (fn: ts.SignatureDeclaration): ts.Expression[] => {
    const body = (fn as ts.FunctionLikeDeclaration).body;
    if (!body) return [];
    if (!ts.isBlock(body)) return [body];
    const out: ts.Expression[] = [];
    const walk = (n: ts.Node): void => {
      if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
      else if (!ts.isFunctionLike(n)) ts.forEachChild(n, walk);
    };
    walk(body);
    return out;
  };

  /** `e` is shown as text: report the literals it is made of. */
  const text = (e: ts.Expression | undefined): void => {
    if (!e || seen.has(e)) return;
    seen.add(e);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return report(e, e.text);
    if (ts.isTemplateExpression(e)) {
      report(e.head, e.head.text);
      for (const span of e.templateSpans) {
        report(span.literal, span.literal.text);
        text(span.expression);
      }
      return;
    }
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) return text(e.expression);
    if (ts.isConditionalExpression(e)) return (text(e.whenTrue), text(e.whenFalse));
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) text(e.left);
      if (op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.AmpersandAmpersandToken) text(e.right);
      return;
    }
    if (ts.isArrayLiteralExpression(e)) return e.elements.forEach((x) => text(x));
    if (ts.isSpreadElement(e)) return text(e.expression);
    if (ts.isObjectLiteralExpression(e)) {
      // A lookup table (reached through STATUS[s]): its values are shown.
      for (const p of e.properties) if (ts.isPropertyAssignment(p)) text(p.initializer);
      return;
    }
    if (ts.isElementAccessExpression(e)) return text(e.expression);
    if (ts.isIdentifier(e)) {
      const d = declarationOf(e);
      if (d && ts.isVariableDeclaration(d) && d.initializer && isOurs(d) && ts.getCombinedNodeFlags(d) & ts.NodeFlags.Const) text(d.initializer);
      return;
    }
    if (ts.isCallExpression(e)) {
      if (isT(e)) return e.arguments.slice(1).forEach((a) => text(a)); // the message is wrapped; its values are shown
      // A function of the page: what it returns is shown.
      const d = checker.getResolvedSignature(e)?.getDeclaration();
      if (d && isOurs(d)) for (const r of returns(d)) text(r);
    }
  };

  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
      const args = n.arguments ?? ts.factory.createNodeArray<ts.Expression>();
      const callee = n.expression;
      if (ts.isCallExpression(n) && isT(n)) {
        // t's own arguments are visited below for nested calls only.
      } else if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'setAttribute' && args[0] && ts.isStringLiteralLike(args[0])) {
        if (TEXT_ATTRS.has(args[0].text)) text(args[1]);
      } else {
        const d = checker.getResolvedSignature(n)?.getDeclaration();
        if (d && isOurs(d)) {
          const params = d.parameters;
          const last = params[params.length - 1];
          args.forEach((a, i) => {
            const p = i < params.length ? params[i] : last?.dotDotDotToken ? last : undefined;
            if (p && ts.isIdentifier(p.name) && TEXT_PARAMS.has(p.name.text)) text(a);
          });
        } else if (ts.isPropertyAccessExpression(callee) && DOM_TEXT_METHODS.has(callee.name.text)) {
          args.forEach((a) => text(a));
        }
      }
    }
    if (ts.isPropertyAssignment(n)) {
      const name = ts.isIdentifier(n.name) || ts.isStringLiteral(n.name) ? n.name.text : '';
      if (TEXT_ATTRS.has(name)) text(n.initializer);
    }
    if (ts.isShorthandPropertyAssignment(n) && TEXT_ATTRS.has(n.name.text)) text(n.name);
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left) && TEXT_ATTRS.has(n.left.name.text)) text(n.right);
    ts.forEachChild(n, visit);
  };
  for (const sf of program.getSourceFiles()) if (ours.has(path.resolve(sf.fileName))) visit(sf);
  return [...found.keys()].sort();
}

// --- The tests ----------------------------------------------------------------------------------

describe('localisation', function () {
  this.timeout(120_000);

  it('l10n/bundle.l10n.json holds exactly the messages of src/vscode and media/ (npm run l10n writes it)', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'a0c-l10n-'));
    try {
      // The npm script's own command, into a temp dir: it fails on a t() whose message is not a
      // literal or whose values do not match its {0}, {1}, ...
      execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join(root, 'scripts', 'l10n.ts'), '--out-dir', tmp], { cwd: root, stdio: 'pipe' });
      const generatedText = fs.readFileSync(path.join(tmp, BUNDLE_FILE), 'utf8');
      const committedText = fs.readFileSync(path.join(root, 'l10n', BUNDLE_FILE), 'utf8');
      const generated = JSON.parse(generatedText) as Record<string, unknown>;
      const committed = JSON.parse(committedText) as Record<string, unknown>;
      assert.ok(Object.keys(generated).length > 250, `only ${Object.keys(generated).length} messages found: is the extractor still finding them?`);
      const missing = Object.keys(generated).filter((k) => !(k in committed));
      const stale = Object.keys(committed).filter((k) => !(k in generated));
      assert.deepEqual({ missing, stale }, { missing: [], stale: [] }, 'l10n/bundle.l10n.json is out of date: run `npm run l10n`');
      for (const [k, v] of Object.entries(generated)) assert.deepEqual(committed[k], v, k);
      assert.equal(committedText, generatedText, 'l10n/bundle.l10n.json is not as `npm run l10n` writes it');
    } catch (e) {
      const err = e as { stderr?: Buffer };
      if (err.stderr?.length) assert.fail(err.stderr.toString());
      throw e;
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('holds the webviews\' messages and the host\'s (both extractors found something)', () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', BUNDLE_FILE), 'utf8')) as Record<string, unknown>;
    // One message each from media/wizard.ts, media/inspector.ts, media/thumbprint.ts and src/vscode.
    for (const m of ['Save and check', 'Check against pool', 'Copy thumbprint', 'Inspect the token on the clipboard', 'Loading…']) assert.equal(bundle[m], m);
  });

  it('ships the bundles: package.json names l10n/ and .vscodeignore keeps it', () => {
    assert.equal(pkg.l10n, './l10n');
    const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());
    assert.ok(ignore.includes('!l10n/*.json'), '.vscodeignore keeps l10n/*.json');
    assert.ok(ignore.includes('!package.nls.json'), '.vscodeignore keeps package.nls.json');
  });

  it('gives every %key% of package.json a string in package.nls.json, and package.nls.json no unused key', () => {
    const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, unknown>;
    const used = new Set<string>();
    const walk = (v: unknown): void => {
      if (typeof v === 'string') {
        const m = /^%([^%\s]+)%$/.exec(v);
        if (m) used.add(m[1]!);
      } else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(pkg);
    assert.ok(used.size > 20, `only ${used.size} %keys% in package.json`);
    assert.deepEqual([...used].filter((k) => typeof nls[k] !== 'string' || nls[k] === '').sort(), [], 'keys without a string in package.nls.json');
    assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)).sort(), [], 'keys of package.nls.json that package.json does not use');
  });

  it('shows no hard-coded English in media/*.ts: every text goes through t()', () => {
    const files = tsFiles(root, WEBVIEW_DIR).map((f) => path.join(root, f));
    assert.ok(files.some((f) => f.endsWith('wizard.ts')) && files.some((f) => f.endsWith(path.join('lib', 'l10n.ts'))));
    assert.deepEqual(unwrappedText(files), [], 'wrap these in t() (media/lib/l10n.ts), or add a name that is the same in every language to NOT_TRANSLATED');
  });

  it('the scan finds unwrapped text where a page would show it (so that its silence on media/ means something)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a0c-l10n-scan-'));
    try {
      fs.mkdirSync(path.join(dir, 'media', 'lib'), { recursive: true });
      fs.copyFileSync(path.join(root, 'media', 'lib', 'vscodeApi.ts'), path.join(dir, 'media', 'lib', 'vscodeApi.ts'));
      fs.writeFileSync(path.join(dir, 'media', 'lib', 'l10n.ts'), 'export function t(message: string, ...args: unknown[]): string { return message + args.length; }\n');
      const page = path.join(dir, 'media', 'page.ts');
      fs.writeFileSync(page, [
        "import { h } from './lib/vscodeApi';",
        "import { t } from './lib/l10n';",
        "const LABELS: Record<string, string> = { a: 'Table value', b: t('Wrapped table value') };",
        'function btn(label: string, opts: { title?: string; id?: string } = {}): HTMLElement { return h(\'button\', { title: opts.title, id: opts.id }, label); }',
        "function none(x?: string): string { return x ?? 'Returned text'; }",
        'export function render(ok: boolean, n: number, s: string): HTMLElement {',
        "  const kind = ok ? 'Const text' : t('Wrapped const');",
        "  const el = h('p', { class: 'muted', id: 'x-y', 'aria-label': 'Attribute text' }, 'Child text', ' ', `Template ${n} text`, ok ? t('Wrapped') : 'Branch text', kind, LABELS[s], none(s), 'SHA-1');",
        "  el.append(btn('Button label', { title: 'Button title', id: 'button-id' }), t('Value {0}', 'Value text'));",
        "  el.setAttribute('title', 'Set attribute text'); el.setAttribute('data-kind', 'not text');",
        "  el.textContent = ok ? 'Assigned text' : '';",
        "  if (s === 'compared text') el.classList.add('class-name');",
        '  return el;',
        '}',
      ].join('\n'));
      const found = unwrappedText([page, path.join(dir, 'media', 'lib', 'vscodeApi.ts'), path.join(dir, 'media', 'lib', 'l10n.ts')]).map((f) => f.replace(/^.*page\.ts:\d+ /, ''));
      assert.deepEqual(found.sort(), ['Assigned text', 'Attribute text', 'Branch text', 'Button label', 'Button title', 'Child text', 'Const text', 'Returned text',
        'Set attribute text', 'Table value', 'Template ', ' text', 'Value text'].map((x) => JSON.stringify(x)).sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
