/**
 * The teardown's plan and outcome as text (CLI, logs, confirmation dialogs): the one plan
 * formatter (../plan/format.ts) with what was found, and the notes even when nothing is left to
 * remove (a second run still says what it leaves alone and why).
 */
import { formatPlan, maskJwts } from '../plan';
import type { TeardownOutcome, TeardownPlan } from './types';

/** The plan: title, "Plan:", what it was built on, changes, calls, notes (left alone, Auth0). */
export function formatTeardownPlan(p: TeardownPlan): string {
  const text = formatPlan(p, { preconditions: true });
  // formatPlan shows only "Nothing to change." for a plan already done: the notes still matter.
  return p.alreadyDone ? maskJwts([text, ...p.warnings.map((w) => `Note: ${w}`)].join('\n')) : text;
}

/** The outcome: what was done, what was not, and the message (with the fix on failure). */
export function formatTeardownOutcome(o: TeardownOutcome): string {
  const lines: string[] = [];
  if (o.alreadyDone) {
    lines.push(o.message);
  } else {
    if (o.done.length) lines.push('Done:', ...o.done.map((d) => `- ${d}`));
    if (o.notDone.length) lines.push('Not done:', ...o.notDone.map((d) => `- ${d}`));
    if (!o.ok) lines.push(o.message);
  }
  return maskJwts(lines.join('\n'));
}
