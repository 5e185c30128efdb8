/**
 * Builds what the guide builds, directly in moto, for tests that need an existing setup:
 * an IAM OIDC provider for the tenant, an identity pool using it, and an authenticated role
 * with the recommended trust policy attached with SetIdentityPoolRoles.
 */
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CognitoIdentityClient, CreateIdentityPoolCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { awsClientConfig, type Moto } from './moto';
import type { Tenant } from './tenant';

export interface World {
  poolId: string;
  providerArn: string;
  roleArn: string;
}

export interface WorldOptions {
  /** Client ids on the provider (default: the tenant's app). */
  clientIds?: string[];
  /** Attach the provider to the pool (default true). */
  attach?: boolean;
  /** Trust policy conditions: 'full' (aud + amr, default) or 'no-aud'. */
  trust?: 'full' | 'no-aud';
  /** Distinguishes names when several worlds share one moto. */
  name?: string;
}

export function cognitoTrustPolicy(poolId: string, withAud = true): string {
  const condition: Record<string, unknown> = { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } };
  if (withAud) condition.StringEquals = { 'cognito-identity.amazonaws.com:aud': poolId };
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }],
  });
}

export async function buildWorld(moto: Moto, tenant: Tenant, opts: WorldOptions = {}): Promise<World> {
  const c = awsClientConfig(moto);
  const iam = new IAMClient(c);
  const cognito = new CognitoIdentityClient(c);
  const name = opts.name ?? 'world';
  const provider = await iam.send(new CreateOpenIDConnectProviderCommand({
    Url: `https://${tenant.domain}`, ClientIDList: opts.clientIds ?? [tenant.app.client_id], ThumbprintList: [tenant.certs.fingerprints.intermediate],
  }));
  const providerArn = provider.OpenIDConnectProviderArn!;
  const pool = await cognito.send(new CreateIdentityPoolCommand({
    IdentityPoolName: name, AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: opts.attach === false ? [] : [providerArn],
  }));
  const poolId = pool.IdentityPoolId!;
  const role = await iam.send(new CreateRoleCommand({ RoleName: `${name}-auth`, AssumeRolePolicyDocument: cognitoTrustPolicy(poolId, opts.trust !== 'no-aud') }));
  const roleArn = role.Role!.Arn!;
  await cognito.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: roleArn } }));
  iam.destroy();
  cognito.destroy();
  return { poolId, providerArn, roleArn };
}
