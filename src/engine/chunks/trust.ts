/** Lazy chunk dist/chunks/trust.js: reading the extra CA certificate files (../trust.ts). */
export { loadCaFiles } from '../trust';
