/** Lazy chunk dist/chunks/inspect.js: the token pipeline (signature, pool read, preflight) and the exchange. */
export { inspectToken } from '../token/inspect';
export { exchangeToken } from '../aws/exchange';
