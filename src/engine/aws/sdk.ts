/**
 * Lazy chunk: everything that imports the AWS SDK (with ./sdkList.ts). The entry file of
 * dist/chunks/aws.js, required on first use through loadAws() in ./config.ts.
 */
import {
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
  PutRolePolicyCommand,
  ListRolePoliciesCommand,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  CognitoIdentityClient,
  SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand,
  CreateIdentityPoolCommand,
  type CognitoIdentityProvider,
  type RoleMapping,
  type UpdateIdentityPoolCommandInput,
} from '@aws-sdk/client-cognito-identity';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type AwsConfig, validateAwsConfig } from './config';
import { EngineError, cancelledError, isEngineError, isNotFound } from '../errors';
import { httpsAgent } from '../trust';

export interface AwsClients {
  iam: IAMClient;
  cognito: CognitoIdentityClient;
  sts: STSClient;
  config: AwsConfig;
}

/** Default for AwsConfig.timeoutMs (the auth0Cognito.network.timeoutSeconds setting, the CLI's --timeout). */
export const DEFAULT_AWS_TIMEOUT_MS = 15_000;
/** Attempts the SDK makes per call (throttling, 5xx, a reset connection), all within the call's deadline. */
export const AWS_MAX_ATTEMPTS = 3;

/** The timeout of one AWS call: the setting, or 15 s. */
export function awsTimeoutMs(cfg: AwsConfig): number {
  const t = cfg.timeoutMs;
  return typeof t === 'number' && Number.isFinite(t) && t > 0 ? t : DEFAULT_AWS_TIMEOUT_MS;
}

/**
 * The SDK clients. Every AWS call ends:
 *   - each attempt: the connection must open within the timeout, the answer's headers must arrive
 *     within the timeout (throwOnRequestTimeout: without it @smithy/node-http-handler v4 only logs
 *     a warning and waits for ever), and the socket may not sit idle longer than the timeout while
 *     the body arrives;
 *   - the whole call (credential lookup, every attempt, the back-off between them) has a deadline
 *     of the same timeout, enforced by send() below (the functions of this chunk all go through it).
 * So an AWS call made here takes at most timeoutMs (default 15 s), retries included.
 */
export function createAwsClients(cfg: AwsConfig): AwsClients {
  validateAwsConfig(cfg);
  const timeout = awsTimeoutMs(cfg);
  const common = {
    region: cfg.region,
    endpoint: cfg.endpoint,
    maxAttempts: AWS_MAX_ATTEMPTS,
    credentials: cfg.credentials ?? (cfg.profile ? fromIni({ profile: cfg.profile }) : fromNodeProviderChain()),
    requestHandler: new NodeHttpHandler({
      httpsAgent: httpsAgent(cfg.trust),
      connectionTimeout: timeout,
      requestTimeout: timeout,
      throwOnRequestTimeout: true,
      socketTimeout: timeout,
    }),
  };
  return {
    iam: new IAMClient(common),
    cognito: new CognitoIdentityClient(common),
    sts: new STSClient(common),
    config: cfg,
  };
}

const SERVICE_NAMES: Record<string, string> = { iam: 'IAM', sts: 'STS', 'cognito-identity': 'Cognito Identity' };

