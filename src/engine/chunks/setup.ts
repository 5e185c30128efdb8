/** Lazy chunk dist/chunks/setup.js: the wizard's engine (setup steps, field checks, sign-in). */
export { SETUP_STEPS, createSetupCache, inspectAll, setupStep, snippets } from '../setup';
export { checkSetupFields } from '../setup/fields';
export { CALLBACK_URL_TITLE, SignInError, applyAddCallbackUrl, planAddCallbackUrl, startSignIn } from '../signin';
