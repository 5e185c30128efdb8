/**
 * Bounds for anything that comes from outside (tokens, claims, config files, server answers):
 * how deep a JSON text nests, measured in one linear pass before it is parsed, and a copy of a
 * parsed value cut at a depth, so rendering, printing and posting to a webview cannot recurse
 * without end.
 */

import * as fs from 'node:fs/promises';

/** Deepest nesting most callers accept (claims, config files, policies). */
export const MAX_JSON_DEPTH = 32;

/**
 * The deepest nesting of `[` / `{` in a JSON text, ignoring brackets inside strings. One pass,
 * no allocation; stops counting once `stopAt` is exceeded (returns a value > stopAt).
 */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      if (depth > 0) depth--;
    }
  }
  return max;
}

/** The text shown in place of a value nested deeper than the limit. */
export function tooDeepMarker(max: number): string {
  return `[nested deeper than ${max} levels: not shown]`;
}

/**
 * A copy of `value` in which arrays and objects nested deeper than `max` levels are replaced by
 * a marker string. Iterative over siblings, recursive only up to `max`, so it cannot overflow
 * the stack. `cut` is set when something was replaced.
 */
export function limitDepth<T>(value: T, max = MAX_JSON_DEPTH): { value: T; cut: boolean } {
  let cut = false;
  const walk = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (depth >= max) {
      cut = true;
      return tooDeepMarker(max);
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    // fromEntries defines properties, so a "__proto__" claim stays a key and sets no prototype.
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x, depth + 1)]));
  };
  return { value: walk(value, 0) as T, cut };
}

/**
 * At most `max` + 1 bytes of `file` (one more than allowed tells "too large" from "exactly
 * max"), read in a bounded buffer: a path such as /dev/zero or a huge file cannot fill memory.
 */
export async function readFileAtMost(file: string, max: number): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}
