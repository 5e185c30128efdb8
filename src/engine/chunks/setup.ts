/** Lazy chunk dist/chunks/setup.js: the wizard's engine (setup steps, field checks, sign-in). */
export { SETUP_STEPS, createSetupCache, inspectAll, setupStep, snippets } from '../setup';
export { checkSetupFields } from '../setup/fields';
export { CALLBACK_URL_TITLE, SignInError, applyAddCallbackUrl, planAddCallbackUrl, startSignIn } from '../signin';
// Setup as code (issue 10): the export and the teardown of the wizard's setup (and of a tagged pool, from the tree).
export { EXPORT_FORMAT_INFO, exportSetup } from '../export';
export { applyPoolTeardown, applyTeardown, formatTeardownOutcome, formatTeardownPlan, planPoolTeardown, planTeardown } from '../teardown';
// Roles by user (issue 13): the prediction the wizard shows for the current token, and the checks of what the user adds.
export { MATCH_TYPES, predictRole, roleMappingProblems } from '../aws/roleMapping';
export { DEFAULT_OIDC_PRINCIPAL_TAGS, predictSessionTags } from '../aws/principalTags';
export { auth0ClaimsActionCode } from '../setup/snippets';