/** 'iam:ListOpenIDConnectProviders' -> 'IAM ListOpenIDConnectProviders'. */
export function describeAction(action: string): string {
  const i = action.indexOf(':');
  if (i < 0) return action;
  const service = action.slice(0, i);
  return `${SERVICE_NAMES[service] ?? service} ${action.slice(i + 1)}`;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** The TIMEOUT error of an AWS call: which call, how long, and what to check. */
export function awsTimeoutError(action: string, cfg: AwsConfig, ms = awsTimeoutMs(cfg)): EngineError {
  const where = cfg.endpoint ? `the AWS endpoint setting (${cfg.endpoint}: something there accepts connections but does not answer)` : 'your network, VPN or proxy';
  const creds = cfg.profile ? ` If profile "${cfg.profile}" gets its credentials from SSO or a credential_process, check that "aws sts get-caller-identity --profile ${cfg.profile}" finishes.` : '';
  return new EngineError('TIMEOUT', `${describeAction(action)} did not answer within ${seconds(ms)}.`,
    `Check ${where}.${creds} On a slow network, raise auth0Cognito.network.timeoutSeconds (CLI: --timeout SECONDS).`);
}

/**
 * Sends one AWS call with its deadline and the caller's cancellation. `fn` gets the abortSignal
 * to pass to client.send (it fires on cancellation and at the deadline, so the request is torn
 * down); the call is also raced against both, so it ends even while the SDK is still looking up
 * credentials or waiting to retry. Throws CANCELLED, or the TIMEOUT error naming the call; any
 * other failure is the SDK's error, unchanged (callers map it with awsError or read its name).
 */
export async function send<T>(cfg: AwsConfig, action: string, signal: AbortSignal | undefined, fn: (opts: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
  if (signal?.aborted) throw cancelledError();
  const ms = awsTimeoutMs(cfg);
  const controller = new AbortController();
  let why: 'cancelled' | 'deadline' | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      why ??= 'cancelled';
      controller.abort();
      reject(cancelledError());
    };
    timer = setTimeout(() => {
      why ??= 'deadline';
      controller.abort();
      reject(awsTimeoutError(action, cfg, ms));
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  stopped.catch(() => undefined);
  let pending: Promise<T>;
  try {
    pending = fn({ abortSignal: controller.signal });
  } catch (e) {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    throw e;
  }
  // After a cancellation or the deadline the SDK's promise still settles (its request was torn
  // down): nobody waits for it any more.
  pending.catch(() => undefined);
  try {
    return await Promise.race([pending, stopped]);
  } catch (e) {
    if (why === 'cancelled' || signal?.aborted) throw cancelledError();
    if (why === 'deadline') throw awsTimeoutError(action, cfg, ms);
    throw e;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** Turns an AWS SDK error into an EngineError whose hint names the fix. */
export function awsError(e: unknown, action: string, cfg: AwsConfig): EngineError {
  if (isEngineError(e)) return e;
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
  // A per-attempt timeout of the HTTP handler (connection, answer, idle socket).
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') return awsTimeoutError(action, cfg);
  if (['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EAI_AGAIN'].includes(code)) {
    return new EngineError('UNREACHABLE', `Could not reach AWS for ${action}${cfg.endpoint ? ` at ${cfg.endpoint}` : ''} (${code || name}).`,
      cfg.endpoint ? 'Check the AWS endpoint setting: nothing answers there.' : 'Check your network or proxy.');
  }
  return new EngineError('AWS', `AWS ${action} failed: ${name ? `${name}: ` : ''}${msg}`, 'See the message from AWS above; the log has details.');
}

async function call<T>(cfg: AwsConfig, action: string, signal: AbortSignal | undefined, fn: (opts: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
  try {
    return await send(cfg, action, signal, fn);
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
// Preflight reads and the token exchange (issue 3). Used through ./readPool.ts and ./exchange.ts.
// (Imports for this section are kept here so that the section can be appended to without
// touching the top of the file; import declarations are hoisted.)
import { GetOpenIDConnectProviderCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import {
  DescribeIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetIdentityPoolRolesCommand,
  type DescribeIdentityPoolCommandOutput,
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

/** cognito-identity:DescribeIdentityPool (the full configuration is describeIdentityPoolConfig's). */
export async function describeIdentityPool(clients: AwsClients, poolId: string, signal?: AbortSignal): Promise<IdentityPoolDescription> {
  return describeIdentityPoolConfig(clients, poolId, signal);
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
    fn: (o: { abortSignal: AbortSignal }) => Promise<T>,
  ): Promise<T | LoginExchange> => {
    try {
      return await send(clients.config, `cognito-identity:${name}`, signal, fn);
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

export * from './sdkList';

// ---------------------------------------------------------------------------------------------
// Writes for the fixes (../fixes.ts) and the setup wizard. Each is one AWS call through call(),
// so failures become EngineErrors with a hint. The imports they need are on the top lines.

/** iam:AddClientIDToOpenIDConnectProvider (IAM treats an ID already in the list as success). */
export async function addClientIdToOidcProvider(clients: AwsClients, arn: string, clientId: string, signal?: AbortSignal): Promise<void> {
  await call(clients.config, 'iam:AddClientIDToOpenIDConnectProvider', signal, (o) =>
    clients.iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: clientId }), o));
}

/** iam:UpdateOpenIDConnectProviderThumbprint: replaces the whole thumbprint list (at most 5). */
export async function updateOidcProviderThumbprints(clients: AwsClients, arn: string, thumbprints: string[], signal?: AbortSignal): Promise<void> {
  await call(clients.config, 'iam:UpdateOpenIDConnectProviderThumbprint', signal, (o) =>
    clients.iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: thumbprints }), o));
}

/**
 * iam:CreateOpenIDConnectProvider. `url` is sent as given (callers strip the trailing slash);
 * an empty thumbprint list is left out (IAM then finds the certificate itself). Returns the ARN.
 */
export async function createOidcProvider(clients: AwsClients, url: string, clientIds: string[], thumbprints: string[], signal?: AbortSignal, tags: Record<string, string> = {}): Promise<string> {
  const r = await call(clients.config, 'iam:CreateOpenIDConnectProvider', signal, (o) =>
    clients.iam.send(new CreateOpenIDConnectProviderCommand({
      Url: url,
      ClientIDList: clientIds,
      ...(thumbprints.length ? { ThumbprintList: thumbprints } : {}),
      ...(Object.keys(tags).length ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
    }), o));
  if (!r.OpenIDConnectProviderArn) throw new EngineError('AWS', `IAM created the provider ${url} but returned no ARN.`, 'Run the check again: it will find the provider by its URL.');
  return r.OpenIDConnectProviderArn;
}

/** Everything DescribeIdentityPool returns: what UpdateIdentityPool must be given back. */
export interface IdentityPoolConfig extends IdentityPoolDescription {
  developerProviderName: string | undefined;
  cognitoIdentityProviders: CognitoIdentityProvider[];
  samlProviderArns: string[];
  tags: Record<string, string>;
}

/** cognito-identity:DescribeIdentityPool, keeping every field (see updateIdentityPool). */
export async function describeIdentityPoolConfig(clients: AwsClients, poolId: string, signal?: AbortSignal): Promise<IdentityPoolConfig> {
  const r = await call(clients.config, 'cognito-identity:DescribeIdentityPool', signal, (o) =>
    clients.cognito.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId }), o));
  return poolConfigOf(r, poolId);
}

/** A pool as DescribeIdentityPool, CreateIdentityPool and UpdateIdentityPool return it. */
function poolConfigOf(r: DescribeIdentityPoolCommandOutput, poolId: string): IdentityPoolConfig {
  return {
    poolId: r.IdentityPoolId ?? poolId,
    poolName: r.IdentityPoolName ?? '',
    allowUnauthenticated: r.AllowUnauthenticatedIdentities === true,
    allowClassicFlow: r.AllowClassicFlow,
    openIdConnectProviderArns: r.OpenIdConnectProviderARNs ?? [],
    supportedLoginProviders: r.SupportedLoginProviders ?? {},
    developerProviderName: r.DeveloperProviderName || undefined,
    cognitoIdentityProviders: r.CognitoIdentityProviders ?? [],
    samlProviderArns: r.SamlProviderARNs ?? [],
    tags: r.IdentityPoolTags ?? {},
  };
}

/** What to change in an identity pool; everything not named is carried over as described. */
export interface IdentityPoolChanges {
  allowUnauthenticated?: boolean;
  allowClassicFlow?: boolean;
  openIdConnectProviderArns?: string[];
  supportedLoginProviders?: Record<string, string>;
}

/**
 * The UpdateIdentityPool request for `pool` with `changes`. UpdateIdentityPool replaces the whole
 * configuration (a field left out is cleared), so every field of the description is sent back:
 * name, guest access, classic flow, login providers, developer provider, OIDC provider ARNs,
 * Cognito user pool providers, SAML providers and tags. Empty values are left out (AWS rejects
 * an empty DeveloperProviderName; an empty list or map means the same as none).
 */
export function identityPoolUpdateInput(pool: IdentityPoolConfig, changes: IdentityPoolChanges = {}): UpdateIdentityPoolCommandInput {
  const allowClassicFlow = changes.allowClassicFlow ?? pool.allowClassicFlow;
  const logins = changes.supportedLoginProviders ?? pool.supportedLoginProviders;
  const arns = changes.openIdConnectProviderArns ?? pool.openIdConnectProviderArns;
  return {
    IdentityPoolId: pool.poolId,
    IdentityPoolName: pool.poolName,
    AllowUnauthenticatedIdentities: changes.allowUnauthenticated ?? pool.allowUnauthenticated,
    ...(allowClassicFlow !== undefined ? { AllowClassicFlow: allowClassicFlow } : {}),
    ...(Object.keys(logins).length ? { SupportedLoginProviders: { ...logins } } : {}),
    ...(pool.developerProviderName ? { DeveloperProviderName: pool.developerProviderName } : {}),
    ...(arns.length ? { OpenIdConnectProviderARNs: [...arns] } : {}),
    ...(pool.cognitoIdentityProviders.length ? { CognitoIdentityProviders: pool.cognitoIdentityProviders.map((p) => ({ ...p })) } : {}),
    ...(pool.samlProviderArns.length ? { SamlProviderARNs: [...pool.samlProviderArns] } : {}),
    ...(Object.keys(pool.tags).length ? { IdentityPoolTags: { ...pool.tags } } : {}),
  };
}

/** cognito-identity:UpdateIdentityPool with everything of `pool` carried over (identityPoolUpdateInput). */
export async function updateIdentityPool(clients: AwsClients, pool: IdentityPoolConfig, changes: IdentityPoolChanges = {}, signal?: AbortSignal): Promise<void> {
  const input = identityPoolUpdateInput(pool, changes);
  await call(clients.config, 'cognito-identity:UpdateIdentityPool', signal, (o) => clients.cognito.send(new UpdateIdentityPoolCommand(input), o));
}

/** iam:UpdateAssumeRolePolicy: replaces the role's trust policy. */
export async function updateAssumeRolePolicy(clients: AwsClients, roleName: string, policyJson: string, signal?: AbortSignal): Promise<void> {
  await call(clients.config, 'iam:UpdateAssumeRolePolicy', signal, (o) =>
    clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: policyJson }), o));
}

/** iam:CreateRole with a trust policy and no permissions. Returns the role's ARN. */
export async function createRole(clients: AwsClients, input: { roleName: string; trustPolicy: string; description?: string | undefined; tags?: Record<string, string> | undefined }, signal?: AbortSignal): Promise<string> {
  const r = await call(clients.config, 'iam:CreateRole', signal, (o) =>
    clients.iam.send(new CreateRoleCommand({
      RoleName: input.roleName,
      AssumeRolePolicyDocument: input.trustPolicy,
      ...(input.description ? { Description: input.description } : {}),
      ...(input.tags && Object.keys(input.tags).length ? { Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
    }), o));
  if (!r.Role?.Arn) throw new EngineError('AWS', `IAM created the role ${input.roleName} but returned no ARN.`, 'Run the check again: it will find the role by its name.');
  return r.Role.Arn;
}

/** iam:GetRole by name; undefined when no such role exists (NoSuchEntity). */
export async function findRole(clients: AwsClients, roleName: string, signal?: AbortSignal): Promise<RoleTrust | undefined> {
  try {
    return await getRoleTrust(clients, roleName, signal);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** The pool's roles and role mappings as GetIdentityPoolRoles returns them (SetIdentityPoolRoles replaces both). */
export interface IdentityPoolRolesConfig {
  roles: Record<string, string>;
  roleMappings: Record<string, RoleMapping>;
}

/** cognito-identity:GetIdentityPoolRoles, keeping the role mappings themselves. */
export async function getIdentityPoolRolesConfig(clients: AwsClients, poolId: string, signal?: AbortSignal): Promise<IdentityPoolRolesConfig> {
  const r = await call(clients.config, 'cognito-identity:GetIdentityPoolRoles', signal, (o) =>
    clients.cognito.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }), o));
  return { roles: { ...(r.Roles ?? {}) }, roleMappings: { ...(r.RoleMappings ?? {}) } };
}

/** cognito-identity:SetIdentityPoolRoles: replaces the roles and the role mappings (pass the old mappings to keep them). */
export async function setIdentityPoolRoles(clients: AwsClients, poolId: string, config: IdentityPoolRolesConfig, signal?: AbortSignal): Promise<void> {
  await call(clients.config, 'cognito-identity:SetIdentityPoolRoles', signal, (o) =>
    clients.cognito.send(new SetIdentityPoolRolesCommand({
      IdentityPoolId: poolId,
      Roles: config.roles,
      ...(Object.keys(config.roleMappings).length ? { RoleMappings: config.roleMappings } : {}),
    }), o));
}

// Attributes for access control (issue 13): the claim -> principal tag map of one provider.
import { GetPrincipalTagAttributeMapCommand, SetPrincipalTagAttributeMapCommand } from '@aws-sdk/client-cognito-identity';

/** A provider's principal tag map as Cognito holds it (PrincipalTags: tag key -> claim name). */
export interface PrincipalTagAttributeMap {
  useDefaults: boolean;
  principalTags: Record<string, string>;
}

/** cognito-identity:GetPrincipalTagAttributeMap; undefined when the provider has none (ResourceNotFoundException). */
export async function getPrincipalTagAttributeMap(clients: AwsClients, poolId: string, providerName: string, signal?: AbortSignal): Promise<PrincipalTagAttributeMap | undefined> {
  try {
    const r = await call(clients.config, 'cognito-identity:GetPrincipalTagAttributeMap', signal, (o) =>
      clients.cognito.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: providerName }), o));
    return { useDefaults: r.UseDefaults === true, principalTags: { ...(r.PrincipalTags ?? {}) } };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** cognito-identity:SetPrincipalTagAttributeMap: replaces the provider's map (UseDefaults and PrincipalTags). */
export async function setPrincipalTagAttributeMap(clients: AwsClients, poolId: string, providerName: string, map: PrincipalTagAttributeMap, signal?: AbortSignal): Promise<void> {
  await call(clients.config, 'cognito-identity:SetPrincipalTagAttributeMap', signal, (o) =>
    clients.cognito.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: providerName, UseDefaults: map.useDefaults, PrincipalTags: map.principalTags }), o));
}

