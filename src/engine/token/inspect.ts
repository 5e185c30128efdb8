/**
 * The token pipeline, once: decode -> signature (the issuer's JWKS) -> preflight -> read the
 * identity pool (when asked) -> preflight against it. Used by the inspector (src/vscode), the
 * CLI's inspect-token and the wizard's "Try it" step; each keeps only its presentation.
 *
 * Progress comes through `onProgress`, always in this order: 'decoded' (synchronously, before
 * any network), 'signature' (when it was checked), 'pool' (when the pool was read). Each event
 * carries the preflight report as far as it is known then, so a view can show it at once.
 *
 * Importing this file loads no SDK: the AWS SDK is required on first use (signatures use node:crypto).
 */
import type { AwsConfig } from '../aws/config';
import { regionOfPoolId } from '../aws/names';
import { readPoolTarget } from '../aws/readPool';
import type { AwsClients } from '../aws/sdk';
import { EngineError, describeError, isCancelled, throwIfAborted } from '../errors';
import type { TrustSettings } from '../trust';
import { decodeToken, type DecodeResult } from './decode';
import { verifySignature, type JwksCache, type SignatureResult } from './jwks';
import { runPreflight, type PoolTarget, type PreflightReport } from './preflight';

/** The identity pool to check against, with what the caller already knows about it. */
export interface InspectPool {
  /** REGION:GUID */
  poolId: string;
  /** Reuse these AWS clients (when their region is the pool's). */
  clients?: AwsClients | undefined;
  /** Use this role as the authenticated role instead of asking the pool. */
  authenticatedRoleArn?: string | undefined;
  /** The Logins key the app uses (default: derived from the provider URL). */
  loginsKey?: string | undefined;
}

export type InspectProgress =
  | { stage: 'decoded'; decoded: DecodeResult; report: PreflightReport }
  | { stage: 'signature'; signature: SignatureResult; report: PreflightReport }
  | { stage: 'pool'; target: PoolTarget; notes: string[]; report: PreflightReport };

export type InspectStage = InspectProgress['stage'];

export interface InspectTokenOptions {
  /** Check against this identity pool too (its id, or more). Omitted: the token alone. */
  pool?: string | InspectPool | undefined;
  /** How to reach AWS; needed with `pool`. Its region is replaced by the pool's. */
  aws?: (Omit<AwsConfig, 'region'> & { region?: string | undefined }) | undefined;
  /** Extra CA certificates for the issuer's discovery document and JWKS. */
  trust: TrustSettings | undefined;
  /** Timeout of the JWKS requests, in ms. */
  timeoutMs: number | undefined;
  /** Aborting it ends the inspection with the CANCELLED EngineError. */
  signal?: AbortSignal | undefined;
  /** JWKS cache (default: the process-wide one). */
  cache?: JwksCache | undefined;
  /** A signature check already made for this token: used as is, not made again. */
  signature?: SignatureResult | undefined;
  /** false: leave the signature unchecked when none is given (default true). */
  checkSignature?: boolean | undefined;
  /** The Auth0 application's client id, when known (sharpens the preflight's fixes). */
  clientId?: string | undefined;
  /** "Now" for the time rules (default: the clock). */
  now?: Date | number | undefined;
  onProgress?: ((progress: InspectProgress) => void) | undefined;
}

export interface TokenInspection {
  decoded: DecodeResult;
  /** undefined: not checked (the token does not decode, has no iss, or checkSignature was false). */
  signature: SignatureResult | undefined;
  /** The pool as read, when one was given and the token decodes. */
  target?: PoolTarget | undefined;
  /** What could not be read about the pool, and was left out (each a sentence). */
  notes: string[];
  /** The preflight with everything known at the end. */
  report: PreflightReport;
}

function poolOf(pool: InspectTokenOptions['pool']): InspectPool | undefined {
  if (pool === undefined) return undefined;
  return typeof pool === 'string' ? { poolId: pool } : pool;
}

/**
 * Inspects a token: `input` is pasted text (cleaned and decoded here) or a decode result.
 * Never throws for a bad token, bad keys or an unreachable issuer (those are in the result);
 * throws an EngineError for a pool that cannot be read (INVALID_INPUT for a malformed pool id,
 * AWS errors for DescribeIdentityPool), and CANCELLED when `signal` fires. The pool is read
 * only for a token that decodes, at the same time as its signature is checked.
 */
export async function inspectToken(input: string | DecodeResult, opts: InspectTokenOptions): Promise<TokenInspection> {
  const { signal, clientId, now, onProgress } = opts;
  throwIfAborted(signal);
  const decoded = typeof input === 'string' ? decodeToken(input, { now }) : input;
  // A stage's report is made only when onProgress shows it or it is the result (runPreflight is
  // pure: the same input gives the same report).
  if (!decoded.ok) {
    const report = runPreflight({ token: decoded, clientId, now });
    onProgress?.({ stage: 'decoded', decoded, report });
    return { decoded, signature: undefined, notes: [], report };
  }
  if (onProgress) onProgress({ stage: 'decoded', decoded, report: runPreflight({ token: decoded, clientId, now }) });

  const pool = poolOf(opts.pool);
  const iss = typeof decoded.claims.iss === 'string' ? decoded.claims.iss : undefined;
  let poolRead: ReturnType<typeof readPoolTarget> | undefined;
  if (pool) {
    if (!opts.aws) throw new EngineError('INTERNAL', 'inspectToken: a pool was given without an AWS configuration.', 'Please report this with the log output.');
    const region = regionOfPoolId(pool.poolId);
    poolRead = readPoolTarget({
      aws: { ...opts.aws, region },
      clients: pool.clients,
      poolId: pool.poolId,
      issuer: iss,
      authenticatedRoleArn: pool.authenticatedRoleArn,
      loginsKey: pool.loginsKey,
      signal,
    });
    // Awaited below, after the signature: keep a failure meanwhile from counting as unhandled.
    poolRead.catch(() => undefined);
  }

  let signature = opts.signature;
  let report: PreflightReport | undefined;
  if (!signature && iss && opts.checkSignature !== false) {
    signature = await verifySignature(decoded, { trust: opts.trust, timeoutMs: opts.timeoutMs, signal, cache: opts.cache }).catch((e: unknown): SignatureResult => {
      if (isCancelled(e)) throw e;
      const d = describeError(e);
      return { status: 'not-checked', message: d.message, hint: d.hint };
    });
    throwIfAborted(signal);
    if (onProgress) {
      report = runPreflight({ token: decoded, signature, clientId, now });
      onProgress({ stage: 'signature', signature, report });
    }
  }

  if (!poolRead) return { decoded, signature, notes: [], report: report ?? runPreflight({ token: decoded, signature, clientId, now }) };
  const { target, notes } = await poolRead;
  throwIfAborted(signal);
  const poolReport = runPreflight({ token: decoded, signature, target, clientId, now });
  onProgress?.({ stage: 'pool', target, notes, report: poolReport });
  return { decoded, signature, target, notes, report: poolReport };
}
