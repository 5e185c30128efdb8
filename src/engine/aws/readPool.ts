/**
 * Reads what the preflight needs about an identity pool from AWS (DescribeIdentityPool,
 * GetOpenIDConnectProvider for each provider, GetIdentityPoolRoles, GetRole) through the lazy
 * AWS chunk. The real exchange is ./exchange.ts.
 *
 * Importing this file loads no SDK: the chunk is required on the first call.
 */
import { describeError, isCancelled } from '../errors';
import type { PoolTarget, ProviderInfo, RoleInfo } from '../token/preflight';
import { fromAwsRoleMapping, type RoleMappingConfig } from './roleMapping';
import type { PrincipalTagsConfig } from './principalTags';
import { loadAws, type AwsConfig } from './config';
import { awsEnv } from './env';
import { issuerName, providerName, providerNameFromArn, regionOfPoolId } from './names';
import type { AwsClients } from './sdk';
import { readTrustPolicy } from './trustPolicy';

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
  const clients = awsEnv(opts.aws, { clients: opts.clients }).clients(region);
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
  // Issue 13: the role mappings come with the roles (the same GetIdentityPoolRoles call).
  let roleMappings: Record<string, RoleMappingConfig> | undefined;
  if (!roleArn) {
    const roles = await soft('Could not read the pool\'s roles (GetIdentityPoolRoles)', () => aws.getIdentityPoolRolesConfig(clients, pool.poolId, signal));
    if ('error' in roles) rolesError = roles.error;
    else {
      roleArn = roles.roles.authenticated;
      roleMappings = {};
      for (const [name, raw] of Object.entries(roles.roleMappings).slice(0, 50)) {
        const m = fromAwsRoleMapping(raw);
        if (m) roleMappings[name] = m;
        else notes.push(`The role mapping of ${name} has a shape this extension does not know; it was left out of the checks.`);
      }
    }
  }
  // The roles the mappings' rules can choose (each once, at most 25 per provider).
  const ruleRoles = [...new Set(Object.values(roleMappings ?? {}).flatMap((m) => (m.type === 'Rules' ? m.rules.map((r) => r.roleArn) : [])))].filter((a) => a !== roleArn).slice(0, 60);
  const mappedRoles: RoleInfo[] = await Promise.all(ruleRoles.map(async (arn): Promise<RoleInfo> => {
    const role = await soft(`Could not read the role ${arn} (named by a role mapping rule)`, () => aws.getRoleTrust(clients, arn, signal));
    return 'error' in role ? { arn, error: role.error } : { arn: role.arn, ...readTrustPolicy(role.assumeRolePolicyDocument) };
  }));
  // The principal tag map of the provider for the token's issuer (one call; a failure is recorded, not a note).
  let principalTags: Record<string, PrincipalTagsConfig> | undefined;
  let principalTagsError: string | undefined;
  const tagProvider = opts.issuer ? pool.openIdConnectProviderArns.map((a) => providerNameFromArn(a) ?? '').find((n) => n && nameKey(n) === nameKey(issuerName(opts.issuer ?? ''))) : undefined;
  if (tagProvider) {
    try {
      const m = await aws.getPrincipalTagAttributeMap(clients, pool.poolId, tagProvider, signal);
      principalTags = {};
      if (m?.useDefaults) principalTags[tagProvider] = { useDefaults: true };
      else if (m && Object.keys(m.principalTags).length) principalTags[tagProvider] = { useDefaults: false, map: m.principalTags };
    } catch (e) {
      if (isCancelled(e)) throw e;
      principalTagsError = describeError(e).message;
    }
  }
  let authenticatedRole: RoleInfo | undefined;
  if (roleArn) {
    const arn = roleArn;
    const role = await soft(`Could not read the role ${arn}`, () => aws.getRoleTrust(clients, arn, signal));
    if ('error' in role) authenticatedRole = { arn, error: role.error };
    else authenticatedRole = { arn: role.arn, ...readTrustPolicy(role.assumeRolePolicyDocument) };
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
    ...(roleMappings ? { roleMappings } : {}),
    ...(mappedRoles.length ? { mappedRoles } : {}),
    ...(principalTags ? { principalTags } : {}),
    ...(principalTagsError ? { principalTagsError } : {}),
  };
  return { target, notes };
}
