/**
 * Export as code (issue 10, item 2) against moto and the local tenant: the three formats are
 * built from the same plan the wizard applies (compared field by field), pass their linters
 * (cfn-lint; python-hcl2 + checkov), the Terraform import blocks name exactly what existed
 * before, and the AWS CLI script, run against a fresh moto, builds a setup the extension's own
 * preflight passes with a tenant token, and a second run of it creates nothing.
 *
 * The linters come from scripts/install-lint-tools.sh (a cached venv outside the repo, built on
 * first use); the AWS CLI is moto's venv's `aws`. AWS calls of the engine are counted on the
 * wire (recordRequests), the AWS CLI's through a counting proxy in front of moto.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListOpenIDConnectProvidersCommand,
  ListRolesCommand,
  CreateRoleCommand,
} from '@aws-sdk/client-iam';
import {
  CreateIdentityPoolCommand, DescribeIdentityPoolCommand, GetIdentityPoolRolesCommand, GetPrincipalTagAttributeMapCommand, ListIdentityPoolsCommand, SetIdentityPoolRolesCommand,
} from '@aws-sdk/client-cognito-identity';
import type { PrincipalTagsConfig } from '../../../../src/engine/aws/principalTags';
import { toAwsRoleMapping, type RoleMappingConfig } from '../../../../src/engine/aws/roleMapping';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import { EXPORT_STEPS, exportSetup, readExisting, renderAwsCli, renderCloudFormation, renderTerraform, setupModel, TF, type SetupModel } from '../../../../src/engine/export';
import type { PlanCall } from '../../../../src/engine/plan';
import { applyAll, createSetupCache, MINIMAL_PERMISSIONS_POLICY, MINIMAL_POLICY_NAME, planAll, SETUP_TAG_KEY, type PlanAllResult, type SetupConfig, type SetupContext } from '../../../../src/engine/setup';
import type { TrustSettings } from '../../../../src/engine/trust';
import { isWrite } from '../../../helpers/awsCalls';
import { runCli } from '../../../helpers/cli';
import type { Moto } from '../../../standins/moto';
import type { Tenant } from '../../../standins/tenant';
import { useStandins } from '../../../standins/fixture';
import { decodeCfn, findAwsCli, findLintTools, isWriteRequest, parseHcl, run, startCountingProxy, type Ran } from './tools';

const AUD = 'cognito-identity.amazonaws.com:aud';
type Json = any;

/** A plan's policy document with the aud condition replaced by `ref` (how the templates write the pool's id). */
function trustWith(doc: string, ref: Json): Json {
  const d = JSON.parse(doc) as Json;
  for (const st of d.Statement) if (st.Condition?.StringEquals?.[AUD] !== undefined) st.Condition.StringEquals[AUD] = ref;
  return d;
}

const iamTagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

