/**
 * How every host (the inspector's fixes, the Resources view's actions, the setup wizard) handles a
 * plan that changed between showing it and applying it: applying returned `newPlan` (nothing was
 * changed), so the new plan is shown with PLAN_CHANGED_QUESTION and applied only on "Apply".
 */
import * as vscode from 'vscode';
import type { Outcome, Plan } from '../engine/plan';
import { planEngine } from './load/plan';

/** Shows a new plan (the state moved after the first was shown); true when the user chose to apply it. */
export async function confirmChangedPlan(plan: Plan): Promise<boolean> {
  const apply = vscode.l10n.t('Apply');
  const { formatPlan, PLAN_CHANGED_QUESTION } = planEngine();
  const answer = await vscode.window.showWarningMessage(PLAN_CHANGED_QUESTION, { modal: true, detail: formatPlan(plan) }, apply);
  return answer === apply;
}

/**
 * Applies `plan` with `apply`; while the outcome carries a new plan (the state moved after the
 * plan was shown), shows it and applies it when the user says so (at most `rounds` times). The
 * last outcome comes back: with `newPlan` still set when the user did not apply it.
 */
export async function applyWithChangedPlanPrompt<S, O extends Outcome<S>>(plan: Plan<S>, apply: (p: Plan<S>) => Promise<O>, rounds = 3): Promise<O> {
  let out = await apply(plan);
  for (let i = 0; out.newPlan && i < rounds; i++) {
    if (!(await confirmChangedPlan(out.newPlan))) return out;
    out = await apply(out.newPlan);
  }
  return out;
}
