import * as vscode from 'vscode';
import { L10N_ELEMENT_ID, jsonForScript } from '../shared/l10n';

/**
 * The HTML shell for every webview of the extension: strict CSP (default-src 'none',
 * scripts only with this page's nonce, styles from the extension), one script from
 * dist/webview, the shared stylesheet from media/. The page gets the translations VS Code loaded
 * for the display language (`vscode.l10n.bundle`; `{}` in English) as a JSON data block, escaped
 * (`jsonForScript`) so that no translation can break out of it; media/lib/l10n.ts reads it.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, title: string): string {
  // Web Crypto (a global since Node 19): no `node:crypto` require when the bundle loads.
  const nonce = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${script}.js`));
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${styleUri}" rel="stylesheet">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="muted">${escapeHtml(vscode.l10n.t('Loading…'))}</p></main>
<script type="application/json" id="${L10N_ELEMENT_ID}" nonce="${nonce}">${jsonForScript(vscode.l10n.bundle ?? {})}</script>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
