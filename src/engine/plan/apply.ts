/**
 * The one apply loop for every plan (setup steps, fixes, resource actions, the callback URL).
 *
 *   const outcome = await applyPlanned(shown, () => build(subject), { signal, unit: 'step', retry: 'Planning again' });
 *
 * applyPlanned plans again (reads only), then:
 *  - already done -> no call, ok, says so;
 *  - manual only (no call to make) -> no call, not ok, the manual text;
 *  - other calls needed than the shown plan's (the state changed meanwhile) -> no call, not ok,
 *    `newPlan` (every host shows it the same way: PLAN_CHANGED_QUESTION);
 *  - else makes the calls of the fresh plan in order, stopping at the first failure: the outcome
 *    says what was done, what was not, and the error with its hint.
 * It throws only when planning again throws (nothing was changed then).
 *
 * Importing this file loads no SDK.
 */
import { cancelledError, describeError, isCancelled } from '../errors';
import { canonicalJson, type Executable, type Outcome, type Plan, type PlanStep } from './model';

/** What a host asks when applying returned a new plan (the one place this is worded). */
export const PLAN_CHANGED_QUESTION = 'This changed since the plan was shown; here is the new plan. Apply?';

/** The outcome's message then. */
export const PLAN_CHANGED_MESSAGE = 'Nothing was changed: the current state differs from when the plan was made, so other calls are needed. Review the new plan and apply it.';

export interface ApplyOptions<S, State> {
  signal?: AbortSignal | undefined;
  /** What a failure message calls one call: "(step 2 of 3, iam:CreateRole)". Default 'step'. */
  unit?: 'step' | 'call';
  /** How the user continues after a half-done apply: "<retry> continues from there." */
  retry?: string;
  /** Rewrites a failure before it is described (e.g. "deleted after the plan was made?"). */
  explain?: (e: unknown) => unknown;
  /** What the calls learn for the calls after them (ARNs AWS returned); fresh object when absent. */
  state?: State;
  /** The plan to show when the state changed, when it differs from the re-plan made for applying (e.g. with more checks). */
  planToShow?: () => Promise<Plan<S>>;
}

/** Applies `shown` (see the top of this file). `replan` re-reads the state and returns the plan with its steps. */
export async function applyPlanned<S, State = Record<string, unknown>>(
  shown: Plan<S>,
  replan: () => Promise<Executable<S, State>>,
  options: ApplyOptions<S, State> = {},
): Promise<Outcome<S>> {
  if (options.signal?.aborted) throw cancelledError();
  const fresh = await replan();
  if (fresh.plan.alreadyDone) {
    return { ok: true, done: [], notDone: [], writeCalls: 0, alreadyDone: true, message: `Nothing to do, nothing was changed: ${fresh.plan.summary}` };
  }
  if (fresh.steps.length === 0) {
    return { ok: false, done: [], notDone: [fresh.plan.summary], writeCalls: 0, message: fresh.plan.manual ?? fresh.plan.summary };
  }
  if (canonicalJson(shown.calls) !== canonicalJson(fresh.plan.calls)) {
    return {
      ok: false,
      done: [],
      notDone: fresh.steps.map((s) => s.pending),
      writeCalls: 0,
      message: PLAN_CHANGED_MESSAGE,
      newPlan: options.planToShow ? await options.planToShow() : fresh.plan,
    };
  }
  return runSteps(fresh.steps, options.state ?? ({} as State), options);
}

/** Makes the calls in order, stopping at the first failure. */
async function runSteps<S, State>(steps: ReadonlyArray<PlanStep<State>>, state: State, o: ApplyOptions<S, State>): Promise<Outcome<S>> {
  const done: string[] = [];
  let writeCalls = 0;
  for (const [i, step] of steps.entries()) {
    try {
      if (o.signal?.aborted) throw cancelledError();
      writeCalls++; // counted when made, whether it succeeds or not
      done.push(await step.run(state));
    } catch (err) {
      const d = describeError(o.explain ? o.explain(err) : err);
      const where = steps.length > 1 ? ` (${o.unit ?? 'step'} ${i + 1} of ${steps.length}, ${step.call.service}:${step.call.action})` : ` (${step.call.service}:${step.call.action})`;
      return {
        ok: false,
        done,
        notDone: steps.slice(i).map((s) => s.pending),
        writeCalls,
        error: d,
        message: `${isCancelled(err) ? 'Cancelled' : 'Failed'}${where}: ${d.message} ${d.hint} ${done.length ? `Done before that: ${done.join(' ')} ${o.retry ?? 'Applying again'} continues from there.` : 'Nothing was changed.'}`.trim(),
      };
    }
  }
  return { ok: true, done, notDone: [], writeCalls, message: done.join(' ') };
}
