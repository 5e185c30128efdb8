import * as vscode from 'vscode';
import type { JwtHit } from '../engine/token/scan';
import { Commands } from '../shared/commands';
import { Settings } from '../shared/settings';
import { tokenEngine } from './load/token';

/** Characters of one line the CodeLens scans (the rest of a longer line is not scanned). */
const MAX_LINE_SCAN = 100_000;
/** Characters of a document the CodeLens scans in all (each line counts one more for its break). */
const MAX_DOC_SCAN = 1_000_000;
const MAX_LENSES = 50;

/**
 * Finds JWT-shaped strings (header and payload both JSON, i.e. starting with "eyJ") in a line,
 * or in the part of it between `from` and `to`. Linear time (see findJwtsInText). Loads the
 * token chunk: callers first check that the text holds "eyJ".
 */
export function findJwts(line: string, opts: { from?: number; to?: number; maxHits?: number } = {}): JwtHit[] {
  return tokenEngine().findJwtsInText(line, { jsonPayload: true, ...opts });
}

/**
 * Hover on a JWT in any editor: what it is, and a link to inspect it. A line without "eyJ" is
 * answered without loading the scanner (dist/chunks/token.js).
 */
class TokenHover implements vscode.HoverProvider {
  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const text = doc.lineAt(pos.line).text;
    if (!text.includes('eyJ')) return undefined;
    const { jwtAt, tokenHoverMarkdown, decodeToken } = tokenEngine();
    const hit = jwtAt(text, pos.character);
    if (!hit) return undefined;
    const value = tokenHoverMarkdown(hit.token, decodeToken(hit.token), {
      commandId: Commands.inspectToken,
      inspect: vscode.l10n.t('Inspect ID Token'),
      tooLong: vscode.l10n.t('Select the token and run "Inspect ID Token" to inspect it.'),
    });
    // Theme icons for $(search); no HTML; the only command that may run is the inspector's.
    const md = new vscode.MarkdownString(value, true);
    md.supportHtml = false;
    md.isTrusted = { enabledCommands: [Commands.inspectToken] };
    return new vscode.Hover(md, new vscode.Range(pos.line, hit.start, pos.line, hit.end));
  }
}

/**
 * "Inspect token" above every line holding a JWT (setting: auth0Cognito.tokenCodeLens.enabled).
 * Lines without "eyJ" are skipped before the scanner is loaded: a document without one costs a
 * substring search per line and loads nothing.
 */
class TokenLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument, cancel?: vscode.CancellationToken): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration(Settings.section).get<boolean>(Settings.tokenCodeLens, true)) return [];
    const lenses: vscode.CodeLens[] = [];
    // Line by line (never doc.getText()), at most MAX_LINE_SCAN characters of a line and
    // MAX_DOC_SCAN in all, stopping at MAX_LENSES.
    let budget = MAX_DOC_SCAN;
    for (let i = 0; i < doc.lineCount && lenses.length < MAX_LENSES && budget > 0; i++) {
      if (cancel?.isCancellationRequested) return [];
      const text = doc.lineAt(i).text;
      const to = Math.min(text.length, MAX_LINE_SCAN, budget);
      budget -= to + 1;
      if (!(to < text.length ? text.slice(0, to) : text).includes('eyJ')) continue;
      for (const j of findJwts(text, { to, maxHits: MAX_LENSES - lenses.length })) {
        lenses.push(new vscode.CodeLens(new vscode.Range(i, j.start, i, j.end), {
          // A lens title renders $(icon): keep the token's text (its alg) from adding any.
          title: `$(search) ${vscode.l10n.t('Inspect token')} (${tokenEngine().describeJwt(j.token).replace(/\$\(/g, '$ (')})`,
          command: Commands.inspectToken,
          arguments: [j.token],
        }));
      }
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerTokenLens(): vscode.Disposable {
  const selector: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];
  const lenses = new TokenLenses();
  return vscode.Disposable.from(
    vscode.languages.registerHoverProvider(selector, new TokenHover()),
    vscode.languages.registerCodeLensProvider(selector, lenses),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(`${Settings.section}.${Settings.tokenCodeLens}`)) lenses.refresh(); }),
    lenses,
  );
}
