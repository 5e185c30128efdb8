/**
 * Lazy chunk: everything that imports the AWS SDK. Bundled to dist/chunks/aws.js and
 * required on first use through loadAws() in ../aws.ts.
 */
import { IAMClient, ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type AwsConfig, validateAwsConfig } from '../aws';
import { EngineError, cancelledError } from '../errors';
import { httpsAgent } from '../trust';

export interface AwsClients {
  iam: IAMClient;
  cognito: CognitoIdentityClient;
  sts: STSClient;
  config: AwsConfig;
}

export function createAwsClients(cfg: AwsConfig): AwsClients {
  validateAwsConfig(cfg);
  const common = {
    region: cfg.region,
    endpoint: cfg.endpoint,
    maxAttempts: 3,
    credentials: cfg.credentials ?? (cfg.profile ? fromIni({ profile: cfg.profile }) : fromNodeProviderChain()),
    requestHandler: new NodeHttpHandler({
      httpsAgent: httpsAgent(cfg.trust),
      connectionTimeout: cfg.timeoutMs ?? 15_000,
      requestTimeout: cfg.timeoutMs ?? 15_000,
    }),
  };
  return {
    iam: new IAMClient(common),
    cognito: new CognitoIdentityClient(common),
    sts: new STSClient(common),
    config: cfg,
  };
}

/** Turns an AWS SDK error into an EngineError whose hint names the fix. */
export function awsError(e: unknown, action: string, cfg: AwsConfig): EngineError {
  if (e instanceof EngineError) return e;
  const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = err?.name ?? '';
  const msg = err?.message ?? String(e);
  const profile = cfg.profile ? `profile "${cfg.profile}"` : 'the default credential chain';
  if (name === 'AbortError') return cancelledError();
  switch (name) {
    case 'CredentialsProviderError':
      return new EngineError('AWS', `No AWS credentials found for ${profile}: ${msg}`,
        cfg.profile ? `Run "aws configure --profile ${cfg.profile}" (or "aws sso login --profile ${cfg.profile}" for SSO), or pick another profile.` : 'Run "aws configure", set AWS_PROFILE, or pick a profile in the settings.');
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'TokenRefreshRequired':
      return new EngineError('AWS', `The AWS credentials of ${profile} have expired.`, 'Refresh them (for SSO: "aws sso login") and try again.');
    case 'InvalidClientTokenId':
    case 'UnrecognizedClientException':
    case 'SignatureDoesNotMatch':
      return new EngineError('AWS', `AWS rejected the credentials of ${profile} (${name}).`, 'Check the access key and secret of that profile, or pick another profile.');
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'NotAuthorizedException':
      return new EngineError('AWS', `AWS denied ${action}: ${msg}`, 'Grant the missing permission named above to your IAM user or role, or use a profile that has it.');
    default:
      break;
  }
  const code = err?.code ?? '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(code) || name === 'TimeoutError') {
    return new EngineError('UNREACHABLE', `Could not reach AWS for ${action}${cfg.endpoint ? ` at ${cfg.endpoint}` : ''} (${code || name}).`,
      cfg.endpoint ? 'Check the AWS endpoint setting: nothing answers there.' : 'Check your network or proxy.');
  }
  return new EngineError('AWS', `AWS ${action} failed: ${name ? `${name}: ` : ''}${msg}`, 'See the message from AWS above; the log has details.');
}

async function call<T>(cfg: AwsConfig, action: string, signal: AbortSignal | undefined, fn: (opts: { abortSignal?: AbortSignal }) => Promise<T>): Promise<T> {
  if (signal?.aborted) throw cancelledError();
  try {
    return await fn(signal ? { abortSignal: signal } : {});
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    throw awsError(e, action, cfg);
  }
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** STS GetCallerIdentity: who the configured credentials are. */
export async function getCallerIdentity(clients: AwsClients, signal?: AbortSignal): Promise<CallerIdentity> {
  const r = await call(clients.config, 'sts:GetCallerIdentity', signal, (o) => clients.sts.send(new GetCallerIdentityCommand({}), o));
  return { account: r.Account ?? '', arn: r.Arn ?? '', userId: r.UserId ?? '' };
}

/** IAM ListOpenIDConnectProviders: the ARNs of the account's OIDC providers. */
export async function listOidcProviderArns(clients: AwsClients, signal?: AbortSignal): Promise<string[]> {
  const r = await call(clients.config, 'iam:ListOpenIDConnectProviders', signal, (o) => clients.iam.send(new ListOpenIDConnectProvidersCommand({}), o));
  return (r.OpenIDConnectProviderList ?? []).map((p) => p.Arn ?? '').filter(Boolean);
}
