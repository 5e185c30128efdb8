/**
 * The setup wizard's engine (issue 4): the guide's steps, each with inspect / plan / apply, and
 * helpers that run them in order with the outputs of earlier steps flowing into later ones.
 *
 *   const ctx = { config, management, trust, cache: createSetupCache() };
 *   const { reviews } = await planAll(ctx);    // every step's inspection and plan (reads only)
 *   const run = await applyAll(ctx);           // plans and applies step by step, stops at the first failure
 *   snippets(config, run.outputs);             // code for the app
 *
 * No SDK is loaded by importing this module: the AWS and auth0 chunks are required on first use.
 */
import { describeError, isCancelled, type ErrorCode } from '../errors';
import { auth0AppStep } from './auth0App';
import { authenticatedRoleStep } from './authenticatedRole';
import { connectionsStep } from './connections';
import { createSetupCache, RunReads } from './cache';
import { identityPoolStep } from './identityPool';
import { oidcProviderStep } from './oidcProvider';
import { roleMappingsStep } from './roleMappings';
import { tryItStep } from './tryIt';
import type { SetupContext, SetupOutputs, SetupStep, StepId, StepInspection, StepOutcome, StepReview } from './types';

export * from './types';
export { createSetupCache, SetupCache, RunReads } from './cache';
export { validateSetupConfig, providerKey, issuerMatchesDomain } from './core';
export { snippets, type Snippets } from './snippets';
export { MINIMAL_PERMISSIONS_POLICY, MINIMAL_POLICY_NAME } from './authenticatedRole';
export { SETUP_TAG_KEY, setupName, setupTags, taggedSetup, isTaggedFor, iamTags, tagValue } from './tags';
export { formatInspection, formatOutcome, maskJwts } from './format';
export { formatPlan } from '../plan';
// Issue 13: the optional "Roles by user" step (not in SETUP_STEPS yet) and its pure helpers.
export { roleMappingsStep, ROLE_MAPPINGS_STEP_ID, ROLE_MAPPINGS_TITLE, type RoleMappingsStep } from './roleMappings';
export {
  predictRole, evaluateRule, roleMappingProblems, validateRoleMapping, describeRoleMapping, rolesOfMapping, ambiguousDenyError,
  MATCH_TYPES, AMBIGUOUS_ROLE_RESOLUTIONS, ROLE_MAPPING_LIMITS,
  type RoleMappingConfig, type MappingRule, type MatchType, type AmbiguousRoleResolution, type RolePrediction, type RuleEvaluation, type FieldProblem,
} from '../aws/roleMapping';
export {
  predictSessionTags, principalTagProblems, validatePrincipalTags, effectiveTagMap, tagsMapped, DEFAULT_OIDC_PRINCIPAL_TAGS, PRINCIPAL_TAG_LIMITS,
  type PrincipalTagsConfig, type SessionTagPrediction, type SessionTag,
} from '../aws/principalTags';

/** The steps in order. */
export const SETUP_STEPS: readonly SetupStep[] = [connectionsStep, auth0AppStep, oidcProviderStep, identityPoolStep, authenticatedRoleStep, roleMappingsStep, tryItStep];

export function setupStep(id: StepId): SetupStep {
  const s = SETUP_STEPS.find((x) => x.id === id);
  if (!s) throw new Error(`unknown setup step ${id}`);
  return s;
}

export interface StepFailure {
  step: StepId;
  title: string;
  code: ErrorCode;
  message: string;
  /** What to do. */
  hint: string;
}

/** The context of one run: the session's cache, and the run's own reads (each AWS read made once per run). */
function withShared(ctx: SetupContext): SetupContext {
  return { ...ctx, cache: ctx.cache ?? createSetupCache(), reads: new RunReads() };
}

function stepsFor(ctx: SetupContext, only: readonly StepId[] | undefined): SetupStep[] {
  return SETUP_STEPS.filter((s) => (only ? only.includes(s.id) : s.id !== 'tryIt' || Boolean(ctx.idToken?.trim())));
}