// ---------------------------------------------------------------------------------------------
// The setup wizard (../setup/): creating the identity pool, the role's permissions, and the
// "Try it" exchange confirmed with STS under the temporary credentials.

/** cognito-identity:CreateIdentityPool for OIDC sign-in only: no guests, no classic flow. Returns the new pool as Cognito returned it. */
export async function createIdentityPool(
  clients: AwsClients,
  input: { name: string; openIdConnectProviderArns: string[]; tags?: Record<string, string> | undefined },
  signal?: AbortSignal,
): Promise<IdentityPoolConfig> {
  const r = await call(clients.config, 'cognito-identity:CreateIdentityPool', signal, (o) =>
    clients.cognito.send(new CreateIdentityPoolCommand({
      IdentityPoolName: input.name,
      AllowUnauthenticatedIdentities: false,
      AllowClassicFlow: false,
      OpenIdConnectProviderARNs: input.openIdConnectProviderArns,
      ...(input.tags && Object.keys(input.tags).length ? { IdentityPoolTags: input.tags } : {}),
    }), o));
  if (!r.IdentityPoolId) throw new EngineError('AWS', `Cognito created the identity pool ${input.name} but returned no id.`, 'Run the check again: it will find the pool by its name.');
  return poolConfigOf(r, r.IdentityPoolId);
}

