/** Lazy chunk dist/chunks/plan.js: the plan formatter (and the one plan model around it). */
export { formatPlan, PLAN_CHANGED_QUESTION } from '../plan';
