/**
 * Lazy chunk: jose (signature verification). Bundled to dist/chunks/jose.js and required on
 * the first verification through ../token/jwks.ts. jose is ESM-only, hence the dynamic import
 * (esbuild bundles it into this chunk; under tsx it is a real dynamic import).
 */
export const loadJose = () => import('jose');
