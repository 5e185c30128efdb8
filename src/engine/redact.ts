/**
 * Masks tokens, secrets and credentials in text before it is logged or shown.
 * Applied by the one logger of the extension and by the CLI's error output.
 */
const RULES: Array<[RegExp, (m: string, ...g: string[]) => string]> = [
  // JWTs (header.payload.signature, base64url), with or without a signature part
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g, (m) => `<jwt ${m.length} chars>`],
  // AWS access key ids
  [/\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g, (m) => `${m.slice(0, 4)}…${m.slice(-4)}`],
  // "key": "value" and key=value pairs whose name says secret
  [/("?(?:[\w-]*(?:secret|password|token|credential|authorization|session|signature|code_verifier|private)[\w-]*)"?\s*[:=]\s*"?)((?:Bearer\s+)?[^"\s,&}]+)/gi,
    (_m, k) => `${k}***`],
  // Bearer headers
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/g, (_m, k) => `${k} ***`],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, fn] of RULES) out = out.replace(re, fn as (m: string) => string);
  return out;
}

/** "abcd…wxyz" for showing that a value is set without showing it. */
export function mask(value: string, keep = 4): string {
  if (value.length <= keep * 2) return '*'.repeat(Math.max(4, value.length));
  return `${value.slice(0, keep)}…${value.slice(-keep)}`;
}