/** iam:PutRolePolicy: creates or replaces the inline policy `policyName` of a role. */
export async function putRolePolicy(clients: AwsClients, roleName: string, policyName: string, policyJson: string, signal?: AbortSignal): Promise<void> {
  await call(clients.config, 'iam:PutRolePolicy', signal, (o) =>
    clients.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: policyJson }), o));
}

// ---------------------------------------------------------------------------------------------
// Teardown (../teardown/): the write it needs beyond the resources tree's deletes (./sdkList.ts).

import { RemoveClientIDFromOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';

/** iam:RemoveClientIDFromOpenIDConnectProvider (IAM treats an ID not in the list as success). */
export async function removeClientIdFromOidcProvider(clients: AwsClients, arn: string, clientId: string, signal?: AbortSignal): Promise<void> {
  await call(clients.config, 'iam:RemoveClientIDFromOpenIDConnectProvider', signal, (o) =>
    clients.iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: clientId }), o));
}

export interface RolePermissions {
  /** Names of the role's inline policies (first page, up to 100). */
  inlinePolicyNames: string[];
  /** ARNs of the managed policies attached to the role (first page, up to 100). */
  attachedPolicyArns: string[];
}

/** iam:ListRolePolicies + iam:ListAttachedRolePolicies: which permission policies a role has. */
export async function getRolePermissions(clients: AwsClients, roleName: string, signal?: AbortSignal): Promise<RolePermissions> {
  const inline = await call(clients.config, 'iam:ListRolePolicies', signal, (o) => clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName, MaxItems: 100 }), o));
  const attached = await call(clients.config, 'iam:ListAttachedRolePolicies', signal, (o) => clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, MaxItems: 100 }), o));
  return {
    inlinePolicyNames: inline.PolicyNames ?? [],
    attachedPolicyArns: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? '').filter(Boolean),
  };
}

