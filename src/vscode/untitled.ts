import * as vscode from 'vscode';

/**
 * Opens `content` in a new untitled editor beside nothing (the main editor area), in `language`
 * when VS Code knows it, else in `fallbacks` (the first known one), else as plain text. Used for
 * the exports (issue 10) and the app snippets (issue 12): code goes where code lives.
 */
export async function openUntitled(content: string, language: string, fallbacks: readonly string[] = []): Promise<vscode.TextDocument> {
  const known = await vscode.languages.getLanguages();
  const lang = [language, ...fallbacks].find((l) => known.includes(l)) ?? 'plaintext';
  const doc = await vscode.workspace.openTextDocument({ language: lang, content });
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}
