/**
 * The one plan model (issue 9): setup steps, the preflight's fixes, the Resources view's actions
 * and the sign-in helper's callback-URL change are all plans of this type.
 *
 * A plan is data: the calls that apply will make, in order (service, action, arguments with
 * secrets masked, read or write), what changes from -> to, what the plan was built on, what must
 * be done by hand, and warnings. What a plan is about (the fix, the setup step, the resource
 * action) is its typed `subject`; the model itself knows no domain.
 *
 *   plan   = build from the current state (reads only)        -> Plan<S>
 *   apply  = applyPlanned(plan, replan, options)  (./apply.ts) -> Outcome<S>
 *   show   = formatPlan(plan) / planJson(plan)    (./format.ts)
 *
 * Importing this file loads no SDK.
 */
import type { ErrorCode } from '../errors';
import { mask } from '../redact';

export type PlanService = 'iam' | 'cognito-identity' | 'sts' | 'auth0';

/** One call of a plan: the AWS action (or Auth0 Management API request) and its arguments, secrets masked. */
export interface PlanCall {
  service: PlanService;
  /** AWS action name (CreateOpenIDConnectProvider, UpdateIdentityPool, ...) or 'PATCH /api/v2/clients/{id}'. */
  action: string;
  params: Record<string, unknown>;
  /** 'write' changes something in the account or tenant; 'read' only looks. */
  access: 'read' | 'write';
}

/** What a plan changes: one setting, from its current value to the new one. */
export interface PlanChange {
  what: string;
  from: string;
  to: string;
}

export interface Plan<S = unknown> {
  /** What the plan is about: the fix, the setup step, the resource action (domain-typed). */
  subject: S;
  title: string;
  /** One sentence: what applying does, or (alreadyDone) why nothing is needed. */
  summary: string;
  /** From -> to, setting by setting (empty when nothing changes). */
  changes: PlanChange[];
  /** The calls apply makes, in order (empty when alreadyDone or manual only). */
  calls: PlanCall[];
  /** What the plan was built on: the state read before planning, one sentence each. */
  preconditions: string[];
  /** The current state already is what the plan would make: apply changes nothing. */
  alreadyDone: boolean;
  /** What must be done by hand (the extension cannot make it), exactly. */
  manual?: string | undefined;
  /** Things to know before applying (side effects, limits, missing permissions). */
  warnings: string[];
}

/** What applying a plan did. */
export interface Outcome<S = unknown> {
  ok: boolean;
  /** One paragraph: what happened, and on failure the fix. */
  message: string;
  /** What was done, one sentence per call made. */
  done: string[];
  /** What was planned and not done (after a failure, a changed plan, a manual step or a cancellation). */
  notDone: string[];
  /** Calls made (attempted) by this apply: 0 when nothing was needed or nothing was made. */
  writeCalls: number;
  /** Nothing was needed: the plan was already in place. */
  alreadyDone?: boolean | undefined;
  /** The failure, when a call failed. */
  error?: { code: ErrorCode; message: string; hint: string } | undefined;
  /** The state moved after the plan was shown: nothing was changed; show this plan instead (PLAN_CHANGED_QUESTION). */
  newPlan?: Plan<S> | undefined;
}

/** One planned call together with the code that makes it (the plan shows `call`, apply runs `run`). */
export interface PlanStep<State = unknown> {
  call: PlanCall;
  /** Sentence for notDone. */
  pending: string;
  /** Makes the call; returns the sentence for done. `state` carries what earlier calls learnt (ARNs). */
  run(state: State): Promise<string>;
}

/** A plan with the steps that carry it out, as builders return it. */
export interface Executable<S = unknown, State = unknown> {
  plan: Plan<S>;
  steps: ReadonlyArray<PlanStep<State>>;
}

/**
 * Masks string values under secret-looking keys. None of the AWS calls sends a secret; the Auth0
 * authorization is built already masked ("Bearer abcd…wxyz" or a description), never raw.
 */
export function maskParams(v: unknown, key = ''): unknown {
  if (typeof v === 'string') return /secret|password|credential|^(access|session|id)?_?token$|authorization/i.test(key) && !v.startsWith('Bearer ') ? mask(v) : v;
  if (Array.isArray(v)) return v.map((x) => maskParams(x));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskParams(x, k)]));
  return v;
}

/** A plan call with its parameters masked (secret-looking keys), as plans show them. */
export function planCall(service: PlanService, action: string, params: object, access: PlanCall['access'] = 'write'): PlanCall {
  return { service, action, params: maskParams(params) as Record<string, unknown>, access };
}

/** JSON with sorted keys: equality of plans and policies regardless of key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