describe('export as code: CloudFormation, Terraform, AWS CLI from the wizard\'s plan (moto + local tenant)', function () {
  this.timeout(180_000);
  let tenant: Tenant;
  let moto: Moto;
  let trust: TrustSettings;
  let lint: string;
  let aws: string;
  let dir: string;
  const standins = useStandins({ awsTrust: true });
  const { sent } = standins;

  before(async function () {
    this.timeout(15 * 60_000); // a first run installs the linters
    ({ tenant, moto, trust } = standins);
    [lint, aws] = await Promise.all([findLintTools(), findAwsCli()]);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'export-test-'));
  });
  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    tenant.app.jwt_configuration.alg = 'RS256';
  });

  const config = (names: Partial<SetupConfig['names']> = {}): SetupConfig => ({
    aws: { region: moto.region, endpoint: moto.endpoint },
    auth0: { domain: tenant.domain, clientId: tenant.app.client_id },
    names: { poolName: 'auth0_pool', ...names },
  });
  const ctx = (over: Partial<SetupContext> = {}): SetupContext => ({
    config: config(),
    management: { kind: 'clientCredentials', clientId: tenant.mgmt.clientId, clientSecret: tenant.mgmt.clientSecret },
    trust,
    timeoutMs: 5000,
    awsCredentials: moto.credentials,
    clients: standins.clients,
    cache: createSetupCache(),
    ...over,
  });

  function call(plan: PlanAllResult, action: string): Record<string, Json> {
    const c: PlanCall | undefined = plan.reviews.flatMap((r) => r.plan?.calls ?? []).find((x) => x.action === action);
    assert.ok(c, `the plan has ${action}`);
    return c.params;
  }

  let n = 0;
  async function write(name: string, text: string): Promise<string> {
    const d = path.join(dir, String(++n));
    await fs.mkdir(d);
    const f = path.join(d, name);
    await fs.writeFile(f, text);
    return f;
  }

  async function cfnLint(text: string): Promise<Json> {
    const f = await write('setup.yaml', text);
    const r = await run(path.join(lint, 'cfn-lint'), [f]);
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
    assert.equal(r.code, 0, `cfn-lint:\n${r.stdout}${r.stderr}\n${text}`);
    return decodeCfn(lint, f);
  }

  /** checkov on the file's folder: no failed check; each skipped one explained in the template. Returns the parsed HCL (quotes and jsonencode undone). */
  async function checkTerraform(text: string): Promise<Json> {
    const f = await write('main.tf', text);
    const r = await run(path.join(lint, 'checkov'), ['-d', path.dirname(f), '--framework', 'terraform', '-o', 'json', '--skip-download'],
      { env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', LOG_LEVEL: 'ERROR' } });
    const report = JSON.parse(r.stdout) as Json;
    const results = report.results ?? {};
    assert.deepEqual((results.failed_checks ?? []).map((c: Json) => `${c.check_id} ${c.resource}`), [], `checkov failed checks:\n${text}`);
    for (const c of results.skipped_checks ?? []) {
      assert.ok(String(c.check_result?.suppress_comment ?? '').length > 20, `checkov skipped ${c.check_id} without a reason`);
    }
    assert.ok(report.summary.passed > 5, 'checkov ran its checks');
    return parseHcl(lint, f);
  }

  const resources = (hcl: Json, type: string): Json => Object.assign({}, ...(hcl.resource as Json[]).filter((r) => r[type]).map((r) => r[type]));
  /** A block without python-hcl2's __comments__ (the comments inside it), for field-by-field comparison. */
  const noComments = (b: Json): Json => Object.fromEntries(Object.entries(b).filter(([k]) => k !== '__comments__'));
  const variable = (hcl: Json, name: string): Json => (hcl.variable as Json[]).find((v) => v[name])?.[name];

  async function counts(): Promise<{ providers: number; pools: number; roles: number }> {
    const p = await standins.iam.send(new ListOpenIDConnectProvidersCommand({}));
    let pools = 0;
    let token: string | undefined;
    do {
      const page = await standins.ci.send(new ListIdentityPoolsCommand({ MaxResults: 60, NextToken: token }));
      pools += page.IdentityPools?.length ?? 0;
      token = page.NextToken;
    } while (token);
    const roles = await standins.iam.send(new ListRolesCommand({}));
    return { providers: p.OpenIDConnectProviderList?.length ?? 0, pools, roles: roles.Roles?.length ?? 0 };
  }

  it('a fresh account: CloudFormation and Terraform carry the plan\'s values field by field, pass cfn-lint and checkov, and nothing is written', async () => {
    const plan = await planAll(ctx(), EXPORT_STEPS);
    assert.equal(plan.ok, true, JSON.stringify(plan.failed));
    const provider = call(plan, 'CreateOpenIDConnectProvider');
    const pool = call(plan, 'CreateIdentityPool');
    const role = call(plan, 'CreateRole');
    const put = call(plan, 'PutRolePolicy');
    const roles = call(plan, 'SetIdentityPoolRoles');
    assert.equal(provider.Url, tenant.baseUrl, 'no trailing slash');
    sent.length = 0;

    const cfnExport = await exportSetup(ctx(), 'cloudformation');
    const tfExport = await exportSetup(ctx(), 'terraform');
    const cliExport = await exportSetup(ctx(), 'cli');
    assert.deepEqual(sent.filter(isWrite).map((s) => s.action), [], 'exporting writes nothing');
    assert.equal(tenant.writeCalls, 0);
    assert.deepEqual(tfExport.imports, {}, 'nothing exists: no import block');
    assert.doesNotMatch(tfExport.text, /^import \{/m);
    assert.equal(cfnExport.language, 'yaml');
    assert.equal(tfExport.language, 'terraform');
    assert.equal(cliExport.language, 'shellscript');

    // CloudFormation, as cfn-lint reads it.
    const cfn = await cfnLint(cfnExport.text);
    const R = cfn.Resources;
    assert.equal(`https://${cfn.Parameters.Auth0Domain.Default}`, provider.Url);
    assert.deepEqual(R.Auth0OidcProvider.Properties.Url, { 'Fn::Sub': 'https://${Auth0Domain}' });
    assert.deepEqual(R.Auth0OidcProvider.Properties.ClientIdList, [{ Ref: 'Auth0ClientId' }]);
    assert.deepEqual([cfn.Parameters.Auth0ClientId.Default], provider.ClientIDList);
    assert.deepEqual(R.Auth0OidcProvider.Properties.ThumbprintList, provider.ThumbprintList);
    assert.deepEqual(R.Auth0OidcProvider.Properties.Tags, provider.Tags);
    assert.deepEqual(R.IdentityPool.Properties, {
      IdentityPoolName: pool.IdentityPoolName,
      AllowUnauthenticatedIdentities: pool.AllowUnauthenticatedIdentities,
      AllowClassicFlow: pool.AllowClassicFlow,
      OpenIdConnectProviderARNs: [{ Ref: 'Auth0OidcProvider' }],
      IdentityPoolTags: iamTagList(pool.IdentityPoolTags),
    });
    assert.deepEqual(R.AuthenticatedRole.Properties, {
      RoleName: role.RoleName,
      Description: role.Description,
      AssumeRolePolicyDocument: trustWith(role.AssumeRolePolicyDocument, { Ref: 'IdentityPool' }),
      Policies: [{ PolicyName: put.PolicyName, PolicyDocument: JSON.parse(put.PolicyDocument) }],
      Tags: role.Tags,
    });
    assert.equal(put.RoleName, role.RoleName);
    assert.deepEqual(Object.keys(roles.Roles), ['authenticated']);
    assert.deepEqual(R.IdentityPoolRoles.Properties, { IdentityPoolId: { Ref: 'IdentityPool' }, Roles: { authenticated: { 'Fn::GetAtt': ['AuthenticatedRole', 'Arn'] } } });
    assert.deepEqual(cfn.Outputs.IdentityPoolId.Value, { Ref: 'IdentityPool' });
    assert.deepEqual(cfn.Outputs.AuthenticatedRoleArn.Value, { 'Fn::GetAtt': ['AuthenticatedRole', 'Arn'] });
    assert.equal(R.Auth0OidcProvider.Properties.Tags[0].Key, SETUP_TAG_KEY);

    // Terraform, as python-hcl2 parses it (and checkov passes it).
    const hcl = await checkTerraform(tfExport.text);
    assert.equal(`https://${variable(hcl, 'auth0_domain').default}`, provider.Url);
    assert.deepEqual([variable(hcl, 'auth0_client_id').default], provider.ClientIDList);
    const p = resources(hcl, 'aws_iam_openid_connect_provider').auth0;
    assert.equal(p.url, 'https://${var.auth0_domain}');
    assert.deepEqual(p.client_id_list, ['${var.auth0_client_id}']);
    assert.deepEqual(p.thumbprint_list, provider.ThumbprintList);
    assert.deepEqual(iamTagList(p.tags), provider.Tags);
    const ip = resources(hcl, 'aws_cognito_identity_pool').this;
    assert.deepEqual(ip, {
      identity_pool_name: pool.IdentityPoolName,
      allow_unauthenticated_identities: pool.AllowUnauthenticatedIdentities,
      allow_classic_flow: pool.AllowClassicFlow,
      openid_connect_provider_arns: ['${aws_iam_openid_connect_provider.auth0.arn}'],
      tags: pool.IdentityPoolTags,
    });
    const r = resources(hcl, 'aws_iam_role').authenticated;
    assert.equal(r.name, role.RoleName);
    assert.equal(r.description, role.Description);
    assert.deepEqual(r.assume_role_policy, { jsonencode: trustWith(role.AssumeRolePolicyDocument, '${aws_cognito_identity_pool.this.id}') });
    assert.deepEqual(iamTagList(r.tags), role.Tags);
    const rp = resources(hcl, 'aws_iam_role_policy').minimal;
    assert.equal(rp.name, put.PolicyName);
    assert.equal(rp.role, '${aws_iam_role.authenticated.id}');
    assert.deepEqual(rp.policy, { jsonencode: JSON.parse(put.PolicyDocument) });
    assert.deepEqual(resources(hcl, 'aws_cognito_identity_pool_roles_attachment').this, {
      identity_pool_id: '${aws_cognito_identity_pool.this.id}',
      roles: { authenticated: '${aws_iam_role.authenticated.arn}' },
    });
    const outputs = Object.assign({}, ...(hcl.output as Json[]));
    assert.equal(outputs.identity_pool_id.value, '${aws_cognito_identity_pool.this.id}');
    assert.equal(outputs.authenticated_role_arn.value, '${aws_iam_role.authenticated.arn}');

    // The AWS CLI script: bash accepts it; its values are checked by running it (below).
    const sh = await write('setup.sh', cliExport.text);
    const syntax = await run('bash', ['-n', sh]);
    assert.equal(syntax.code, 0, syntax.stderr);
    assert.match(cliExport.text, /^set -euo pipefail$/m);
  });

  it('Terraform import blocks name exactly what existed before: a pre-made provider (its other client ID kept), then all five after a wizard apply', async () => {
    const made = await standins.iam.send(new CreateOpenIDConnectProviderCommand({
      Url: tenant.baseUrl, ClientIDList: ['another-app'], ThumbprintList: [tenant.certs.fingerprints.intermediate], Tags: [{ Key: 'team', Value: 'web' }],
    }));
    const arn = made.OpenIDConnectProviderArn!;
    const before = await exportSetup(ctx(), 'terraform');
    assert.deepEqual(before.imports, { [TF.provider]: arn });
    const hcl = await checkTerraform(before.text);
    assert.deepEqual(hcl.import, [{ to: '${aws_iam_openid_connect_provider.auth0}', id: arn }], 'one import block: the provider, by its ARN');
    const p = resources(hcl, 'aws_iam_openid_connect_provider').auth0;
    assert.deepEqual(p.client_id_list, ['${var.auth0_client_id}', 'another-app'], 'the client ID the plan adds, and the one it keeps');
    assert.deepEqual(p.tags, { team: 'web' }, 'an adopted provider keeps its tags and is not re-tagged');
    // CloudFormation still lints, and says the provider exists.
    const cfnText = (await exportSetup(ctx(), 'cloudformation')).text;
    await cfnLint(cfnText);
    assert.match(cfnText, new RegExp(`# The IAM OIDC provider ${arn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} exists already`));

    // The wizard applies; the export then adopts all five, with their real ids.
    const applied = await applyAll(ctx());
    assert.equal(applied.ok, true, JSON.stringify(applied.failed));
    const after = await exportSetup(ctx(), 'terraform');
    const { poolId, roleArn } = applied.outputs;
    const roleName = roleArn!.split('/').pop()!;
    assert.deepEqual(after.imports, {
      [TF.provider]: arn,
      [TF.pool]: poolId,
      [TF.role]: roleName,
      [TF.policy]: `${roleName}:${MINIMAL_POLICY_NAME}`,
      [TF.attachment]: poolId,
    });
    const hcl2 = await checkTerraform(after.text);
    assert.deepEqual((hcl2.import as Json[]).map((i) => [i.to, i.id]), [
      ['${aws_iam_openid_connect_provider.auth0}', arn],
      ['${aws_cognito_identity_pool.this}', poolId],
      ['${aws_iam_role.authenticated}', roleName],
      ['${aws_iam_role_policy.minimal}', `${roleName}:${MINIMAL_POLICY_NAME}`],
      ['${aws_cognito_identity_pool_roles_attachment.this}', poolId],
    ]);
  });

  it('an export before the apply describes what the apply made, field by field (read back from AWS)', async () => {
    const fresh = await exportSetup(ctx(), 'terraform');
    const applied = await applyAll(ctx());
    assert.equal(applied.ok, true, JSON.stringify(applied.failed));
    const adopted = await exportSetup(ctx(), 'terraform');
    const strip = (m: SetupModel) => ({ ...m, provider: { ...m.provider, existingArn: undefined }, pool: { ...m.pool, existingId: undefined }, role: { ...m.role, existingArn: undefined }, inlinePolicy: m.inlinePolicy && { ...m.inlinePolicy, exists: false }, rolesAttachment: { ...m.rolesAttachment, exists: false }, notes: [] });
    // moto does not store AllowClassicFlow (it reads back undefined = false, the value the plan sets).
    assert.deepEqual(strip(adopted.model), strip(fresh.model));
    assert.equal(adopted.text.replace(/^import \{[^}]*\}\n\n/gm, ''), fresh.text, 'the same text but the import blocks');
  });

  it('the AWS CLI script against a fresh moto: the preflight passes with a tenant token, and a second run creates nothing (its pool on the second page)', async () => {
    // 60 other pools: the setup's pool lands on the second page of ListIdentityPools.
    for (let i = 0; i < 60; i++) await standins.ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: `other_${i}`, AllowUnauthenticatedIdentities: false }));
    const script = (await exportSetup(ctx(), 'cli')).text;
    const plan = await planAll(ctx(), EXPORT_STEPS);
    assert.deepEqual(await counts(), { providers: 0, pools: 60, roles: 0 }, 'exporting created nothing');
    const file = await write('setup.sh', script);
    const proxy = await startCountingProxy(moto);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${path.dirname(aws)}:${process.env.PATH ?? ''}`,
      AWS_ENDPOINT_URL: proxy.endpoint,
      AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
      AWS_CONFIG_FILE: path.join(dir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    for (const k of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION']) delete env[k];
    const value = (r: Ran, label: string): string => {
      const m = new RegExp(`^${label}: (.+)$`, 'm').exec(r.stdout);
      assert.ok(m?.[1], `${label} in\n${r.stdout}\n${r.stderr}`);
      return m[1];
    };
    try {
      const first = await run('bash', [file], { env });
      assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
      assert.deepEqual(proxy.requests.filter(isWriteRequest).map((q) => q.action),
        ['CreateOpenIDConnectProvider', 'CreateIdentityPool', 'CreateRole', 'PutRolePolicy', 'SetIdentityPoolRoles'], 'the calls of the plan');
      const poolId = value(first, 'Identity pool id');
      const roleArn = value(first, 'Authenticated role ARN');
      const providerArn = value(first, 'OIDC provider ARN');

      // What it built is what the plan says, field by field.
      const planned = { provider: call(plan, 'CreateOpenIDConnectProvider'), pool: call(plan, 'CreateIdentityPool'), role: call(plan, 'CreateRole'), put: call(plan, 'PutRolePolicy') };
      const gp = await standins.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
      assert.equal(`https://${gp.Url}`, planned.provider.Url);
      assert.deepEqual(gp.ClientIDList, planned.provider.ClientIDList);
      assert.deepEqual(gp.ThumbprintList, planned.provider.ThumbprintList);
      assert.deepEqual(gp.Tags, planned.provider.Tags);
      const dp = await standins.ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId }));
      assert.equal(dp.IdentityPoolName, planned.pool.IdentityPoolName);
      assert.equal(dp.AllowUnauthenticatedIdentities, false);
      assert.deepEqual(dp.OpenIdConnectProviderARNs, [providerArn]);
      assert.deepEqual(dp.IdentityPoolTags, planned.pool.IdentityPoolTags);
      const gr = await standins.iam.send(new GetRoleCommand({ RoleName: planned.role.RoleName }));
      assert.equal(gr.Role?.Arn, roleArn);
      assert.deepEqual(JSON.parse(decodeURIComponent(gr.Role?.AssumeRolePolicyDocument ?? '')), JSON.parse(recommendedTrustPolicy(poolId)));
      assert.deepEqual(JSON.parse(decodeURIComponent(gr.Role?.AssumeRolePolicyDocument ?? '')), trustWith(planned.role.AssumeRolePolicyDocument, poolId));
      assert.equal(gr.Role?.Description, planned.role.Description);
      assert.deepEqual(gr.Role?.Tags, planned.role.Tags);
      const rp = await standins.iam.send(new GetRolePolicyCommand({ RoleName: planned.role.RoleName, PolicyName: MINIMAL_POLICY_NAME }));
      assert.deepEqual(JSON.parse(decodeURIComponent(rp.PolicyDocument ?? '')), JSON.parse(MINIMAL_PERMISSIONS_POLICY));
      const gir = await standins.ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }));
      assert.deepEqual(gir.Roles, { authenticated: roleArn });

      // The extension's own preflight, with a tenant token, against that pool.
      const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
      process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
      try {
        const inspect = await runCli(['inspect-token', tenant.mintIdToken({ alg: 'RS256' }), '--pool', poolId, '--endpoint', moto.endpoint, '--ca', tenant.certs.rootPath, '--json']);
        const j = JSON.parse(inspect.out) as { verdict: string; preflight: { rules: { id: string; status: string; message: string }[] } };
        assert.equal(j.verdict, 'pass', j.preflight.rules.filter((x) => x.status !== 'pass').map((x) => `${x.id} ${x.status}: ${x.message}`).join('\n'));
        assert.equal(inspect.code, 0);
      } finally {
        if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID; else process.env.AWS_ACCESS_KEY_ID = saved.id;
        if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY; else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      }

      // Again: nothing new.
      const countsBefore = await counts();
      proxy.requests.length = 0;
      const second = await run('bash', [file], { env });
      assert.equal(second.code, 0, `${second.stdout}\n${second.stderr}`);
      assert.deepEqual(proxy.requests.filter(isWriteRequest).map((q) => q.action), [], 'the second run makes no write call');
      assert.ok(proxy.requests.length > 0, 'the second run did look');
      assert.deepEqual(await counts(), countsBefore);
      assert.equal(value(second, 'Identity pool id'), poolId);
      assert.equal(value(second, 'Authenticated role ARN'), roleArn);
    } finally {
      await proxy.close();
    }
  });

  it('values from outside are escaped: quotes, ${, %{, newlines and single quotes come back intact from cfn-lint, python-hcl2 and bash', async () => {
    const plan = await planAll(ctx(), EXPORT_STEPS);
    const base = setupModel(plan, config(), await readExisting(ctx(), plan));
    const nasty = 'it\'s a "pool" ${x} %{y} $(touch /tmp/pwned) `id` \\ \t end';
    const model: SetupModel = {
      ...base,
      pool: { ...base.pool, name: nasty, tags: { [SETUP_TAG_KEY]: nasty } },
      role: { ...base.role, description: `${nasty}\nsecond line` },
      notes: ['a note\nAWSTemplateFormatVersion: injected\nresource "x" "y" {}\nrm -rf /'],
    };
    // cfn-lint checks the values against CloudFormation's patterns (a pool name has no quotes):
    // lint a template with the role's description and a note from outside, decode the rest.
    await cfnLint(renderCloudFormation({ ...model, pool: base.pool }));
    const cfn = await decodeCfn(lint, await write('setup.yaml', renderCloudFormation(model)));
    assert.equal(cfn.Resources.IdentityPool.Properties.IdentityPoolName, nasty);
    assert.deepEqual(cfn.Resources.IdentityPool.Properties.IdentityPoolTags, [{ Key: SETUP_TAG_KEY, Value: nasty }]);
    assert.equal(cfn.Resources.AuthenticatedRole.Properties.Description, `${nasty}\nsecond line`);
    assert.equal(Object.keys(cfn.Resources).length, 4);
    const hcl = await parseHcl(lint, await write('main.tf', renderTerraform(model)));
    assert.equal(resources(hcl, 'aws_cognito_identity_pool').this.identity_pool_name, nasty);
    assert.equal(resources(hcl, 'aws_iam_role').authenticated.description, `${nasty}\nsecond line`);
    assert.deepEqual((hcl.resource as Json[]).map((x) => Object.keys(x)[0]), [
      'aws_iam_openid_connect_provider', 'aws_cognito_identity_pool', 'aws_iam_role', 'aws_iam_role_policy', 'aws_cognito_identity_pool_roles_attachment',
    ], 'a note from outside stays a comment');

    // bash: a stand-in `aws` logs its arguments; the JSON it gets holds the values as they are.
    const bin = path.join(dir, 'fake-aws');
    await fs.mkdir(bin, { recursive: true });
    const log = path.join(dir, 'aws-args.log');
    await fs.writeFile(path.join(bin, 'aws'), [
      '#!/usr/bin/env bash',
      'printf \'%s\\0\' "$@" >>"$AWS_ARGS_LOG"; printf \'\\n--\\0\' >>"$AWS_ARGS_LOG"',
      'case "$*" in',
      '  *create-open-id-connect-provider*) echo arn:aws:iam::123456789012:oidc-provider/x ;;',
      '  *create-identity-pool*) echo us-east-1:00000000-0000-0000-0000-000000000000 ;;',
      '  *get-role*) exit 254 ;;',
      '  *create-role*) echo arn:aws:iam::123456789012:role/r ;;',
      '  *get-identity-pool-roles*) echo None ;;',
      'esac',
    ].join('\n'), { mode: 0o755 });
    const sh = await write('setup.sh', renderAwsCli(model));
    const r = await run('bash', [sh], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, AWS_ARGS_LOG: log } });
    assert.equal(r.code, 0, r.stderr);
    await fs.access('/tmp/pwned').then(() => assert.fail('a value was run as a command'), () => undefined);
    const calls = (await fs.readFile(log, 'utf8')).split('\n--\0').map((c) => c.split('\0').filter(Boolean));
    const createPool = calls.find((c) => c.includes('create-identity-pool'));
    const input = JSON.parse(createPool?.[createPool.indexOf('--cli-input-json') + 1] ?? '{}') as Json;
    assert.equal(input.IdentityPoolName, nasty);
    assert.deepEqual(input.OpenIdConnectProviderARNs, ['arn:aws:iam::123456789012:oidc-provider/x'], 'the placeholder is filled in');
    const createRole = calls.find((c) => c.includes('create-role'));
    const roleInput = JSON.parse(createRole?.[createRole.indexOf('--cli-input-json') + 1] ?? '{}') as Json;
    assert.equal(roleInput.Description, `${nasty}\nsecond line`);
    assert.equal(JSON.parse(roleInput.AssumeRolePolicyDocument).Statement[0].Condition.StringEquals[AUD], 'us-east-1:00000000-0000-0000-0000-000000000000');
  });
  // ---------------------------------------------------------------------------------------------
  // Issue 13: role mappings and principal tags in the exports.

  const ADMIN_ROLE = 'Admins';
  async function adminRole(): Promise<string> {
    const r = await standins.iam.send(new CreateRoleCommand({ RoleName: ADMIN_ROLE, AssumeRolePolicyDocument: recommendedTrustPolicy('us-east-1:00000000-0000-0000-0000-000000000000') }));
    return r.Role!.Arn!;
  }
  /** A Rules mapping with two rules (the second chooses the setup's own role) and a custom tag map. */
  const rulesRoles = (adminArn: string, setupRoleArn: string): NonNullable<SetupConfig['roles']> => ({
    mapping: {
      type: 'Rules',
      ambiguousRoleResolution: 'Deny',
      rules: [
        { claim: 'https://example.com/roles', matchType: 'Contains', value: 'admin', roleArn: adminArn },
        { claim: 'tenant', matchType: 'Equals', value: 'acme', roleArn: setupRoleArn },
      ],
    },
    principalTags: { useDefaults: false, map: { tenant: 'https://example.com/tenant', tier: 'tier' } },
  });
  const rctx = (roles: SetupConfig['roles']): SetupContext => ctx({ config: { ...config(), roles } });
  const predictedRoleArn = (plan: PlanAllResult): string => plan.outputs.roleArn!;

  it('roles by user on an existing pool: the exports carry the "Roles by user" step\'s calls field by field and pass cfn-lint and checkov', async () => {
    const adminArn = await adminRole();
    const base = await applyAll(ctx());
    assert.equal(base.ok, true, JSON.stringify(base.failed));
    const { poolId, roleArn } = base.outputs;
    const roles = rulesRoles(adminArn, roleArn!);
    const plan = await planAll(rctx(roles), [...EXPORT_STEPS, 'roleMappings']);
    assert.equal(plan.ok, true, JSON.stringify(plan.failed));
    const set = call(plan, 'SetIdentityPoolRoles');
    const tags = call(plan, 'SetPrincipalTagAttributeMap');
    const key = tenant.domain;
    assert.deepEqual(Object.keys(set.RoleMappings), [key], 'the mapping\'s key is the Logins key');
    const want = set.RoleMappings[key];
    sent.length = 0;
    const cfnExport = await exportSetup(rctx(roles), 'cloudformation');
    const tfExport = await exportSetup(rctx(roles), 'terraform');
    assert.deepEqual(sent.filter(isWrite).map((x) => x.action), [], 'exporting writes nothing');

    const cfn = await cfnLint(cfnExport.text);
    const att = cfn.Resources.IdentityPoolRoles.Properties;
    assert.deepEqual(att.Roles, { authenticated: { 'Fn::GetAtt': ['AuthenticatedRole', 'Arn'] } });
    const asCfnArn = (arn: string) => (arn === roleArn ? { 'Fn::GetAtt': ['AuthenticatedRole', 'Arn'] } : arn);
    assert.deepEqual(att.RoleMappings, {
      Auth0: {
        IdentityProvider: { Ref: 'Auth0Domain' },
        Type: want.Type,
        AmbiguousRoleResolution: want.AmbiguousRoleResolution,
        RulesConfiguration: { Rules: want.RulesConfiguration.Rules.map((r: Json) => ({ ...r, RoleARN: asCfnArn(r.RoleARN) })) },
      },
    });
    assert.equal(cfn.Parameters.Auth0Domain.Default, key);
    assert.deepEqual(cfn.Resources.Auth0PrincipalTags, {
      Type: 'AWS::Cognito::IdentityPoolPrincipalTag',
      Properties: { IdentityPoolId: { Ref: 'IdentityPool' }, IdentityProviderName: { Ref: 'Auth0Domain' }, UseDefaults: tags.UseDefaults, PrincipalTags: tags.PrincipalTags },
    });
    assert.equal(tags.IdentityProviderName, key);
    // The role the setup makes: sts:TagSession, as the step's UpdateAssumeRolePolicy for it.
    const trustFix = plan.reviews.flatMap((r) => r.plan?.calls ?? []).find((c) => c.action === 'UpdateAssumeRolePolicy' && c.params.RoleName === roleArn!.split('/').pop());
    assert.ok(trustFix, 'the step adds sts:TagSession to the setup\'s role');
    assert.deepEqual(cfn.Resources.AuthenticatedRole.Properties.AssumeRolePolicyDocument, trustWith(trustFix.params.PolicyDocument as string, { Ref: 'IdentityPool' }));
    assert.match(cfnExport.text, new RegExp(`# Role mapping rules choose ${adminArn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: exported as given`));

    const hcl = await checkTerraform(tfExport.text);
    const asTfArn = (arn: string) => (arn === roleArn ? '${aws_iam_role.authenticated.arn}' : arn);
    assert.deepEqual(resources(hcl, 'aws_cognito_identity_pool_roles_attachment').this.role_mapping, [{
      identity_provider: '${var.auth0_domain}',
      type: want.Type,
      ambiguous_role_resolution: want.AmbiguousRoleResolution,
      mapping_rule: want.RulesConfiguration.Rules.map((r: Json) => ({ claim: r.Claim, match_type: r.MatchType, value: r.Value, role_arn: asTfArn(r.RoleARN) })),
    }]);
    assert.deepEqual(noComments(resources(hcl, 'aws_cognito_identity_pool_provider_principal_tag').auth0), {
      identity_pool_id: '${aws_cognito_identity_pool.this.id}',
      identity_provider_name: '${var.auth0_domain}',
      use_defaults: tags.UseDefaults,
      principal_tags: tags.PrincipalTags,
    });
    assert.deepEqual(resources(hcl, 'aws_iam_role').authenticated.assume_role_policy, { jsonencode: trustWith(trustFix.params.PolicyDocument as string, '${aws_cognito_identity_pool.this.id}') });
    assert.equal(tfExport.imports[TF.attachment], poolId);
    assert.equal(tfExport.imports[TF.principalTags], undefined, 'no tag map yet: nothing to import');

    // Applied: the next export imports the tag map ("POOL_ID:PROVIDER") and describes the same mapping (read back).
    const applied = await applyAll(rctx(roles));
    assert.equal(applied.ok, true, JSON.stringify(applied.failed));
    const after = await exportSetup(ctx(), 'terraform'); // no config.roles: what exists is kept
    assert.equal(after.imports[TF.principalTags], `${poolId}:${key}`);
    const hcl2 = await checkTerraform(after.text);
    assert.deepEqual(resources(hcl2, 'aws_cognito_identity_pool_roles_attachment').this.role_mapping, resources(hcl, 'aws_cognito_identity_pool_roles_attachment').this.role_mapping,
      'an export without config.roles keeps the pool\'s mapping (a terraform apply would not clear it)');
    assert.deepEqual(resources(hcl2, 'aws_cognito_identity_pool_provider_principal_tag').auth0, resources(hcl, 'aws_cognito_identity_pool_provider_principal_tag').auth0);
    assert.ok((hcl2.import as Json[]).some((i) => i.to === '${aws_cognito_identity_pool_provider_principal_tag.auth0}' && i.id === `${poolId}:${key}`));
  });

  it('roles by user in a fresh account: a Token mapping with the default tags, and a Rules mapping, pass cfn-lint and checkov', async () => {
    const cases: Array<{ mapping: RoleMappingConfig; principalTags: PrincipalTagsConfig }> = [
      { mapping: { type: 'Token', ambiguousRoleResolution: 'AuthenticatedRole' }, principalTags: { useDefaults: true } },
      rulesRoles('arn:aws:iam::123456789012:role/Admins', predictedRoleArn(await planAll(ctx(), EXPORT_STEPS))) as { mapping: RoleMappingConfig; principalTags: PrincipalTagsConfig },
    ];
    for (const roles of cases) {
      const c = await exportSetup(rctx(roles), 'cloudformation');
      const cfn = await cfnLint(c.text);
      const rm = cfn.Resources.IdentityPoolRoles.Properties.RoleMappings.Auth0;
      assert.equal(rm.Type, roles.mapping.type);
      assert.equal(rm.AmbiguousRoleResolution, roles.mapping.ambiguousRoleResolution);
      assert.equal(cfn.Resources.Auth0PrincipalTags.Properties.UseDefaults, roles.principalTags.useDefaults);
      const trust = cfn.Resources.AuthenticatedRole.Properties.AssumeRolePolicyDocument;
      assert.deepEqual(trust.Statement[0].Action, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'], 'tags are mapped: the new role allows sts:TagSession');
      const t = await exportSetup(rctx(roles), 'terraform');
      const hcl = await checkTerraform(t.text);
      const m = resources(hcl, 'aws_cognito_identity_pool_roles_attachment').this.role_mapping[0];
      assert.equal(m.type, roles.mapping.type);
      assert.equal(m.identity_provider, '${var.auth0_domain}');
      if (roles.mapping.type === 'Token') {
        assert.equal(m.mapping_rule, undefined);
        assert.equal(cfn.Resources.Auth0PrincipalTags.Properties.PrincipalTags, undefined);
      } else {
        assert.equal(m.mapping_rule[1].role_arn, '${aws_iam_role.authenticated.arn}', 'the rule choosing the setup\'s role references it');
        assert.deepEqual(cfn.Resources.IdentityPoolRoles.Properties.RoleMappings.Auth0.RulesConfiguration.Rules[1].RoleARN, { 'Fn::GetAtt': ['AuthenticatedRole', 'Arn'] });
      }
    }
  });

  it('the AWS CLI script with role mappings and principal tags: it sets them as the config says, and a second run writes nothing', async () => {
    const adminArn = await adminRole();
    const plan = await planAll(ctx(), EXPORT_STEPS);
    const roles = rulesRoles(adminArn, predictedRoleArn(plan));
    const script = (await exportSetup(rctx(roles), 'cli')).text;
    const file = await write('setup.sh', script);
    const proxy = await startCountingProxy(moto);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${path.dirname(aws)}:${process.env.PATH ?? ''}`,
      AWS_ENDPOINT_URL: proxy.endpoint,
      AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
      AWS_CONFIG_FILE: path.join(dir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    for (const k of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION']) delete env[k];
    try {
      const first = await run('bash', [file], { env });
      assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
      assert.deepEqual(proxy.requests.filter(isWriteRequest).map((q) => q.action),
        ['CreateOpenIDConnectProvider', 'CreateIdentityPool', 'CreateRole', 'PutRolePolicy', 'SetIdentityPoolRoles', 'SetPrincipalTagAttributeMap']);
      const poolId = /^Identity pool id: (.+)$/m.exec(first.stdout)?.[1];
      assert.ok(poolId, first.stdout);
      const gir = await standins.ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }));
      assert.deepEqual(gir.RoleMappings, { [tenant.domain]: toAwsRoleMapping(roles.mapping!) }, 'the mapping as the config says, the setup\'s role by its real ARN');
      const tagMap = await standins.ci.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: tenant.domain }));
      assert.equal(tagMap.UseDefaults, false);
      assert.deepEqual(tagMap.PrincipalTags, roles.principalTags!.map);
      const gr = await standins.iam.send(new GetRoleCommand({ RoleName: plan.outputs.roleArn!.split('/').pop() }));
      assert.deepEqual(JSON.parse(decodeURIComponent(gr.Role!.AssumeRolePolicyDocument!)).Statement[0].Action, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']);

      proxy.requests.length = 0;
      const second = await run('bash', [file], { env });
      assert.equal(second.code, 0, `${second.stdout}\n${second.stderr}`);
      assert.deepEqual(proxy.requests.filter(isWriteRequest).map((q) => q.action), [], 'the second run compares and writes nothing');

      // A mapping changed outside the script (a rule's value): the script puts it back.
      await standins.ci.send(new SetIdentityPoolRolesCommand({
        IdentityPoolId: poolId, Roles: gir.Roles, RoleMappings: { [tenant.domain]: { ...gir.RoleMappings![tenant.domain]!, AmbiguousRoleResolution: 'AuthenticatedRole' } },
      }));
      proxy.requests.length = 0;
      const third = await run('bash', [file], { env });
      assert.equal(third.code, 0, third.stderr);
      assert.deepEqual(proxy.requests.filter(isWriteRequest).map((q) => q.action), ['SetIdentityPoolRoles']);
      assert.deepEqual((await standins.ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }))).RoleMappings, gir.RoleMappings);
    } finally {
      await proxy.close();
    }
  });
});
