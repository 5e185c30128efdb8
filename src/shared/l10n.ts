/**
 * Localisation shared by the extension host and the webviews (no `vscode` import here).
 *
 * The host translates with `vscode.l10n.t`; the strings of every `vscode.l10n.t(...)` in
 * src/vscode and every `t(...)` in media/ are in l10n/bundle.l10n.json (`npm run l10n` writes it,
 * test/unit/package/l10n.test.ts checks it). A webview page gets the bundle VS Code loaded for the
 * display language (`vscode.l10n.bundle`, none in English) from src/vscode/webviewHtml.ts, as JSON
 * in `<script type="application/json" id="l10n">` written by `jsonForScript`; media/lib/l10n.ts
 * reads it with `readBundle` and translates with `translate`, which fills in `{0}`, `{1}`, ... (or
 * `{name}` from one object argument) exactly as `vscode.l10n.t` does.
 */

/** A bundle as VS Code hands it over (`vscode.l10n.bundle`); exported bundles may carry comments. */
export type L10nBundle = Record<string, string | { message: string; comment?: string[] }>;
export type L10nArg = string | number | boolean;

/** The id of the element that carries the bundle into a webview page. */
export const L10N_ELEMENT_ID = 'l10n';

/**
 * `{0}` / `{name}` replaced by `values[0]` / `values.name`; a placeholder without a value stays as
 * it is (VS Code's `format2`, behind `vscode.l10n.t`).
 */
export function formatMessage(template: string, values: readonly unknown[] | Record<string, unknown>): string {
  if (Object.keys(values).length === 0) return template;
  return template.replace(/\{([^}]+)\}/g, (match, key: string) => {
    const v = (values as Record<string, unknown>)[key];
    return v === undefined || v === null ? match : String(v);
  });
}

/**
 * The translation of `message` in `bundle` (the message itself when the bundle has none or an
 * empty one), with `args` filled in: positional values, or one object of named values.
 */
export function translate(bundle: L10nBundle | undefined, message: string, args: readonly unknown[]): string {
  const entry = bundle ? (Object.prototype.hasOwnProperty.call(bundle, message) ? bundle[message] : undefined) : undefined;
  const text = typeof entry === 'string' ? entry : typeof entry?.message === 'string' ? entry.message : '';
  const values = args.length === 1 && typeof args[0] === 'object' && args[0] !== null ? (args[0] as Record<string, unknown>) : args;
  return formatMessage(text || message, values);
}

/**
 * JSON for the inside of a `<script type="application/json">` element: `<`, `>` and `&` (and the
 * two line separators JavaScript once disallowed) as `\uXXXX` escapes, so that no translation can
 * close the element (`</script>`), open a comment (`<!--`) or otherwise change the page. JSON has
 * these characters only inside strings, where the escapes mean the same characters.
 */
export function jsonForScript(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The bundle from the element's text: only string entries (and `{ message }` ones) of a JSON object; anything else is ignored. */
export function readBundle(text: string | null | undefined): L10nBundle {
  const out: L10nBundle = {};
  if (!text) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return out;
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string') out[k] = { message: (v as { message: string }).message };
  }
  return out;
}
