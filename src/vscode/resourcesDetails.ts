import * as vscode from 'vscode';

/** Scheme of the read-only JSON documents of "Show Details". */
export const DETAILS_SCHEME = 'auth0-cognito-resource';

/**
 * Read-only JSON documents for "Show Details" (auth0-cognito-resource:/pool/NAME.json).
 * Registered at activation (an editor restored after a reload asks for its text at once); the
 * commands that fill it are in dist/chunks/resources-commands.js.
 */
export class DetailsDocuments implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, content: string): void {
    const had = this.docs.has(uri.toString());
    this.docs.set(uri.toString(), content);
    if (had) this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? JSON.stringify({ note: vscode.l10n.t('Run "Show Details" on the resource again: this document is gone since the window reloaded.') }, null, 2);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
