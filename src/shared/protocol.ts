/**
 * Messages between the extension host and its webviews: both sides import this file.
 * Every message from a webview is untrusted input: the host checks it with the parse*
 * functions here before acting on it.
 */
import type { ThumbprintResult } from '../engine/thumbprint';
import type { DecodeResult } from '../engine/token';
import type { SignatureResult } from '../engine/jwks';
import type { PreflightReport, RuleId } from '../engine/preflight';
import type { ExchangeResult } from '../engine/preflightRead';

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

// ---- Token inspector ----


/** Everything the inspector view shows; the host owns it and posts it whole. */
export interface InspectorViewState {
  decoded: DecodeResult;
  signature: SignatureResult | { status: 'checking' } | undefined;
  /** The identity pool the preflight runs against (typed or picked). */
  poolId: string;
  preflight: PreflightReport | undefined;
  /** What could not be read about the target (each a sentence). */
  notes: string[];
  /** Which target the report is for: 'token only' or the pool id. */
  reportTarget: string | undefined;
  exchange: (ExchangeResult & { agreesWithPrediction: boolean; prediction: string | undefined }) | undefined;
  /** Results of applied fixes, by rule. */
  fixes: Partial<Record<RuleId, { ok: boolean; message: string }>>;
  /** What the host is doing now (progress), if anything. */
  busy: string | undefined;
  error: { message: string; hint: string } | undefined;
}

/** Host -> webview */
export type InspectorHostMessage = { type: 'state'; state: InspectorViewState };

/** Webview -> host */
export type InspectorViewMessage =
  | { type: 'ready' }
  | { type: 'runPreflight'; poolId: string }
  | { type: 'pickPool' }
  | { type: 'applyFix'; ruleId: RuleId }
  | { type: 'exchange' }
  | { type: 'copy'; field: 'header' | 'claims' | 'report' }
  | { type: 'inspectAnother' };

const RULE_ID = /^[a-z]+(\.[a-zA-Z]+){1,3}$/;

export function parseInspectorViewMessage(m: unknown): InspectorViewMessage | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'pickPool':
    case 'exchange':
    case 'inspectAnother':
      return { type: o.type };
    case 'runPreflight':
      return typeof o.poolId === 'string' && o.poolId.length <= 200 ? { type: 'runPreflight', poolId: o.poolId } : undefined;
    case 'applyFix':
      return typeof o.ruleId === 'string' && RULE_ID.test(o.ruleId) ? { type: 'applyFix', ruleId: o.ruleId as RuleId } : undefined;
    case 'copy':
      return o.field === 'header' || o.field === 'claims' || o.field === 'report' ? { type: 'copy', field: o.field } : undefined;
    default:
      return undefined;
  }
}
