/**
 * Teardown (issue 10): removes what a setup made, as one plan of the one plan model.
 *
 *   const plan = await planTeardown({ config, include });          // reads only
 *   formatTeardownPlan(plan);                                      // show it
 *   const out = await applyTeardown({ config, include }, plan);    // re-plans; newPlan if it changed
 *
 *   planPoolTeardown({ poolId, aws }) / applyPoolTeardown(...)     // the same from a tagged pool (the tree)
 *
 * No SDK is loaded by importing this module.
 */
export * from './types';
export { applyPoolTeardown, applyTeardown, CALLBACK_NOTE, planPoolTeardown, planTeardown, RS256_NOTE, validateIncludes } from './teardown';
export { formatTeardownOutcome, formatTeardownPlan } from './format';
