/**
 * Plain-text renderings of the setup steps (CLI, logs, "copy as text"). Plans are masked already
 * (maskParams) and no step puts a token or a secret into a sentence; as a last guard, anything
 * that looks like a JWT is replaced. (The general redact() is not used: it would also mask words
 * after "token:" in plain sentences.)
 */
import type { StepInspection, StepOutcome, StepPlan, StepStatus } from './types';

const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g;

/** Replaces anything that looks like a JWT with its length. */
export function maskJwts(text: string): string {
  return text.replace(JWT, (m) => `<jwt ${m.length} chars>`);
}

const STATUS: Record<StepStatus, string> = { 'not-started': 'NOT STARTED', done: 'DONE', 'needs-action': 'NEEDS ACTION', error: 'ERROR' };

function indent(text: string, by = '    '): string {
  return text.replace(/\n/g, `\n${by}`);
}

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

export function formatStepPlan(p: StepPlan): string {
  const lines = [`Plan: ${p.summary}`];
  if (p.changes.length) {
    lines.push('  Changes:');
    for (const c of p.changes) lines.push(`  - ${c.what}:`, `      from: ${indent(c.from, '            ')}`, `      to:   ${indent(c.to, '            ')}`);
  }
  if (p.calls.length) {
    lines.push('  Calls:');
    p.calls.forEach((c, n) => lines.push(`  ${n + 1}. ${c.service} ${c.action} ${JSON.stringify(c.params)}`));
  } else if (!p.manual) {
    lines.push('  No call to make.');
  }
  if (p.manual) lines.push('  To do by hand:', `    ${indent(p.manual)}`);
  for (const w of p.warnings) lines.push(`  Note: ${w}`);
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
