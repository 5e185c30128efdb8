/**
 * Benchmark: the Resources view's lists against moto (through moto_plus.py), at 30 and at 300
 * items per group: time to the first page (what expanding a group costs) and to the whole list,
 * and the AWS calls made, counted by the session; then up to 50 pool expansions (DescribeIdentityPool +
 * GetIdentityPoolRoles) with the limit of 4 requests in flight. Prints numbers; asserts nothing.
 *
 *   npx tsx scripts/bench-resources.ts
 *
 * moto answers in a few milliseconds; real AWS adds ~50-150 ms per call, so multiply the calls by
 * that to estimate the wait against AWS.
 */
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CognitoIdentityClient, CreateIdentityPoolCommand } from '@aws-sdk/client-cognito-identity';
import type { AwsConfig } from '../src/engine/aws/config';
import { recommendedTrustPolicy } from '../src/engine/aws/trustPolicy';
import { ResourceSession, type Lister } from '../src/engine/resources';
import { awsClientConfig, startMoto } from '../test/standins/moto';

async function eachLimit<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  }));
}

const LAMBDA_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

async function main(): Promise<void> {
  const moto = await startMoto();
  const iam = new IAMClient(awsClientConfig(moto));
  const ci = new CognitoIdentityClient(awsClientConfig(moto));
  const aws: AwsConfig = { region: moto.region, endpoint: moto.endpoint, credentials: moto.credentials, timeoutMs: 10_000 };
  console.log(`moto ${moto.endpoint}; pages of 50 in the tree; ListIdentityPools MaxResults 60, ListRoles MaxItems 100; at most 4 requests in flight`);
  console.log(`${'group'.padEnd(24)} ${'items'.padStart(5)}  ${'first page'.padStart(18)}  ${'whole list'.padStart(18)}  calls by action`);
  try {
    for (const n of [30, 300]) {
      await moto.reset();
      const poolIds: string[] = [];
      await eachLimit(Array.from({ length: n }, (_, i) => i), 12, async (i) => {
        const r = await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: `pool_${i}`, AllowUnauthenticatedIdentities: false }));
        poolIds.push(r.IdentityPoolId ?? '');
      });
      // n roles, half of them trusting Cognito; n providers (AWS's default quota is 100 per account; moto has none).
      await eachLimit(Array.from({ length: n }, (_, i) => i), 12, async (i) => {
        await iam.send(new CreateRoleCommand({ RoleName: `role_${i}`, AssumeRolePolicyDocument: i % 2 ? LAMBDA_TRUST : recommendedTrustPolicy(poolIds[i % poolIds.length] ?? '') }));
      });
      await eachLimit(Array.from({ length: n }, (_, i) => i), 12, async (i) => {
        await iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://tenant-${i}.example.com`, ClientIDList: ['c'] }));
      });

      const measure = async (label: string, pick: (s: ResourceSession) => Lister<unknown>) => {
        const s = new ResourceSession(aws);
        if (!s.clients) throw new Error('no clients'); // load the SDK chunk and create the clients outside the timing
        const lister = pick(s);
        const t0 = performance.now();
        await lister.next();
        const first = performance.now() - t0;
        const firstCalls = s.stats.calls;
        await lister.all();
        const all = performance.now() - t0;
        const calls = Object.entries(s.stats.byAction).map(([k, v]) => `${k} ${v}`).join(', ');
        console.log(`${label.padEnd(24)} ${String(lister.items.length).padStart(5)}  ${`${first.toFixed(0)} ms, ${firstCalls} call${firstCalls === 1 ? '' : 's'}`.padStart(18)}  ${`${all.toFixed(0)} ms, ${s.stats.calls} call${s.stats.calls === 1 ? '' : 's'}`.padStart(18)}  ${calls}`);
        s.clients.iam.destroy();
        s.clients.cognito.destroy();
        s.clients.sts.destroy();
      };
      console.log(`-- ${n} pools, ${n} roles (${n / 2} trusting Cognito), ${n} OIDC providers`);
      await measure('OIDC providers', (s) => s.providers);
      await measure('Identity pools', (s) => s.pools);
      await measure('Roles trusting Cognito', (s) => s.roles);

      const s = new ResourceSession(aws);
      if (!s.clients) throw new Error('no clients');
      const ids = poolIds.slice(0, 50);
      const t0 = performance.now();
      await Promise.all(ids.map((id) => s.poolDetails(id)));
      const ms = performance.now() - t0;
      console.log(`${`expand ${ids.length} pools`.padEnd(24)} ${String(ids.length).padStart(5)}  ${''.padStart(18)}  ${`${ms.toFixed(0)} ms, ${s.stats.calls} calls`.padStart(18)}  max ${s.stats.maxInFlight} in flight`);
    }
  } finally {
    iam.destroy();
    ci.destroy();
    await moto.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
