/**
 * Lazy chunk: jose (signature verification). The entry file of dist/chunks/jose.js, required
 * on the first verification through ./jwks.ts. jose is ESM-only, hence the dynamic import
 * (esbuild bundles it into this chunk; under tsx it is a real dynamic import).
 */
export const loadJose = () => import('jose');
