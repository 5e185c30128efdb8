/**
 * Benchmark: the same setup built twice, each against its own fresh moto, side by side:
 *
 *  1. the extension's CLI, `node dist/cli.js setup --apply --config FILE --ca ROOT` (a child
 *     process, so node's startup and the lazy chunks count), against moto and the local
 *     Auth0-like tenant (Management API credentials in AUTH0_MGMT_CLIENT_ID/SECRET);
 *  2. the AWS CLI sequence a reader of the Auth0 guide types: the thumbprint with
 *     `openssl s_client -showcerts` + `openssl x509 -fingerprint -sha1 -noout` on the last
 *     certificate, then `aws iam create-open-id-connect-provider`, `aws cognito-identity
 *     create-identity-pool`, `aws iam create-role` (trust policy pinned to the pool),
 *     `aws iam put-role-policy`, `aws cognito-identity set-identity-pool-roles`, each with
 *     --endpoint-url (the guide's Auth0 step, RS256, is a Dashboard click: not timed).
 *
 * Each moto sits behind a small counting proxy in this process, so both are counted the same
 * way: every request on the wire, by service and action. Prints the calls and wall time of each,
 * then lists what each moto holds (providers, pools, roles). Prints numbers; asserts nothing.
 *
 *   node esbuild.mjs --production && npx tsx scripts/bench-awscli.ts
 *
 * The AWS CLI (v1, `awscli` from PyPI) lives in moto's cached venv (scripts/install-moto.sh
 * installs both): its `aws` is found beside the moto_server that findOrInstallMoto() returns.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as fsSync from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CognitoIdentityClient, DescribeIdentityPoolCommand, GetIdentityPoolRolesCommand, ListIdentityPoolsCommand } from '@aws-sdk/client-cognito-identity';
import { GetOpenIDConnectProviderCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, ListOpenIDConnectProvidersCommand, ListRolePoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { recommendedTrustPolicy } from '../src/engine/aws/trustPolicy';
import { authenticatedRoleName } from '../src/engine/fixes';
import { MINIMAL_PERMISSIONS_POLICY, MINIMAL_POLICY_NAME } from '../src/engine/setup/authenticatedRole';
import { awsClientConfig, findOrInstallMoto, startMoto, type Moto } from '../test/standins/moto';
import { startTenant, type Tenant } from '../test/standins/tenant';
import { startAwsProxy, type ProxiedRequest } from '../test/helpers/awsProxy';

const REPO = path.resolve(__dirname, '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const POOL_NAME = 'auth0_pool';

// ---------------------------------------------------------------------------------------------
// Counting proxy: forwards everything to moto, records service and action of each request.

type Call = Pick<ProxiedRequest, 'service' | 'action'>;

/** The shared recording proxy (test/helpers/awsProxy.ts), its requests as `calls`. */
interface CountingProxy {
  endpoint: string;
  calls: Call[];
  close(): Promise<void>;
}

async function startProxy(moto: Moto): Promise<CountingProxy> {
  const p = await startAwsProxy(moto.endpoint);
  return { endpoint: p.url, calls: p.requests, close: () => p.close() };
}

