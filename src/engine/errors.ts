/**
 * Every failure the engine reports is an EngineError: a sentence saying what went wrong,
 * and a hint saying what to do about it. Callers (CLI, VS Code layer) show both and never
 * a stack trace.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'DNS'
  | 'REFUSED'
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'TLS'
  | 'CANCELLED'
  | 'HTTP'
  | 'CA_FILE'
  | 'AWS'
  | 'AUTH0'
  | 'INTERNAL';

/**
 * The brand every EngineError carries. Each lazy chunk (dist/chunks/*.js) bundles its own copy
 * of this module, so an error thrown inside a chunk is not an `instanceof` the EngineError class
 * of extension.js or cli.js. `Symbol.for` is shared by every bundle in the process, so the brand
 * is how any copy recognises an engine error: use `isEngineError`, never `instanceof EngineError`.
 */
export const ENGINE_ERROR_BRAND: unique symbol = Symbol.for('auth0-cognito-bridge.EngineError');

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'INVALID_INPUT', 'DNS', 'REFUSED', 'UNREACHABLE', 'TIMEOUT', 'TLS', 'CANCELLED', 'HTTP', 'CA_FILE', 'AWS', 'AUTH0', 'INTERNAL',
]);

export class EngineError extends Error {
  readonly [ENGINE_ERROR_BRAND] = true;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint = '',
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/**
 * True for an EngineError made by any bundle's copy of this module (lazy chunk, extension, CLI).
 * Recognised by the shared brand; the shape (an Error with a known code and a string hint) must
 * hold too, so a stray object carrying the symbol is not taken for one.
 */
export function isEngineError(e: unknown): e is EngineError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Partial<Record<typeof ENGINE_ERROR_BRAND, unknown>> & { code?: unknown; hint?: unknown; message?: unknown };
  return o[ENGINE_ERROR_BRAND] === true && typeof o.code === 'string' && ERROR_CODES.has(o.code)
    && typeof o.hint === 'string' && typeof o.message === 'string';
}

export function isCancelled(e: unknown): boolean {
  return isEngineError(e) && e.code === 'CANCELLED';
}

export function cancelledError(): EngineError {
  return new EngineError('CANCELLED', 'Cancelled.', 'Nothing more was done after the cancellation; run it again when ready.');
}

/** Throws the engine's CANCELLED error if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}

/** Races a (shared, e.g. memoised) promise against the caller's signal (the promise itself is not cancelled). */
export function withSignal<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(cancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}

/** An AWS "does not exist" error (IAM NoSuchEntity, Cognito ResourceNotFoundException) as the AWS chunk reports it. */
export function isNotFound(e: unknown): boolean {
  return isEngineError(e) && /\b(NoSuchEntity(Exception)?|ResourceNotFoundException)\b/.test(e.message);
}

/**
 * Turns a Node network error on a connection to `where` (host:port) into an EngineError.
 * Anything already an EngineError passes through.
 */
export function networkError(e: unknown, where: string): EngineError {
  if (isEngineError(e)) return e;
  const err = e as NodeJS.ErrnoException & { reason?: string };
  const code = err?.code ?? '';
  const host = where.replace(/:\d+$/, '');
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new EngineError('DNS', `The host name ${host} does not resolve.`,
        'Check the spelling of the domain (for Auth0: TENANT.auth0.com, TENANT.REGION.auth0.com or your custom domain) and your network or proxy.');
    case 'ECONNREFUSED':
      return new EngineError('REFUSED', `${where} refused the connection.`,
        'Check the host and port: nothing accepts HTTPS connections there.');
    case 'ECONNRESET':
      return new EngineError('UNREACHABLE', `${where} closed the connection during the TLS handshake.`,
        'The server may not speak HTTPS on this port, or a firewall or proxy cut the connection.');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new EngineError('UNREACHABLE', `${where} cannot be reached from this machine (${code}).`,
        'Check your network connection, VPN or proxy.');
    case 'ETIMEDOUT':
      return new EngineError('TIMEOUT', `${where} did not answer in time.`,
        'Check the host and your network; raise the timeout setting if the network is slow.');
    default:
      break;
  }
  const message = String(err?.message ?? e);
  if (/ssl|tls|certificate|handshake|wrong version number|alert/i.test(message) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    const plain = /wrong version number|packet length too long|http request/i.test(message)
      ? 'The server at that port does not speak TLS (is it plain HTTP?).'
      : `The TLS handshake with ${where} failed: ${message.replace(/^.*?:error:[0-9A-F]+:/i, '').trim()}`;
    return new EngineError('TLS', plain, 'Check that the host serves HTTPS on that port. Behind a TLS-inspecting proxy, add its CA in the "extra CA certificates" setting.');
  }
  return new EngineError('UNREACHABLE', `Could not connect to ${where}: ${message}`, 'Check the host and your network.');
}

/** A one-paragraph text for anything thrown: message, then the hint. */
export function describeError(e: unknown): { message: string; hint: string; code: ErrorCode } {
  if (isEngineError(e)) return { message: e.message, hint: e.hint, code: e.code };
  const msg = e instanceof Error ? e.message : String(e);
  return { message: `Unexpected error: ${msg}`, hint: 'Please report this with the log output.', code: 'INTERNAL' };
}
