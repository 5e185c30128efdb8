/**
 * Listing calls and the resources tree's reads and deletes (part of the lazy AWS chunk:
 * re-exported by ./sdk.ts).
 */
import { DeleteIdentityPoolCommand, ListIdentityPoolsCommand } from '@aws-sdk/client-cognito-identity';
import {
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  RemoveRoleFromInstanceProfileCommand,
  type Role,
} from '@aws-sdk/client-iam';
import { awsError, send, type AwsClients } from './sdk';
import { EngineError, cancelledError } from '../errors';

export interface IdentityPoolSummary {
  id: string;
  name: string;
}

/** One page of ListIdentityPools (MaxResults 1..60). */
export async function listIdentityPoolsPage(clients: AwsClients, nextToken: string | undefined, maxResults = 60, signal?: AbortSignal): Promise<{ pools: IdentityPoolSummary[]; nextToken: string | undefined }> {
  try {
    const r = await send(clients.config, 'cognito-identity:ListIdentityPools', signal, (o) =>
      clients.cognito.send(new ListIdentityPoolsCommand({ MaxResults: Math.max(1, Math.min(60, maxResults)), NextToken: nextToken }), o));
    return {
      pools: (r.IdentityPools ?? []).map((p) => ({ id: p.IdentityPoolId ?? '', name: p.IdentityPoolName ?? '' })).filter((p) => p.id),
      nextToken: r.NextToken || undefined,
    };
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    throw awsError(e, 'cognito-identity:ListIdentityPools', clients.config);
  }
}

/** Every identity pool of the region, following NextToken, up to `limit`. */
export async function listIdentityPools(clients: AwsClients, limit = 1000, signal?: AbortSignal): Promise<{ pools: IdentityPoolSummary[]; truncated: boolean }> {
  const pools: IdentityPoolSummary[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await listIdentityPoolsPage(clients, token, 60, signal);
    pools.push(...page.pools);
    token = page.nextToken;
    if (++pages > 1000) throw new EngineError('AWS', 'ListIdentityPools kept returning pages.', 'Report this with the log.');
  } while (token && pools.length < limit);
  return { pools: pools.slice(0, limit), truncated: Boolean(token) || pools.length > limit };
}

// ---------------------------------------------------------------------------------------------
// The resources tree (issue 5): reads for listing and details, and the deletes. Each function is
// ONE AWS call (the callers count calls one per function call), through call() below, so
// failures become EngineErrors with a hint.

async function call<T>(clients: AwsClients, action: string, signal: AbortSignal | undefined, fn: (opts: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
  try {
    return await send(clients.config, action, signal, fn);
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    throw awsError(e, action, clients.config);
  }
}

export interface OidcProviderDetails {
  arn: string;
  /** As IAM returns it: without https://. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  /** ISO date, when IAM returns one. */
  createDate: string | undefined;
  tags: Record<string, string>;
}

/** iam:GetOpenIDConnectProvider, with the creation date and tags. */
export async function getOidcProviderDetails(clients: AwsClients, arn: string, signal?: AbortSignal): Promise<OidcProviderDetails> {
  const r = await call(clients, 'iam:GetOpenIDConnectProvider', signal, (o) =>
    clients.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }), o));
  return {
    arn,
    url: r.Url ?? '',
    clientIds: r.ClientIDList ?? [],
    thumbprints: r.ThumbprintList ?? [],
    createDate: r.CreateDate ? r.CreateDate.toISOString() : undefined,
    tags: Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}

export interface ListedRole {
  name: string;
  arn: string;
  path: string;
  roleId: string;
  createDate: string | undefined;
  description: string | undefined;
  maxSessionDuration: number | undefined;
  /** As IAM returns it: URL-encoded JSON (parse with parseTrustPolicy). */
  assumeRolePolicyDocument: string;
}

function listedRole(r: Role): ListedRole {
  return {
    name: r.RoleName ?? '',
    arn: r.Arn ?? '',
    path: r.Path ?? '/',
    roleId: r.RoleId ?? '',
    createDate: r.CreateDate ? r.CreateDate.toISOString() : undefined,
    description: r.Description || undefined,
    maxSessionDuration: r.MaxSessionDuration,
    assumeRolePolicyDocument: r.AssumeRolePolicyDocument ?? '',
  };
}

/** One page of iam:ListRoles (MaxItems 1..1000). `marker` is undefined when no more pages follow. */
export async function listRolesPage(clients: AwsClients, marker: string | undefined, maxItems = 100, signal?: AbortSignal): Promise<{ roles: ListedRole[]; marker: string | undefined }> {
  const r = await call(clients, 'iam:ListRoles', signal, (o) =>
    clients.iam.send(new ListRolesCommand({ MaxItems: Math.max(1, Math.min(1000, maxItems)), ...(marker ? { Marker: marker } : {}) }), o));
  return { roles: (r.Roles ?? []).map(listedRole).filter((x) => x.name), marker: r.IsTruncated && r.Marker ? r.Marker : undefined };
}

