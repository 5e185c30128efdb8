/** Lazy chunk dist/chunks/thumbprint.js: the IAM thumbprint of a host (TLS chain), its input and its text. */
export { computeThumbprint } from '../thumbprint';
export { parseHostInput } from '../target';
export { formatThumbprintText } from '../format';
