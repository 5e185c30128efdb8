/**
 * The one plan formatter: text (CLI, logs, confirmation dialogs) and JSON. Plans are masked
 * already (planCall); as a last guard, anything that looks like a JWT is replaced by its length.
 */
import type { Plan } from './model';

const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g;

/** Replaces anything that looks like a JWT with its length. */
export function maskJwts(text: string): string {
  return text.replace(JWT, (m) => `<jwt ${m.length} chars>`);
}

export interface FormatPlanOptions {
  /** Start with the plan's title (default true; false when the dialog shows it already). */
  title?: boolean;
  /** Indent every line after the "Plan:" line (the CLI nests plans under their step). Default ''. */
  indent?: string;
  /** List what the plan was built on (default false: the CLI shows the inspection right above it). */
  preconditions?: boolean;
}

/**
 * The plan as text:
 *
 *   <title>
 *   Plan: <summary>
 *   Built on:   - <precondition>          (with { preconditions: true })
 *   Changes:    - <what>: from / to
 *   Calls:      1. <service> <action> <params as JSON>   (or "No call to make.")
 *   To do by hand: <manual>
 *   Note: <warning>
 */
export function formatPlan(p: Plan, options: FormatPlanOptions = {}): string {
  const ind = options.indent ?? '';
  const body: string[] = [];
  const cont = (text: string, by: string) => text.replace(/\n/g, `\n${ind}${by}`);
  if (p.alreadyDone) {
    body.push('Nothing to change.');
  } else {
    if (options.preconditions && p.preconditions.length) body.push('Built on:', ...p.preconditions.map((c) => `- ${cont(c, '  ')}`));
    if (p.changes.length) {
      body.push('Changes:');
      for (const c of p.changes) body.push(`- ${c.what}:`, `    from: ${cont(c.from, '          ')}`, `    to:   ${cont(c.to, '          ')}`);
    }
    if (p.calls.length) {
      body.push('Calls:');
      p.calls.forEach((c, i) => body.push(`${i + 1}. ${c.service} ${c.action}${c.access === 'read' ? ' (read)' : ''} ${JSON.stringify(c.params)}`));
    } else if (!p.manual) {
      body.push('No call to make.');
    }
    if (p.manual) body.push('To do by hand:', `  ${cont(p.manual, '  ')}`);
    for (const w of p.warnings) body.push(`Note: ${cont(w, '  ')}`);
  }
  const lines = [...(options.title === false ? [] : [p.title]), `Plan: ${p.summary}`, ...body.map((l) => `${ind}${l}`)];
  return maskJwts(lines.join('\n'));
}

/** The plan as a JSON value (what --json prints): every field, masked. */
export function planJson<S>(p: Plan<S>): Plan<S> {
  return JSON.parse(maskJwts(JSON.stringify(p))) as Plan<S>;
}

/** The plan as JSON text. */
export function formatPlanJson(p: Plan, space = 2): string {
  return maskJwts(JSON.stringify(p, null, space));
}