export interface RoleDetails extends ListedRole {
  lastUsed: { date: string | undefined; region: string | undefined } | undefined;
  permissionsBoundaryArn: string | undefined;
  tags: Record<string, string>;
}

/** iam:GetRole by name: everything ListRoles gives, plus last use, permissions boundary and tags. */
export async function getRoleDetails(clients: AwsClients, roleName: string, signal?: AbortSignal): Promise<RoleDetails> {
  const r = await call(clients, 'iam:GetRole', signal, (o) => clients.iam.send(new GetRoleCommand({ RoleName: roleName }), o));
  const role = r.Role ?? { RoleName: roleName, Arn: '', Path: '/', RoleId: '', CreateDate: undefined };
  return {
    ...listedRole(role as Role),
    lastUsed: role.RoleLastUsed ? { date: role.RoleLastUsed.LastUsedDate?.toISOString(), region: role.RoleLastUsed.Region } : undefined,
    permissionsBoundaryArn: role.PermissionsBoundary?.PermissionsBoundaryArn,
    tags: Object.fromEntries((role.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}

/** One page of iam:ListRolePolicies (names of the role's inline policies). */
export async function listRolePolicyNamesPage(clients: AwsClients, roleName: string, marker?: string, signal?: AbortSignal): Promise<{ names: string[]; marker: string | undefined }> {
  const r = await call(clients, 'iam:ListRolePolicies', signal, (o) =>
    clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }), o));
  return { names: r.PolicyNames ?? [], marker: r.IsTruncated && r.Marker ? r.Marker : undefined };
}

/** One page of iam:ListAttachedRolePolicies (the managed policies attached to the role). */
export async function listAttachedRolePoliciesPage(clients: AwsClients, roleName: string, marker?: string, signal?: AbortSignal): Promise<{ policies: { name: string; arn: string }[]; marker: string | undefined }> {
  const r = await call(clients, 'iam:ListAttachedRolePolicies', signal, (o) =>
    clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }), o));
  return {
    policies: (r.AttachedPolicies ?? []).map((p) => ({ name: p.PolicyName ?? '', arn: p.PolicyArn ?? '' })).filter((p) => p.arn),
    marker: r.IsTruncated && r.Marker ? r.Marker : undefined,
  };
}

/** One page of iam:ListInstanceProfilesForRole (names of the instance profiles holding the role). */
export async function listInstanceProfilesForRolePage(clients: AwsClients, roleName: string, marker?: string, signal?: AbortSignal): Promise<{ names: string[]; marker: string | undefined }> {
  const r = await call(clients, 'iam:ListInstanceProfilesForRole', signal, (o) =>
    clients.iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: roleName, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }), o));
  return { names: (r.InstanceProfiles ?? []).map((p) => p.InstanceProfileName ?? '').filter(Boolean), marker: r.IsTruncated && r.Marker ? r.Marker : undefined };
}

/** iam:DeleteRolePolicy (an inline policy of the role). */
export async function deleteRolePolicy(clients: AwsClients, roleName: string, policyName: string, signal?: AbortSignal): Promise<void> {
  await call(clients, 'iam:DeleteRolePolicy', signal, (o) => clients.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }), o));
}

/** iam:DetachRolePolicy (a managed policy stays; only the attachment goes). */
export async function detachRolePolicy(clients: AwsClients, roleName: string, policyArn: string, signal?: AbortSignal): Promise<void> {
  await call(clients, 'iam:DetachRolePolicy', signal, (o) => clients.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }), o));
}

/** iam:RemoveRoleFromInstanceProfile. */
export async function removeRoleFromInstanceProfile(clients: AwsClients, roleName: string, instanceProfileName: string, signal?: AbortSignal): Promise<void> {
  await call(clients, 'iam:RemoveRoleFromInstanceProfile', signal, (o) =>
    clients.iam.send(new RemoveRoleFromInstanceProfileCommand({ RoleName: roleName, InstanceProfileName: instanceProfileName }), o));
}

/** iam:DeleteRole (IAM refuses while policies or instance profiles are attached: DeleteConflict). */
export async function deleteRole(clients: AwsClients, roleName: string, signal?: AbortSignal): Promise<void> {
  await call(clients, 'iam:DeleteRole', signal, (o) => clients.iam.send(new DeleteRoleCommand({ RoleName: roleName }), o));
}

/** iam:DeleteOpenIDConnectProvider. */
export async function deleteOidcProvider(clients: AwsClients, arn: string, signal?: AbortSignal): Promise<void> {
  await call(clients, 'iam:DeleteOpenIDConnectProvider', signal, (o) =>
    clients.iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }), o));
}

/** cognito-identity:DeleteIdentityPool. */
export async function deleteIdentityPool(clients: AwsClients, poolId: string, signal?: AbortSignal): Promise<void> {
  await call(clients, 'cognito-identity:DeleteIdentityPool', signal, (o) =>
    clients.cognito.send(new DeleteIdentityPoolCommand({ IdentityPoolId: poolId }), o));
}
