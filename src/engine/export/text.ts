/**
 * Escaping for the exports: every value that comes from outside (pool and role names, domains,
 * client IDs, tags, policy documents of existing resources) goes through one of these before it
 * is written into YAML, HCL or bash.
 */

/** Characters that end a comment line or confuse editors: line breaks (all of Unicode's), other controls, bidi overrides. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNSAFE_IN_COMMENT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** One line of comment text: line breaks and control characters become spaces; at most `max` characters. */
export function commentText(s: string, max = 2000): string {
  const t = s.replace(UNSAFE_IN_COMMENT, ' ');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Comment lines with a prefix ("# "), each wrapped at about 100 characters. */
export function commentLines(prefix: string, text: string, width = 100): string[] {
  const words = commentText(text).split(/ +/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(`${prefix}${line}`);
      line = w;
    } else {
      line = line ? `${line} ${w}` : w;
    }
  }
  if (line) lines.push(`${prefix}${line}`);
  return lines;
}

/** \uXXXX for a character. */
const u = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A YAML double-quoted scalar. JSON's escapes are YAML's too; characters YAML treats as line
 * breaks or does not allow unescaped (C1 controls, U+2028/9, BOM, lone surrogates) are escaped as well.
 */
export function yamlString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, u).replace(/[\ud800-\udfff]/g, (c, i: number, all: string) => {
    const code = c.charCodeAt(0);
    const next = all.charCodeAt(i + 1);
    const prev = all.charCodeAt(i - 1);
    const paired = code < 0xdc00 ? next >= 0xdc00 && next <= 0xdfff : prev >= 0xd800 && prev < 0xdc00;
    return paired ? c : u(c);
  });
}

/**
 * An HCL quoted string: backslash escapes for quotes, backslashes and controls, and the template
 * sequences "${" and "%{" doubled so that nothing in the value is evaluated.
 */
export function hclString(s: string): string {
  let out = '';
  for (const c of s) {
    const code = c.codePointAt(0) ?? 0;
    if (c === '\\') out += '\\\\';
    else if (c === '"') out += '\\"';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `"${out.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{')}"`;
}

/** A bash word that stands for exactly `s`: single quotes, a single quote as '\''. NUL cannot be passed to a command. */
export function shellQuote(s: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is what it removes
  return `'${s.replace(/\u0000/g, '').replace(/'/g, `'\\''`)}'`;
}
