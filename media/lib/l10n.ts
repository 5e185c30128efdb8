import { L10N_ELEMENT_ID, readBundle, translate, type L10nArg, type L10nBundle } from '../../src/shared/l10n';

/**
 * The webviews' `vscode.l10n.t`: every user-visible string of media/*.ts goes through `t()` with a
 * literal message (`npm run l10n` collects them into l10n/bundle.l10n.json). The translations are
 * the ones the host put into the page (src/vscode/webviewHtml.ts); in English there are none and
 * `t()` returns the message with its placeholders filled in.
 */
let bundle: L10nBundle | undefined;

export function t(message: string, ...args: L10nArg[]): string;
export function t(message: string, args: Record<string, L10nArg>): string;
export function t(message: string, ...args: unknown[]): string {
  bundle ??= readBundle(document.getElementById(L10N_ELEMENT_ID)?.textContent);
  return translate(bundle, message, args);
}
