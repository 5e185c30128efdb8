/**
 * The Markdown of the hover on a JWT in an editor, built without `vscode` so it can be tested
 * as text. Everything that comes from the token (iss, aud, alg, problem texts quoting the
 * input) is untrusted: it is escaped so that it renders as plain text and can never open a
 * link, a `command:` URI, an image or HTML. The one link in the hover is the extension's own
 * "Inspect" command, whose argument the extension builds from the scanned token.
 */
import { decodeToken, type DecodeResult } from '../engine/token/decode';
import { describeToken } from '../engine/token/describe';

/** Longest claim text shown in the hover (longer is cut with "…"). */
export const MAX_HOVER_CLAIM_CHARS = 200;
/**
 * Longest token passed as the argument of the hover's command link. Above it the hover says
 * how to inspect it instead (Cognito's own limit is 50,000 characters).
 */
export const MAX_LINK_TOKEN_LENGTH = 60_000;

// Line breaks, other control characters, and bidirectional overrides: replaced by a space.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// Every ASCII punctuation character can be backslash-escaped in CommonMark; escaping them
// all leaves no way to start a link, image, code span, emphasis, HTML tag, entity or autolink.
const PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** `text` as inert Markdown: shown literally, cut to `max` characters, on one line. */
export function escapeMarkdownText(text: string, max = MAX_HOVER_CLAIM_CHARS): string {
  let t = String(text);
  if (t.length > max) t = `${t.slice(0, max)}…`;
  return t.replace(CONTROL, ' ').replace(PUNCTUATION, '\\$&');
}

/** A one-line description of a token for hovers and lenses, e.g. "ID token · RS256 · expires in 3 h" (see describeToken). */
export function describeJwt(token: string): string {
  return describeToken(decodeToken(token));
}

/** The `command:` URI that inspects `token`, or undefined when it is not a plain compact JWT of a sane length. */
export function inspectCommandLink(commandId: string, token: string): string | undefined {
  if (token.length > MAX_LINK_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){1,4}$/.test(token)) return undefined;
  // encodeURIComponent leaves ( ) ' ! * ~ alone; a ")" would end the Markdown link.
  const args = encodeURIComponent(JSON.stringify([token])).replace(/[()'!*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `command:${commandId}?${args}`;
}

export interface HoverLabels {
  /** The command's id (Commands.inspectToken). */
  commandId: string;
  /** The link text, e.g. "Inspect ID Token" (localized). */
  inspect: string;
  /** Said instead of the link when the token is too long for one, e.g. "Select the token and run Inspect ID Token." */
  tooLong: string;
}

/**
 * The hover's Markdown for a token found in an editor. Meant for a MarkdownString with theme
 * icons and `isTrusted: { enabledCommands: [commandId] }`, and without HTML support.
 */
export function tokenHoverMarkdown(token: string, decoded: DecodeResult, labels: HoverLabels): string {
  const lines: string[] = [`**${escapeMarkdownText(describeToken(decoded))}**`, ''];
  if (decoded.ok) {
    const iss = decoded.claims.iss;
    if (iss !== undefined) lines.push(`iss ${escapeMarkdownText(typeof iss === 'string' ? iss : safeJson(iss))}  `);
    if (decoded.claims.aud !== undefined) lines.push(`aud ${escapeMarkdownText(safeJson(decoded.claims.aud))}  `);
    if (decoded.times.exp) lines.push(`exp ${escapeMarkdownText(decoded.times.exp.iso)}  `);
  }
  lines.push('');
  const link = inspectCommandLink(labels.commandId, token);
  lines.push(link ? `[$(search) ${escapeMarkdownText(labels.inspect)}](${link})` : escapeMarkdownText(labels.tooLong));
  return lines.join('\n');
}

/** JSON of a claim, cut early (claims are depth-bounded by decodeToken; this also bounds the size). */
function safeJson(v: unknown): string {
  try {
    const s = JSON.stringify(v) ?? String(v);
    return s.length > MAX_HOVER_CLAIM_CHARS ? s.slice(0, MAX_HOVER_CLAIM_CHARS + 1) : s;
  } catch {
    return '(unreadable)';
  }
}
