/**
 * Messages between the extension host and its webviews: both sides import this file.
 * Every message from a webview is untrusted input: the host checks it with the parse*
 * functions here before acting on it.
 */
import type { ThumbprintResult } from '../engine/thumbprint';

// ---- Thumbprint result view ----

/** Host -> webview */
export type ThumbprintHostMessage =
  | { type: 'show'; result: ThumbprintResult }
  | { type: 'copied'; label: string }
  | { type: 'copyFailed'; label: string };

/** Webview -> host */
export type ThumbprintViewMessage =
  | { type: 'ready' }
  | { type: 'copy'; field: 'thumbprint' | 'report' }
  | { type: 'copy'; field: 'sha1' | 'sha256' | 'pem'; index: number }
  | { type: 'recompute' };

export function parseThumbprintViewMessage(m: unknown): ThumbprintViewMessage | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'recompute':
      return { type: o.type };
    case 'copy':
      if (o.field === 'thumbprint' || o.field === 'report') return { type: 'copy', field: o.field };
      if ((o.field === 'sha1' || o.field === 'sha256' || o.field === 'pem') && Number.isInteger(o.index) && (o.index as number) >= 0 && (o.index as number) < 20) {
        return { type: 'copy', field: o.field, index: o.index as number };
      }
      return undefined;
    default:
      return undefined;
  }
}
