/**
 * Finding JWTs in arbitrary text (an editor line, the clipboard, a JSON value) in linear time.
 *
 * One pass over the text finds the maximal runs of base64url characters and dots
 * (`[A-Za-z0-9_-.]`); each run is then cut at its dots and checked for the shape of a JWT: a
 * part starting with "eyJ" (base64url of `{"`) followed by one or two more parts. Every
 * character is looked at a bounded number of times (at most four), whatever the input: there
 * is no regular expression here, so no backtracking. Used by the decoder, the hover, the
 * CodeLens and the inspector's clipboard check: keep it the only JWT finder.
 */

export interface JwtHit {
  /** Index of the first character of the token in the text. */
  start: number;
  /** Index after its last character. */
  end: number;
  /** The token: header.payload.signature (or header.payload when `minParts` is 2 and that is all there is). */
  token: string;
}

export interface JwtScanOptions {
  /** Stop after this many hits (default 50). */
  maxHits?: number;
  /** Scan only from this index (default 0). A run cut by this bound is not reported. */
  from?: number;
  /** Scan only up to this index (default text.length). A run cut by this bound is not reported. */
  to?: number;
  /**
   * 3 (default): header.payload.signature, the signature may be empty. 2: a header and one
   * dot are enough ("looks like it holds a JWT").
   */
  minParts?: 2 | 3;
  /** The payload must start with "eyJ" too (a JSON payload), as in a JWS. Default false. */
  jsonPayload?: boolean;
  /** Shortest header (and, with jsonPayload, payload) accepted, "eyJ" included. Default 8. */
  minPartLength?: number;
}

export const DEFAULT_MAX_HITS = 50;

const DOT = 0x2e;

/** RUN[c] = 1 for a base64url character or a dot (ASCII only). */
const RUN = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  RUN[c] = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === DOT ? 1 : 0;
}

function isRunChar(c: number): boolean {
  return c < 128 && RUN[c] === 1;
}

function startsWithEyJ(text: string, i: number, end: number): boolean {
  return i + 3 <= end && text.charCodeAt(i) === 0x65 /* e */ && text.charCodeAt(i + 1) === 0x79 /* y */ && text.charCodeAt(i + 2) === 0x4a /* J */;
}

/** End of the dot-free part that starts at `i` (the index of the next dot, or `end`). */
function partEnd(text: string, i: number, end: number): number {
  while (i < end && text.charCodeAt(i) !== DOT) i++;
  return i;
}

/**
 * The JWT-shaped strings in `text`, in order, at most `maxHits`. Linear in the scanned length;
 * never throws (a non-string gives no hits).
 */
export function findJwtsInText(text: string, opts: JwtScanOptions = {}): JwtHit[] {
  const hits: JwtHit[] = [];
  if (typeof text !== 'string') return hits;
  const maxHits = opts.maxHits ?? DEFAULT_MAX_HITS;
  const minParts = opts.minParts ?? 3;
  const minLen = Math.max(3, opts.minPartLength ?? 8);
  const from = Math.max(0, Math.min(text.length, opts.from ?? 0));
  const to = Math.max(from, Math.min(text.length, opts.to ?? text.length));
  let i = from;
  while (i < to && hits.length < maxHits) {
    // Skip to the next run.
    while (i < to && !isRunChar(text.charCodeAt(i))) i++;
    if (i >= to) break;
    const runStart = i;
    while (i < to && isRunChar(text.charCodeAt(i))) i++;
    const runEnd = i;
    // A run cut by the window is not a whole token: reporting its visible part would be wrong.
    if ((runStart === from && from > 0 && isRunChar(text.charCodeAt(from - 1)))
      || (runEnd === to && to < text.length && isRunChar(text.charCodeAt(to)))) continue;
    scanRun(text, runStart, runEnd, minParts, minLen, opts.jsonPayload === true, maxHits, hits);
  }
  return hits;
}

/** Walks the dot-separated parts of one run; each part is read at most three times. */
function scanRun(text: string, start: number, end: number, minParts: 2 | 3, minLen: number, jsonPayload: boolean, maxHits: number, hits: JwtHit[]): void {
  let p = start;
  while (p < end && hits.length < maxHits) {
    const e0 = partEnd(text, p, end);
    if (e0 < end && e0 - p >= minLen && startsWithEyJ(text, p, e0)) {
      const p1 = e0 + 1;
      const e1 = partEnd(text, p1, end);
      const payloadOk = !jsonPayload || (e1 - p1 >= minLen && startsWithEyJ(text, p1, e1));
      if (payloadOk && e1 < end) {
        const e2 = partEnd(text, e1 + 1, end);
        hits.push({ start: p, end: e2, token: text.slice(p, e2) });
        p = e2 + 1;
        continue;
      }
      if (payloadOk && minParts === 2) {
        hits.push({ start: p, end: e1, token: text.slice(p, e1) });
        p = e1 + 1;
        continue;
      }
    }
    p = e0 + 1;
  }
}

/** True when `text` holds something JWT-shaped (a part starting with "eyJ" and a dot after it). */
export function containsJwt(text: string, opts: Omit<JwtScanOptions, 'maxHits'> = {}): boolean {
  return findJwtsInText(text, { minParts: 2, ...opts, maxHits: 1 }).length > 0;
}

/** How far around a position jwtAt looks, each way (64 KB: a token up to that size is found). */
export const DEFAULT_AT_RADIUS = 64 * 1024;

/**
 * The JWT (header and payload both JSON) under index `at` of `line`, looking at most `radius`
 * characters each way: only the run of token characters around the position is scanned, so a
 * hover costs the same on a 10 MB line as on a short one. A run longer than the window gives
 * no hit (its visible part would be a wrong token). `at` may be just after the token's end.
 */
export function jwtAt(line: string, at: number, radius = DEFAULT_AT_RADIUS): JwtHit | undefined {
  if (typeof line !== 'string') return undefined;
  let pos = Math.max(0, Math.min(at, line.length));
  if ((pos >= line.length || !isRunChar(line.charCodeAt(pos))) && pos > 0 && isRunChar(line.charCodeAt(pos - 1))) pos--;
  if (pos >= line.length || !isRunChar(line.charCodeAt(pos))) return undefined;
  const lo = Math.max(0, pos - radius);
  const hi = Math.min(line.length, pos + radius);
  let start = pos;
  while (start > lo && isRunChar(line.charCodeAt(start - 1))) start--;
  let end = pos;
  while (end < hi && isRunChar(line.charCodeAt(end))) end++;
  if ((start === lo && lo > 0 && isRunChar(line.charCodeAt(lo - 1))) || (end === hi && hi < line.length && isRunChar(line.charCodeAt(hi)))) return undefined;
  return findJwtsInText(line, { jsonPayload: true, from: start, to: end, maxHits: Number.MAX_SAFE_INTEGER }).find((j) => at >= j.start && at <= j.end);
}
