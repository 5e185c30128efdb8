/**
 * Reads the preflight's target from AWS (DescribeIdentityPool, GetOpenIDConnectProvider for
 * each provider, GetIdentityPoolRoles, GetRole) through the lazy AWS chunk, and performs the
 * real exchange (GetId + GetCredentialsForIdentity) that confirms or refutes the prediction.
 *
 * Importing this file loads no SDK: the chunk is required on the first call.
 */
import { loadAws, type AwsConfig } from './aws';
import type { AwsClients, LoginExchange } from './chunks/aws';
import { EngineError, describeError, isCancelled } from './errors';
import { issuerName, providerName, providerNameFromArn } from './names';
import type { PoolTarget, ProviderInfo, RoleInfo } from './token/preflight';
import { parseTrustPolicy } from './trustPolicy';

const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+):[0-9a-f-]{36}$/;

/** 'us-east-1:GUID' -> 'us-east-1'; throws a clear error for anything else. */
export function regionOfPoolId(poolId: string): string {
  const m = POOL_ID.exec(poolId.trim());
  if (!m?.[1]) {
    throw new EngineError('INVALID_INPUT', `"${poolId}" is not an identity pool id.`,
      'An identity pool id looks like us-east-1:01234567-89ab-cdef-0123-456789abcdef (Cognito console: Identity pools > your pool > Identity pool ID).');
  }
  return m[1];
}

export interface ReadTargetOptions {
  aws: AwsConfig;
  /** Reuse these clients (their region must be the pool's); otherwise created from `aws`. */
  clients?: AwsClients | undefined;
  poolId: string;
  /** The token's iss: an IAM provider for it that the pool does not list is read too (to offer "attach"). */
  issuer?: string | undefined;
  /**
   * Use this role as the authenticated role instead of asking the pool (GetIdentityPoolRoles),
   * e.g. the wizard's own configuration.
   */
  authenticatedRoleArn?: string | undefined;
  /** The Logins key the app uses (default: derived from the provider URL). */
  loginsKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface ReadTargetResult {
  target: PoolTarget;
  /** What could not be read, and was left out (each a sentence). */
  notes: string[];
}

function clientsFor(opts: { aws: AwsConfig; clients?: AwsClients | undefined }, region: string): AwsClients {
  if (opts.clients && opts.clients.config.region === region) return opts.clients;
  return loadAws().createAwsClients({ ...opts.aws, region });
}

function nameKey(name: string): string {
  return name.replace(/\/+$/, '').toLowerCase();
}

/**
 * Reads everything the preflight needs about an identity pool. Throws an EngineError when the
 * pool itself cannot be described; anything else that cannot be read (a provider, the roles, the
 * role) is recorded on the target (ProviderInfo.error, rolesError, RoleInfo.error) and in notes,
 * so that the rules that depend on it are skipped instead of the whole preflight failing.
 */
export async function readPoolTarget(opts: ReadTargetOptions): Promise<ReadTargetResult> {
  const region = regionOfPoolId(opts.poolId);
  const aws = loadAws();
  const clients = clientsFor(opts, region);
  const signal = opts.signal;
  const notes: string[] = [];
  const pool = await aws.describeIdentityPool(clients, opts.poolId.trim(), signal);

  const soft = async <T>(what: string, fn: () => Promise<T>): Promise<T | { error: string }> => {
    try {
      return await fn();
    } catch (e) {
      if (isCancelled(e)) throw e;
      const d = describeError(e);
      notes.push(`${what}: ${d.message}`);
      return { error: d.message };
    }
  };

  const providers: ProviderInfo[] = await Promise.all(
    pool.openIdConnectProviderArns.map(async (arn) => {
      const p = await soft(`Could not read the provider ${arn}`, () => aws.getOidcProvider(clients, arn, signal));
      return 'error' in p
        ? { arn, url: providerNameFromArn(arn) ?? '', clientIds: [], thumbprints: [], error: p.error }
        : { arn, url: p.url, clientIds: p.clientIds, thumbprints: p.thumbprints };
    }),
  );

  // A provider for the token's issuer that exists in IAM but is not attached to the pool.
  if (opts.issuer && /^https:\/\//i.test(opts.issuer)) {
    const want = nameKey(issuerName(opts.issuer));
    const attachedMatch = providers.some((p) => nameKey(providerName(p.url)) === want || nameKey(providerNameFromArn(p.arn) ?? '') === want);
    if (!attachedMatch) {
      const arns = await soft('Could not list the IAM OIDC providers', () => aws.listOidcProviderArns(clients, signal));
      if (!('error' in arns)) {
        for (const arn of arns.filter((a) => nameKey(providerNameFromArn(a) ?? '') === want && !providers.some((p) => p.arn === a))) {
          const p = await soft(`Could not read the provider ${arn}`, () => aws.getOidcProvider(clients, arn, signal));
          if (!('error' in p)) providers.push({ arn, url: p.url, clientIds: p.clientIds, thumbprints: p.thumbprints });
        }
      }
    }
  }

  let roleArn = opts.authenticatedRoleArn;
  let rolesError: string | undefined;
  if (!roleArn) {
    const roles = await soft('Could not read the pool\'s roles (GetIdentityPoolRoles)', () => aws.getIdentityPoolRoles(clients, pool.poolId, signal));
    if ('error' in roles) rolesError = roles.error;
    else roleArn = roles.authenticated;
  }
  let authenticatedRole: RoleInfo | undefined;
  if (roleArn) {
    const arn = roleArn;
    const role = await soft(`Could not read the role ${arn}`, () => aws.getRoleTrust(clients, arn, signal));
    if ('error' in role) authenticatedRole = { arn, error: role.error };
    else {
      const parsed = parseTrustPolicy(role.assumeRolePolicyDocument);
      authenticatedRole = 'error' in parsed ? { arn: role.arn, trustPolicyError: parsed.error } : { arn: role.arn, trustPolicy: parsed.policy };
    }
  }

  const target: PoolTarget = {
    poolId: pool.poolId,
    region,
    poolName: pool.poolName,
    allowUnauthenticated: pool.allowUnauthenticated,
    allowClassicFlow: pool.allowClassicFlow,
    openIdConnectProviderArns: pool.openIdConnectProviderArns,
    providers,
    authenticatedRole,
    rolesError,
    loginsKey: opts.loginsKey,
  };
  return { target, notes };
}

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
  const clients = clientsFor(opts, region);
  return loadAws().getIdAndCredentials(clients, { poolId: opts.poolId.trim(), logins: { [opts.loginsKey]: opts.token }, accountId: opts.accountId }, opts.signal);
}
