/** Lazy chunk dist/chunks/fixes.js: the preflight's fixes, each a plan (../fixes.ts). */
export { applyFix, planFix } from '../fixes';
