import * as vscode from 'vscode';
import { decodeToken } from '../engine/token';
import { Commands, Settings } from '../shared/commands';

/** JWT-shaped: base64url JSON header starting with {" (eyJ), payload, optional signature. */
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const MAX_DOC_CHARS = 1_000_000;
const MAX_LENSES = 50;

/** Finds JWT-shaped strings in a line of text. */
export function findJwts(line: string): Array<{ start: number; end: number; token: string }> {
  const out: Array<{ start: number; end: number; token: string }> = [];
  for (const m of line.matchAll(JWT)) out.push({ start: m.index, end: m.index + m[0].length, token: m[0] });
  return out;
}

/** A one-line description of a token for hovers and lenses, e.g. "ID token · RS256 · expires in 3 h". */
export function describeJwt(token: string): string {
  const d = decodeToken(token);
  if (!d.ok) return d.problem;
  const kind = d.kind === 'id' ? 'ID token' : d.kind === 'access' ? 'access token' : 'JWT';
  return [kind, d.alg, d.times.exp?.text].filter(Boolean).join(' · ');
}

function inspectCommandUri(token: string): vscode.Uri {
  return vscode.Uri.parse(`command:${Commands.inspectToken}?${encodeURIComponent(JSON.stringify([token]))}`);
}

/** Hover on a JWT in any editor: what it is, and a link to inspect it. */
class TokenHover implements vscode.HoverProvider {
  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const line = doc.lineAt(pos.line).text;
    const hit = findJwts(line).find((j) => pos.character >= j.start && pos.character <= j.end);
    if (!hit) return undefined;
    const d = decodeToken(hit.token);
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [Commands.inspectToken] };
    md.appendMarkdown(`**${describeJwt(hit.token)}**\n\n`);
    if (d.ok) {
      const iss = typeof d.claims.iss === 'string' ? d.claims.iss : undefined;
      if (iss) md.appendMarkdown(`iss \`${iss}\`  \n`);
      if (d.claims.aud !== undefined) md.appendMarkdown(`aud \`${JSON.stringify(d.claims.aud)}\`  \n`);
      if (d.times.exp) md.appendMarkdown(`exp ${d.times.exp.iso}  \n`);
    }
    md.appendMarkdown(`\n[$(search) ${vscode.l10n.t('Inspect ID Token')}](${inspectCommandUri(hit.token).toString()})`);
    return new vscode.Hover(md, new vscode.Range(pos.line, hit.start, pos.line, hit.end));
  }
}

/** "Inspect token" above every line holding a JWT (setting: auth0Cognito.tokenCodeLens.enabled). */
class TokenLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration(Settings.section).get<boolean>(Settings.tokenCodeLens, true)) return [];
    const text = doc.getText();
    if (text.length > MAX_DOC_CHARS || !text.includes('eyJ')) return [];
    const lenses: vscode.CodeLens[] = [];
    for (let i = 0; i < doc.lineCount && lenses.length < MAX_LENSES; i++) {
      for (const j of findJwts(doc.lineAt(i).text)) {
        lenses.push(new vscode.CodeLens(new vscode.Range(i, j.start, i, j.end), {
          title: `$(search) ${vscode.l10n.t('Inspect token')} (${describeJwt(j.token)})`,
          command: Commands.inspectToken,
          arguments: [j.token],
        }));
        if (lenses.length >= MAX_LENSES) break;
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
