/**
 * The one-line summary of a token, e.g. "ID token · RS256 · expires in 3 h". One function for
 * every place that shows a token in a line: the hover and CodeLens, the inspector's clipboard
 * pick, the wizard's token line. Plain text: callers escape it for Markdown where needed.
 */
import type { DecodeResult, TokenKind } from './decode';

export interface DescribeOptions {
  /** Add the token's length ("1234 characters"), e.g. where the user picks among texts. */
  length?: boolean;
}

/** 'ID token', 'access token' or 'JWT'. */
export function tokenKindLabel(kind: TokenKind): string {
  return kind === 'id' ? 'ID token' : kind === 'access' ? 'access token' : 'JWT';
}

/**
 * "ID token · RS256 · expires in 3 h" for a decoded token (parts that are unknown are left
 * out); the problem sentence for text that does not decode.
 */
export function describeToken(d: DecodeResult, opts: DescribeOptions = {}): string {
  if (!d.ok) return d.problem;
  return [tokenKindLabel(d.kind), d.alg, opts.length ? `${d.length} characters` : undefined, d.times.exp?.text]
    .filter(Boolean)
    .join(' · ');
}
