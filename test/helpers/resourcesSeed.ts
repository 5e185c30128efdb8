/**
 * Seeds moto for the resources audit (issue 10, item 4): many identity pools, OIDC providers
 * (the local tenant's with a stale thumbprint, one on a closed loopback port, one unused) and
 * roles (one pinned to pool 0, one trusting any pool), plus the broken links the audit must find
 * (a pool naming a role that does not exist, a pool naming a provider that does not exist).
 */
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { CreateIdentityPoolCommand, SetIdentityPoolRolesCommand, type CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { recommendedTrustPolicy } from '../../src/engine/aws/trustPolicy';
import { MOTO_ACCOUNT_ID } from '../standins/moto';
import { freePort } from '../standins/ports';
import type { Tenant } from '../standins/tenant';

export interface Seeded {
  poolIds: string[];
  /** The tenant's provider (stale thumbprint; listed by pool 0). */
  tenantProviderArn: string;
  /** On a closed loopback port, with a thumbprint (listed by pool 1). */
  closedProviderArn: string;
  /** No pool lists it, no thumbprint. */
  unusedProviderArn: string;
  /** Pinned to pool 0: its authenticated role. */
  goodRoleArn: string;
  /** Trusts any identity pool (no aud condition). */
  looseRoleArn: string;
  /** Pool 1's authenticated role: does not exist. */
  missingRoleArn: string;
  /** Pool 2 lists it: does not exist. */
  missingProviderArn: string;
}

/** A stale thumbprint (no real certificate has it). */
export const STALE_THUMBPRINT = 'ab'.repeat(20);

async function eachLimit<T>(items: readonly T[], n: number, fn: (x: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  }));
}

export async function seedResources(iam: IAMClient, ci: CognitoIdentityClient, tenant: Tenant, nPools = 130): Promise<Seeded> {
  const closedPort = await freePort();
  const provider = async (url: string, thumbprints: string[]) =>
    (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['client-a'], ...(thumbprints.length ? { ThumbprintList: thumbprints } : {}) }))).OpenIDConnectProviderArn ?? '';
  const tenantProviderArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: tenant.baseUrl, ClientIDList: [tenant.app.client_id], ThumbprintList: [STALE_THUMBPRINT] }))).OpenIDConnectProviderArn ?? '';
  const closedProviderArn = await provider(`https://127.0.0.1:${closedPort}`, ['cd'.repeat(20)]);
  const unusedProviderArn = await provider('https://unused.example.com', []);
  const missingProviderArn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/gone.example.com`;

  const poolIds: string[] = [];
  await eachLimit(Array.from({ length: nPools }, (_, i) => i), 12, async (i) => {
    const providers = i === 0 ? [tenantProviderArn] : i === 1 ? [closedProviderArn] : i === 2 ? [missingProviderArn] : [];
    const r = await ci.send(new CreateIdentityPoolCommand({
      IdentityPoolName: `audit_pool_${String(i).padStart(3, '0')}`,
      AllowUnauthenticatedIdentities: false,
      ...(providers.length ? { OpenIdConnectProviderARNs: providers } : {}),
    }));
    poolIds[i] = r.IdentityPoolId ?? '';
  });
  const pool0 = poolIds[0] ?? '';
  const good = await iam.send(new CreateRoleCommand({ RoleName: 'audit-good', AssumeRolePolicyDocument: recommendedTrustPolicy(pool0) }));
  const loose = await iam.send(new CreateRoleCommand({
    RoleName: 'audit-loose',
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
      }],
    }),
  }));
  const missingRoleArn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/audit-gone`;
  await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool0, Roles: { authenticated: good.Role?.Arn ?? '' } }));
  await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolIds[1] ?? '', Roles: { authenticated: missingRoleArn } }));
  return {
    poolIds,
    tenantProviderArn,
    closedProviderArn,
    unusedProviderArn,
    goodRoleArn: good.Role?.Arn ?? '',
    looseRoleArn: loose.Role?.Arn ?? '',
    missingRoleArn,
    missingProviderArn,
  };
}
