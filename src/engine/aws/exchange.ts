/**
 * The real Cognito exchange (GetId + GetCredentialsForIdentity) that confirms or refutes the
 * preflight's prediction, through the lazy AWS chunk.
 *
 * Importing this file loads no SDK: the chunk is required on the first call.
 */
import { loadAws, type AwsConfig } from './config';
import { awsEnv } from './env';
import { regionOfPoolId } from './names';
import type { AwsClients, LoginExchange } from './sdk';

export interface ExchangeOptions {
  aws: AwsConfig;
  clients?: AwsClients | undefined;
  poolId: string;
  /** The Logins key, e.g. 'tenant.auth0.com'. */
  loginsKey: string;
  /** The ID token (compact JWT). */
  token: string;
  accountId?: string | undefined;
  signal?: AbortSignal | undefined;
}

export type ExchangeResult = LoginExchange;

/**
 * The real exchange: GetId + GetCredentialsForIdentity with { [loginsKey]: token }. Returns the
 * identity id, the credentials' expiration and the masked access key id (never the secret), or
 * Cognito's verdict ({ ok: false, step, errorName, message }). Throws EngineErrors only for
 * problems of the tool itself (network, AWS credentials, cancellation).
 */
export async function exchangeToken(opts: ExchangeOptions): Promise<ExchangeResult> {
  const region = regionOfPoolId(opts.poolId);
  const clients = awsEnv(opts.aws, { clients: opts.clients }).clients(region);
  return loadAws().getIdAndCredentials(clients, { poolId: opts.poolId.trim(), logins: { [opts.loginsKey]: opts.token }, accountId: opts.accountId }, opts.signal);
}
