/**
 * Lazy chunk dist/chunks/token.js: the JWT scanner and decoder (and the hover's text). Loaded by
 * the hover/CodeLens on the first line holding "eyJ", and by the inspector and the wizard.
 */
export { containsJwt, findJwtsInText, jwtAt } from '../token/scan';
export { MAX_DECODE_LENGTH, decodeToken, normalizeTokenInput } from '../token/decode';
export { describeToken } from '../token/describe';
export { describeJwt, tokenHoverMarkdown } from '../../shared/tokenHover';
