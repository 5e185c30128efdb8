/**
 * Older import path, kept while the engine is reorganised: the preflight rules live in
 * ./token/preflight and the provider/issuer naming helpers in ./names. New code imports from
 * those modules directly.
 */
export * from './names';
export * from './token/preflight';