// ---------------------------------------------------------------------------------------------
// Reads of the exports (../export/): an existing inline policy's document, so that an exported
// template describes it as it is (getOidcProviderDetails and getRoleDetails are ./sdkList.ts's).

import { GetRolePolicyCommand } from '@aws-sdk/client-iam';

/** iam:GetRolePolicy: an inline policy's document (as IAM returns it: URL-encoded JSON). */
export async function getRolePolicyDocument(clients: AwsClients, roleName: string, policyName: string, signal?: AbortSignal): Promise<string> {
  const r = await call(clients.config, 'iam:GetRolePolicy', signal, (o) => clients.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }), o));
  return r.PolicyDocument ?? '';
}

export type VerifiedLoginExchange =
  | (Extract<LoginExchange, { ok: true }> & {
    /** STS GetCallerIdentity made WITH the temporary credentials: who they act as. */
    caller: { ok: true; arn: string; account: string } | { ok: false; message: string };
  })
  | Extract<LoginExchange, { ok: false }>;

/**
 * GetId + GetCredentialsForIdentity with the given Logins (like getIdAndCredentials), then STS
 * GetCallerIdentity signed WITH the temporary credentials, which proves they work. The secret key
 * and session token never leave this function; the access key id comes back masked.
 */
export async function exchangeAndIdentify(
  clients: AwsClients,
  input: { poolId: string; logins: Record<string, string> },
  signal?: AbortSignal,
): Promise<VerifiedLoginExchange> {
  const verdict = (e: unknown, step: 'GetId' | 'GetCredentialsForIdentity', identityId: string | undefined): LoginExchange => {
    if (signal?.aborted) throw cancelledError();
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = err?.$metadata?.httpStatusCode ?? 0;
    if (err?.name && COGNITO_VERDICTS.has(err.name) && status >= 400 && status < 500) {
      return { ok: false, step, errorName: err.name, message: err.message ?? '', identityId };
    }
    throw awsError(e, `cognito-identity:${step}`, clients.config);
  };
  let identityId: string;
  try {
    const r = await send(clients.config, 'cognito-identity:GetId', signal, (o) =>
      clients.cognito.send(new GetIdCommand({ IdentityPoolId: input.poolId, Logins: input.logins }), o));
    identityId = r.IdentityId ?? '';
  } catch (e) {
    return verdict(e, 'GetId', undefined) as Extract<LoginExchange, { ok: false }>;
  }
  let creds: { AccessKeyId?: string | undefined; SecretKey?: string | undefined; SessionToken?: string | undefined; Expiration?: Date | undefined } | undefined;
  try {
    const r = await send(clients.config, 'cognito-identity:GetCredentialsForIdentity', signal, (o) =>
      clients.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: input.logins }), o));
    identityId = r.IdentityId ?? identityId;
    creds = r.Credentials;
  } catch (e) {
    return verdict(e, 'GetCredentialsForIdentity', identityId) as Extract<LoginExchange, { ok: false }>;
  }
  const base = {
    ok: true as const,
    identityId,
    accessKeyIdMasked: creds?.AccessKeyId ? mask(creds.AccessKeyId) : '',
    expiration: creds?.Expiration ? creds.Expiration.toISOString() : undefined,
    hasSessionToken: Boolean(creds?.SessionToken),
  };
  if (!creds?.AccessKeyId || !creds.SecretKey) {
    return { ...base, caller: { ok: false, message: 'Cognito returned no usable credentials (no access key id or secret key).' } };
  }
  const temp = createAwsClients({
    ...clients.config,
    profile: undefined,
    credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretKey, ...(creds.SessionToken ? { sessionToken: creds.SessionToken } : {}) },
  });
  try {
    const who = await getCallerIdentity(temp, signal);
    return { ...base, caller: { ok: true, arn: who.arn, account: who.account } };
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    const d = isEngineError(e) ? e : awsError(e, 'sts:GetCallerIdentity', clients.config);
    return { ...base, caller: { ok: false, message: d.message } };
  }
  // (The temporary clients are not destroyed: destroy() would close the shared HTTPS agent's sockets.)
}