function byAction(calls: readonly Call[]): string {
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(`${c.service}:${c.action}`, (counts.get(`${c.service}:${c.action}`) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${k} ${v}`).join(', ') || '(none)';
}

// ---------------------------------------------------------------------------------------------
// Child processes

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
    child.stdin.end(input ?? '');
  });
}

function must(r: Ran, what: string): string {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

/** `aws` beside moto_server in moto's venv, else undefined. */
async function findAwsCli(): Promise<{ aws: string; version: string } | undefined> {
  const moto = await findOrInstallMoto();
  const aws = path.join(path.dirname(moto), 'aws');
  try {
    fsSync.accessSync(aws, fsSync.constants.X_OK);
  } catch {
    return undefined;
  }
  const version = await new Promise<string>((resolve) => {
    execFile(aws, ['--version'], { timeout: 30_000 }, (err, out, errOut) => resolve(err ? '' : `${out}${errOut}`.trim()));
  });
  return version ? { aws, version } : undefined;
}

function pinnedAwsCli(): string {
  const m = /^AWSCLI_VERSION="([^"]+)"/m.exec(fsSync.readFileSync(path.join(REPO, 'scripts', 'install-moto.sh'), 'utf8'));
  return m?.[1] ?? '?';
}

// ---------------------------------------------------------------------------------------------
// The two runs

async function runExtension(tenant: Tenant, proxy: CountingProxy, dir: string): Promise<void> {
  const file = path.join(dir, 'setup.json');
  await fs.writeFile(file, JSON.stringify({
    aws: { region: 'us-east-1', endpoint: proxy.endpoint },
    auth0: { domain: tenant.domain, clientId: tenant.app.client_id },
    names: { poolName: POOL_NAME },
  }));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_CONFIG_FILE: path.join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-aws-credentials'),
    AUTH0_MGMT_CLIENT_ID: tenant.mgmt.clientId,
    AUTH0_MGMT_CLIENT_SECRET: tenant.mgmt.clientSecret,
  };
  for (const k of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AUTH0_MGMT_TOKEN', 'AUTH0_ID_TOKEN']) delete env[k];
  tenant.resetLog();
  const writesBefore = tenant.writeCalls;
  const r = await run(process.execPath, [CLI, 'setup', '--apply', '--config', file, '--ca', tenant.certs.rootPath], env);
  must(r, 'node dist/cli.js setup --apply');
  const auth0Writes = tenant.writeCalls - writesBefore;
  const writes = proxy.calls.filter((c) => c.service !== 'sts' && !/^(Get|List|Describe)/.test(c.action)).length;
  console.log(`-- extension: node dist/cli.js setup --apply: ${r.ms.toFixed(0)} ms (1 process); ${proxy.calls.length} AWS calls (${writes} writes, ${proxy.calls.length - writes} reads); Auth0: ${tenant.requests.length} requests, ${auth0Writes} write(s)${auth0Writes ? ' (the switch to RS256 the guide makes in the Dashboard)' : ''}`);
  console.log(`   ${byAction(proxy.calls)}`);
}

async function runAwsCli(aws: string, tenant: Tenant, proxy: CountingProxy, dir: string): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: path.join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-aws-credentials'),
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const k of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_REGION']) delete env[k];
  const steps: { what: string; ms: number; calls: number }[] = [];
  const step = async (what: string, cmd: string, args: string[], input?: string): Promise<string> => {
    const before = proxy.calls.length;
    const r = await run(cmd, args, env, input);
    steps.push({ what, ms: r.ms, calls: proxy.calls.length - before });
    return must(r, what);
  };
  const awsCmd = (what: string, args: string[]) => step(`aws ${what}`, aws, [...what.split(' '), ...args, '--endpoint-url', proxy.endpoint, '--output', 'text']);

  const t0 = performance.now();
  // The thumbprint, as the guide says: the chain, its last certificate, its SHA-1 fingerprint without ':'.
  const shown = await step('openssl s_client -showcerts', 'openssl', ['s_client', '-showcerts', '-servername', 'localhost', '-connect', `localhost:${tenant.port}`]);
  const certs = shown.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const last = certs[certs.length - 1];
  if (!last) throw new Error(`openssl s_client showed no certificate:\n${shown}`);
  const fp = await step('openssl x509 -fingerprint -sha1', 'openssl', ['x509', '-fingerprint', '-sha1', '-noout'], `${last}\n`);
  const thumbprint = (/=([0-9A-F:]+)/i.exec(fp)?.[1] ?? '').replace(/:/g, '');
  const providerArn = await awsCmd('iam create-open-id-connect-provider', [
    '--url', tenant.baseUrl, '--client-id-list', tenant.app.client_id, '--thumbprint-list', thumbprint, '--query', 'OpenIDConnectProviderArn']);
  const poolId = await awsCmd('cognito-identity create-identity-pool', [
    '--identity-pool-name', POOL_NAME, '--no-allow-unauthenticated-identities', '--no-allow-classic-flow',
    '--open-id-connect-provider-arns', providerArn, '--query', 'IdentityPoolId']);
  const roleName = authenticatedRoleName(POOL_NAME);
  const trustFile = path.join(dir, 'trust.json');
  const permFile = path.join(dir, 'permissions.json');
  await fs.writeFile(trustFile, recommendedTrustPolicy(poolId));
  await fs.writeFile(permFile, MINIMAL_PERMISSIONS_POLICY);
  const roleArn = await awsCmd('iam create-role', ['--role-name', roleName, '--assume-role-policy-document', `file://${trustFile}`, '--query', 'Role.Arn']);
  await awsCmd('iam put-role-policy', ['--role-name', roleName, '--policy-name', MINIMAL_POLICY_NAME, '--policy-document', `file://${permFile}`]);
  await awsCmd('cognito-identity set-identity-pool-roles', ['--identity-pool-id', poolId, '--roles', `authenticated=${roleArn}`]);
  const ms = performance.now() - t0;

  console.log(`-- AWS CLI: 2 openssl + 5 aws commands: ${ms.toFixed(0)} ms (7 processes, run one after another without typing); ${proxy.calls.length} AWS calls; thumbprint ${thumbprint.toLowerCase()}`);
  console.log(`   ${byAction(proxy.calls)}`);
  for (const s of steps) console.log(`   ${s.what.padEnd(46)} ${s.ms.toFixed(0).padStart(5)} ms  ${s.calls} AWS call${s.calls === 1 ? '' : 's'}`);
}

// ---------------------------------------------------------------------------------------------
// Final check: what each moto holds (read directly, not through the proxies).

async function describeSetup(label: string, moto: Moto): Promise<Record<string, unknown>> {
  const iam = new IAMClient(awsClientConfig(moto));
  const cog = new CognitoIdentityClient(awsClientConfig(moto));
  const providers = (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? [];
  const provider = providers[0]?.Arn ? await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providers[0].Arn })) : undefined;
  const pools = (await cog.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools ?? [];
  const poolId = pools[0]?.IdentityPoolId ?? '';
  const pool = poolId ? await cog.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId })) : undefined;
  const roles = poolId ? (await cog.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }))).Roles ?? {} : {};
  const roleList = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
  const roleName = roleList[0]?.RoleName ?? '';
  const role = roleName ? (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role : undefined;
  const policyNames = roleName ? (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [] : [];
  const policy = policyNames[0] ? (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyNames[0] }))).PolicyDocument : undefined;
  iam.destroy();
  cog.destroy();
  const json = (s: string | undefined) => (s ? JSON.stringify(JSON.parse(decodeURIComponent(s))) : undefined);
  const arnOf = (a: string | undefined) => a?.replace(poolId, 'POOL');
  console.log(`   ${label}: ${providers.length} OIDC provider(s) ${providers.map((p) => p.Arn).join(', ')}; ${pools.length} pool(s) ${pools.map((p) => `${p.IdentityPoolName} ${p.IdentityPoolId}`).join(', ')}; ${roleList.length} role(s) ${roleList.map((r) => r.RoleName).join(', ')}; pool roles ${JSON.stringify(roles)}`);
  // What should be equal across the two setups (the pool id replaced by POOL).
  return {
    providerUrl: provider?.Url,
    clientIds: provider?.ClientIDList,
    thumbprints: provider?.ThumbprintList?.map((t) => t.toLowerCase()),
    poolName: pool?.IdentityPoolName,
    allowUnauthenticated: pool?.AllowUnauthenticatedIdentities,
    poolProviders: pool?.OpenIdConnectProviderARNs,
    poolRoles: Object.fromEntries(Object.entries(roles).map(([k, v]) => [k, arnOf(v)])),
    roleName,
    trustPolicy: json(role?.AssumeRolePolicyDocument)?.replace(poolId, 'POOL'),
    inlinePolicies: policyNames,
    inlinePolicy: json(policy),
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!fsSync.existsSync(CLI)) {
    console.error(`bench-awscli: ${path.relative(REPO, CLI)} is missing: build it first with "node esbuild.mjs --production".`);
    process.exitCode = 1;
    return;
  }
  const found = await findAwsCli();
  if (!found) {
    const v = pinnedAwsCli();
    console.error(`bench-awscli: no AWS CLI ("aws") beside moto_server in moto's venv.\n`
      + `  Install both with: bash scripts/install-moto.sh   (moto and awscli==${v}, in one cached venv)\n`
      + `  With MOTO_SERVER set to another install: <that venv>/bin/python -m pip install awscli==${v}`);
    process.exitCode = 1;
    return;
  }
  const [tenant, motoA, motoB] = await Promise.all([startTenant(), startMoto(), startMoto()]);
  const [proxyA, proxyB] = await Promise.all([startProxy(motoA), startProxy(motoB)]);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-awscli-'));
  try {
    console.log(`Same setup, two fresh motos, the local tenant ${tenant.domain} (app ${tenant.app.client_id}, signing ${tenant.app.jwt_configuration.alg}); ${found.version}`);
    await runExtension(tenant, proxyA, dir);
    await runAwsCli(found.aws, tenant, proxyB, dir);
    console.log('-- what each moto holds:');
    const a = await describeSetup('extension', motoA);
    const b = await describeSetup('AWS CLI  ', motoB);
    const differ = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    console.log(differ.length
      ? `   differences: ${differ.map((k) => `${k}: ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`).join('; ')}`
      : '   same setup in both (provider URL, client IDs, thumbprint, pool settings, role, trust policy, inline policy)');
  } finally {
    await Promise.all([proxyA.close(), proxyB.close()]);
    await Promise.all([tenant.stop(), motoA.stop(), motoB.stop()]);
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
