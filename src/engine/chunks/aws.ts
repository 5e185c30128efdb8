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

// ---------------------------------------------------------------------------------------------
// Preflight reads and the token exchange (issue 3). Used through ../preflightRead.ts.
// (Imports for this section are kept here so that the section can be appended to without
// touching the top of the file; import declarations are hoisted.)
import { GetOpenIDConnectProviderCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import {
  DescribeIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetIdentityPoolRolesCommand,
} from '@aws-sdk/client-cognito-identity';
import { mask } from '../redact';

export interface IdentityPoolDescription {
  poolId: string;
  poolName: string;
  allowUnauthenticated: boolean;
  /** undefined when the service does not return it (moto). */
  allowClassicFlow: boolean | undefined;
  openIdConnectProviderArns: string[];
  supportedLoginProviders: Record<string, string>;
}

/** cognito-identity:DescribeIdentityPool. */
export async function describeIdentityPool(clients: AwsClients, poolId: string, signal?: AbortSignal): Promise<IdentityPoolDescription> {
  const r = await call(clients.config, 'cognito-identity:DescribeIdentityPool', signal, (o) =>
    clients.cognito.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId }), o));
  return {
    poolId: r.IdentityPoolId ?? poolId,
    poolName: r.IdentityPoolName ?? '',
    allowUnauthenticated: r.AllowUnauthenticatedIdentities === true,
    allowClassicFlow: r.AllowClassicFlow,
    openIdConnectProviderArns: r.OpenIdConnectProviderARNs ?? [],
    supportedLoginProviders: r.SupportedLoginProviders ?? {},
  };
}

export interface OidcProviderDescription {
  arn: string;
  /** As IAM returns it: without https://. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
}

/** iam:GetOpenIDConnectProvider. */
export async function getOidcProvider(clients: AwsClients, arn: string, signal?: AbortSignal): Promise<OidcProviderDescription> {
  const r = await call(clients.config, 'iam:GetOpenIDConnectProvider', signal, (o) =>
    clients.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }), o));
  return { arn, url: r.Url ?? '', clientIds: r.ClientIDList ?? [], thumbprints: r.ThumbprintList ?? [] };
}

export interface IdentityPoolRoles {
  authenticated: string | undefined;
  unauthenticated: string | undefined;
  /** Providers with role mappings (rules or token-based roles). */
  roleMappingProviders: string[];
}

/** cognito-identity:GetIdentityPoolRoles. */
export async function getIdentityPoolRoles(clients: AwsClients, poolId: string, signal?: AbortSignal): Promise<IdentityPoolRoles> {
  const r = await call(clients.config, 'cognito-identity:GetIdentityPoolRoles', signal, (o) =>
    clients.cognito.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }), o));
  return {
    authenticated: r.Roles?.authenticated,
    unauthenticated: r.Roles?.unauthenticated,
    roleMappingProviders: Object.keys(r.RoleMappings ?? {}),
  };
}

export interface RoleTrust {
  arn: string;
  name: string;
  /** As IAM returns it: URL-encoded JSON. */
  assumeRolePolicyDocument: string;
}

/** iam:GetRole, by role ARN (any path) or name. */
export async function getRoleTrust(clients: AwsClients, roleArnOrName: string, signal?: AbortSignal): Promise<RoleTrust> {
  const name = roleArnOrName.includes(':role/') ? roleArnOrName.slice(roleArnOrName.lastIndexOf('/') + 1) : roleArnOrName;
  const r = await call(clients.config, 'iam:GetRole', signal, (o) => clients.iam.send(new GetRoleCommand({ RoleName: name }), o));
  return { arn: r.Role?.Arn ?? roleArnOrName, name, assumeRolePolicyDocument: r.Role?.AssumeRolePolicyDocument ?? '' };
}

/** Errors Cognito answers about the login itself: results of an exchange, not failures of the tool. */
const COGNITO_VERDICTS = new Set([
  'NotAuthorizedException',
  'InvalidParameterException',
  'ResourceNotFoundException',
  'InvalidIdentityPoolConfigurationException',
  'ExternalServiceException',
  'ResourceConflictException',
  'LimitExceededException',
  'TooManyRequestsException',
  'ValidationException',
]);

export type LoginExchange =
  | { ok: true; identityId: string; accessKeyIdMasked: string; expiration: string | undefined; hasSessionToken: boolean }
  | { ok: false; step: 'GetId' | 'GetCredentialsForIdentity'; errorName: string; message: string; identityId: string | undefined };

/**
 * cognito-identity:GetId then GetCredentialsForIdentity with the given Logins. Cognito's answer
 * about the token (NotAuthorizedException etc.) is a result; only tool problems (network,
 * credentials, unknown errors) throw. The secret key and session token never leave this function.
 */
export async function getIdAndCredentials(
  clients: AwsClients,
  input: { poolId: string; logins: Record<string, string>; accountId?: string | undefined },
  signal?: AbortSignal,
): Promise<LoginExchange> {
  const step = async <T>(
    name: 'GetId' | 'GetCredentialsForIdentity',
    identityId: string | undefined,
    fn: (o: { abortSignal?: AbortSignal }) => Promise<T>,
  ): Promise<T | LoginExchange> => {
    if (signal?.aborted) throw cancelledError();
    try {
      return await fn(signal ? { abortSignal: signal } : {});
    } catch (e) {
      if (signal?.aborted) throw cancelledError();
      const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      const status = err?.$metadata?.httpStatusCode ?? 0;
      if (err?.name && COGNITO_VERDICTS.has(err.name) && status >= 400 && status < 500) {
        return { ok: false, step: name, errorName: err.name, message: err.message ?? '', identityId };
      }
      throw awsError(e, `cognito-identity:${name}`, clients.config);
    }
  };
  const got = await step('GetId', undefined, (o) =>
    clients.cognito.send(new GetIdCommand({ IdentityPoolId: input.poolId, Logins: input.logins, ...(input.accountId ? { AccountId: input.accountId } : {}) }), o));
  if ('ok' in got) return got;
  const identityId = got.IdentityId ?? '';
  const creds = await step('GetCredentialsForIdentity', identityId, (o) =>
    clients.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: input.logins }), o));
  if ('ok' in creds) return creds;
  const c = creds.Credentials;
  return {
    ok: true,
    identityId: creds.IdentityId ?? identityId,
    accessKeyIdMasked: c?.AccessKeyId ? mask(c.AccessKeyId) : '',
    expiration: c?.Expiration ? c.Expiration.toISOString() : undefined,
    hasSessionToken: Boolean(c?.SessionToken),
  };
}

export * from './awsList';
