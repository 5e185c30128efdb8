/**
 * Plain-text renderings of the setup steps' inspections and outcomes (CLI, logs, "copy as text");
 * plans are rendered by the one plan formatter (../plan/format.ts). No step puts a token or a
 * secret into a sentence; as a last guard, anything that looks like a JWT is replaced. (The
 * general redact() is not used: it would also mask words after "token:" in plain sentences.)
 */
import { formatPlan, maskJwts } from '../plan/format';
import type { StepInspection, StepOutcome, StepStatus } from './types';

export { maskJwts };

const STATUS: Record<StepStatus, string> = { 'not-started': 'NOT STARTED', done: 'DONE', 'needs-action': 'NEEDS ACTION', error: 'ERROR' };

export function formatInspection(i: StepInspection): string {
  const lines = [`[${STATUS[i.status]}] ${i.title}: ${i.summary}`];
  for (const f of i.found) lines.push(`  - ${f}`);
  const vals = Object.entries(i.values);
  if (vals.length) for (const [k, v] of vals) lines.push(`  ${k}: ${v}`);
  for (const p of i.problems) {
    lines.push(`  ${p.severity === 'error' ? 'ERROR' : 'WARNING'}: ${p.message}`);
    if (p.hint) lines.push(`    Fix: ${p.hint}`);
  }
  return maskJwts(lines.join('\n'));
}

export function formatOutcome(o: StepOutcome, title: string): string {
  const lines = [`${o.ok ? (o.alreadyDone ? 'UNCHANGED' : 'OK') : 'FAILED'} ${title} (${o.writeCalls} write call${o.writeCalls === 1 ? '' : 's'})`];
  for (const d of o.done) lines.push(`  done: ${d}`);
  if (!o.ok) {
    if (o.error) {
      lines.push(`  Error: ${o.error.message}`);
      if (o.error.hint) lines.push(`  Fix: ${o.error.hint}`);
    } else lines.push(`  ${o.message}`);
    for (const n of o.notDone) lines.push(`  not done: ${n}`);
    if (o.newPlan) lines.push(`  ${formatPlan(o.newPlan, { title: false, indent: '  ' }).replace(/\n/g, '\n  ')}`);
  } else if (o.alreadyDone) {
    lines.push(`  ${o.message}`);
  }
  if (o.result) {
    const r = o.result;
    lines.push(`  identity id: ${r.identityId}`, `  access key id: ${r.accessKeyIdMasked}${r.expiration ? `, expires ${r.expiration}` : ''}`, `  caller: ${r.callerArn ?? r.callerError ?? '?'}`);
    for (const n of r.notes) lines.push(`  note: ${n}`);
  }
  return maskJwts(lines.join('\n'));
}