export interface InspectAllResult {
  inspections: StepInspection[];
  /** What exists, from all inspected steps. */
  outputs: SetupOutputs;
  /** The step whose status is 'error' (later steps were not inspected). */
  stoppedAt?: StepId | undefined;
}

/** Inspects the steps in order (tryIt too, as not-started without a token); stops after a step in 'error'. */
export async function inspectAll(ctx: SetupContext, only?: readonly StepId[]): Promise<InspectAllResult> {
  const shared = withShared(ctx);
  let outputs: SetupOutputs = { ...ctx.outputs };
  const inspections: StepInspection[] = [];
  for (const step of SETUP_STEPS.filter((s) => !only || only.includes(s.id))) {
    const ins = await step.inspect({ ...shared, outputs });
    inspections.push(ins);
    outputs = { ...outputs, ...ins.outputs };
    if (ins.status === 'error') return { inspections, outputs, stoppedAt: step.id };
  }
  return { inspections, outputs };
}

export interface PlanAllResult {
  ok: boolean;
  reviews: StepReview[];
  /** Outputs as they will be once applied (predicted ARNs; a new pool's id is unknown). */
  outputs: SetupOutputs;
  failed?: StepFailure | undefined;
}

/** Inspects and plans the steps in order (reads only); stops at the first step that cannot be planned. */
export async function planAll(ctx: SetupContext, only?: readonly StepId[]): Promise<PlanAllResult> {
  const shared = withShared(ctx);
  let outputs: SetupOutputs = { ...ctx.outputs };
  const reviews: StepReview[] = [];
  for (const step of SETUP_STEPS.filter((s) => !only || only.includes(s.id))) {
    const r = await step.review({ ...shared, outputs });
    reviews.push(r);
    outputs = { ...outputs, ...r.inspection.outputs, ...r.plan?.subject.outputs };
    if (r.error) return { ok: false, reviews, outputs, failed: { step: step.id, title: step.title, ...r.error } };
  }
  return { ok: true, reviews, outputs };
}

export interface ApplyAllResult {
  ok: boolean;
  outcomes: StepOutcome[];
  outputs: SetupOutputs;
  /** Write calls made by all steps (AWS and Auth0). */
  writeCalls: number;
  failed?: StepFailure | undefined;
}

/**
 * Plans and applies each step in order (tryIt only with an ID token), each against the state the
 * previous ones left; stops at the first failure, naming the step and the fix. Applying again
 * after a failure continues where it stopped; applying a finished setup makes no write call.
 */
export async function applyAll(ctx: SetupContext, only?: readonly StepId[]): Promise<ApplyAllResult> {
  const shared = withShared(ctx);
  let outputs: SetupOutputs = { ...ctx.outputs };
  const outcomes: StepOutcome[] = [];
  let writeCalls = 0;
  for (const step of stepsFor(ctx, only)) {
    const c = { ...shared, outputs };
    let outcome: StepOutcome;
    try {
      const plan = await step.plan(c);
      outcome = await step.apply(c, plan);
    } catch (e) {
      const d = describeError(e);
      return { ok: false, outcomes, outputs, writeCalls, failed: { step: step.id, title: step.title, ...d, message: isCancelled(e) ? `Cancelled at "${step.title}".` : d.message } };
    }
    outcomes.push(outcome);
    writeCalls += outcome.writeCalls;
    outputs = { ...outputs, ...outcome.outputs };
    if (!outcome.ok) {
      return {
        ok: false,
        outcomes,
        outputs,
        writeCalls,
        failed: { step: step.id, title: step.title, code: outcome.error?.code ?? 'INVALID_INPUT', message: outcome.error?.message ?? outcome.message, hint: outcome.error?.hint ?? outcome.message },
      };
    }
  }
  return { ok: true, outcomes, outputs, writeCalls };
}
