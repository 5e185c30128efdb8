/**
 * Inside a real VS Code: the Resources view against moto (a provider for the local tenant, an
 * identity pool using it with its role, 60 more pools, a role without an aud condition), read
 * through the view's own TreeDataProvider (the test-only command auth0Cognito.resources.debugSnapshot
 * walks getChildren/getTreeItem), and its actions: reveal, load more, copy ARN, check thumbprint,
 * show details, use in wizard; one group failing while the others work.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateAccessKeyCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateUserCommand, GetOpenIDConnectProviderCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CognitoIdentityClient, CreateIdentityPoolCommand } from '@aws-sdk/client-cognito-identity';
import { startTenant, type Tenant } from '../../standins/tenant';
import { awsClientConfig, startMoto, type Moto } from '../../standins/moto';
import { buildWorld, cognitoTrustPolicy, type World } from '../../standins/world';
import { listAwsProfiles } from '../../../src/engine/aws/profiles';
import { applyAll, createSetupCache } from '../../../src/engine/setup';
import { DescribeIdentityPoolCommand, SetIdentityPoolRolesCommand, SetPrincipalTagAttributeMapCommand } from '@aws-sdk/client-cognito-identity';
import { GetRoleCommand } from '@aws-sdk/client-iam';

interface SnapshotNode {
  id: string;
  kind: string;
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  command?: { command: string; arguments?: unknown[] };
  icon?: string;
  children?: SnapshotNode[];
}
interface Snapshot {
  description: string;
  state: string;
  stats: { calls: number; byAction: Record<string, number>; maxInFlight: number } | undefined;
  selection: string[];
  /** How often VS Code itself (not the snapshot) asked for a node's children. */
  fetchedByVsCode: Record<string, number>;
  nodes: SnapshotNode[];
}

/** Waits until VS Code itself has asked for the children of `id` (it drops the request when it lost the node's handle). */
async function fetchedByVsCode(id: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const n = (await snapshot()).fetchedByVsCode[id] ?? 0;
    if (n > 0) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
  return 0;
}

const snapshot = (expand: string[] = []) => vscode.commands.executeCommand<Snapshot>('auth0Cognito.resources.debugSnapshot', { expand });
const group = (s: Snapshot, label: string) => {
  const g = s.nodes.find((n) => n.label === label);
  assert.ok(g, `group ${label} in ${JSON.stringify(s.nodes.map((n) => n.label))}`);
  return g;
};
const child = (n: SnapshotNode | undefined, label: string) => {
  const c = n?.children?.find((x) => x.label === label);
  assert.ok(c, `${label} under ${n?.id}: ${JSON.stringify(n?.children?.map((x) => x.label))}`);
  return c;
};

type Win = typeof vscode.window;
interface Answered<T> { result: T; modals: Array<{ message: string; detail: string | undefined }>; inputs: vscode.InputBoxOptions[] }

/**
 * Runs `fn` with the modal warnings answered by `modal` and input boxes by `name` (undefined:
 * dismissed). The extension and this suite share one \`vscode\` API object, so replacing the
 * functions for the duration of `fn` is what the extension sees.
 */
async function withAnswers<T>(answers: { modal: string | undefined; name: string | undefined }, fn: () => Thenable<T>): Promise<Answered<T>> {
  const w = vscode.window as { -readonly [K in keyof Win]: Win[K] };
  const warn = w.showWarningMessage;
  const input = w.showInputBox;
  const modals: Answered<T>['modals'] = [];
  const inputs: vscode.InputBoxOptions[] = [];
  w.showWarningMessage = ((message: string, ...rest: unknown[]) => {
    const o = rest[0] as vscode.MessageOptions | undefined;
    if (o && typeof o === 'object' && o.modal) {
      modals.push({ message, detail: o.detail });
      return Promise.resolve(answers.modal);
    }
    return (warn as (...a: unknown[]) => Thenable<unknown>).call(vscode.window, message, ...rest);
  }) as Win['showWarningMessage'];
  w.showInputBox = ((o?: vscode.InputBoxOptions) => {
    inputs.push(o ?? {});
    return Promise.resolve(answers.name);
  }) as Win['showInputBox'];
  try {
    return { result: await fn(), modals, inputs };
  } finally {
    w.showWarningMessage = warn;
    w.showInputBox = input;
  }
}

describe('Resources view (tree of providers, pools and roles)', function () {
  this.timeout(120_000);
  let tenant: Tenant;
  let moto: Moto;
  let world: World;
  const cfg = () => vscode.workspace.getConfiguration('auth0Cognito');
  const env = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  before(async () => {
    [tenant, moto] = await Promise.all([startTenant(), startMoto()]);
    world = await buildWorld(moto, tenant, { name: 'resources' });
    const iam = new IAMClient(awsClientConfig(moto));
    const ci = new CognitoIdentityClient(awsClientConfig(moto));
    await iam.send(new CreateRoleCommand({ RoleName: 'loose-role', AssumeRolePolicyDocument: cognitoTrustPolicy(world.poolId, false) }));
    for (let i = 0; i < 60; i++) await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: `extra_${i}`, AllowUnauthenticatedIdentities: false }));
    iam.destroy();
    ci.destroy();
    process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
    await cfg().update('aws.endpoint', moto.endpoint, vscode.ConfigurationTarget.Global);
    await cfg().update('aws.region', moto.region, vscode.ConfigurationTarget.Global);
    await cfg().update('extraCaCertificates', [tenant.certs.rootPath], vscode.ConfigurationTarget.Global);
    await vscode.extensions.getExtension('auth0-cognito-bridge.auth0-cognito-bridge')?.activate();
    await vscode.commands.executeCommand('auth0Cognito.resources.refresh');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const k of ['aws.endpoint', 'aws.region', 'extraCaCertificates']) await cfg().update(k, undefined, vscode.ConfigurationTarget.Global);
    process.env.AWS_ACCESS_KEY_ID = env.id;
    process.env.AWS_SECRET_ACCESS_KEY = env.secret;
    if (env.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (env.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    await vscode.commands.executeCommand('auth0Cognito.resources.refresh');
    await Promise.allSettled([tenant?.stop(), moto?.stop()]);
  });

  it('shows the three groups for "profile · region", each listed with one AWS call', async () => {
    const s = await snapshot();
    assert.equal(s.state, 'ready');
    assert.deepEqual(s.nodes.map((n) => n.label), ['OIDC providers', 'Identity pools', 'Roles trusting Cognito']);
    assert.equal(s.description, `default · ${moto.region} · 127.0.0.1:${moto.port}`);
    const providers = group(s, 'OIDC providers');
    const p = child(providers, tenant.domain);
    assert.equal(p.id, `provider:${world.providerArn}`);
    assert.match(p.description ?? '', new RegExp(world.providerArn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(p.contextValue, 'provider');
    const pools = group(s, 'Identity pools');
    assert.equal(pools.children?.filter((n) => n.kind === 'pool').length, 50, 'first page');
    assert.equal(pools.children?.at(-1)?.kind, 'loadMore');
    assert.equal(pools.children?.at(-1)?.command?.command, 'auth0Cognito.resources.loadMore');
    const roles = group(s, 'Roles trusting Cognito');
    const good = child(roles, 'resources-auth');
    assert.equal(good.icon, 'shield');
    assert.equal(good.description, `pool ${world.poolId} · authenticated identities`);
    const loose = child(roles, 'loose-role');
    assert.equal(loose.icon, 'warning');
    assert.match(loose.description ?? '', /^⚠ no aud · any identity pool/);
    assert.match(loose.tooltip ?? '', /ANY identity pool/);
    assert.deepEqual(s.stats?.byAction, { ListOpenIDConnectProviders: 1, ListIdentityPools: 1, ListRoles: 1 });
  });

  it('expands a pool (its provider, roles, guest access, classic flow) and reveals the provider node from it', async () => {
    const poolNode = `pool:${world.poolId}`;
    const s = await snapshot([poolNode]);
    const pool = child(group(s, 'Identity pools'), 'resources');
    assert.equal(pool.id, poolNode);
    assert.equal(pool.description, world.poolId);
    const providers = child(pool, 'OIDC providers');
    const p = child(providers, tenant.domain);
    assert.deepEqual(p.command, { command: 'auth0Cognito.resources.reveal', arguments: ['provider', world.providerArn] });
    assert.equal(child(pool, 'Authenticated role').description, 'resources-auth');
    assert.equal(child(pool, 'Unauthenticated role').description, '(none)');
    assert.equal(child(pool, 'Unauthenticated (guest) access').description, 'off');
    assert.equal(child(pool, 'Basic (classic) flow').description, 'not reported', 'moto does not return AllowClassicFlow');
    assert.equal(s.stats?.byAction.DescribeIdentityPool, 1);
    assert.equal(s.stats?.byAction.GetIdentityPoolRoles, 1);

    const shown = await vscode.commands.executeCommand<boolean>(p.command!.command, ...(p.command!.arguments ?? []));
    assert.equal(shown, true);
    const after = await snapshot();
    assert.deepEqual(after.selection, [`provider:${world.providerArn}`], 'TreeView.reveal selected the provider node');
  });

  it('expands a provider: client IDs, thumbprints, creation date', async () => {
    const id = `provider:${world.providerArn}`;
    const s = await snapshot([id]);
    const p = child(group(s, 'OIDC providers'), tenant.domain);
    const ids = child(p, 'Client IDs');
    assert.deepEqual(ids.children?.map((c) => c.label), [tenant.app.client_id]);
    assert.equal(ids.children?.[0]?.contextValue, 'value');
    assert.deepEqual(child(p, 'Thumbprints').children?.map((c) => c.label), [tenant.certs.fingerprints.intermediate]);
    assert.match(child(p, 'Created').description ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  });

  it('"Load more" loads the next page of pools with one more call', async () => {
    await vscode.commands.executeCommand('auth0Cognito.resources.loadMore', 'pools');
    const s = await snapshot();
    const pools = group(s, 'Identity pools');
    assert.equal(pools.children?.filter((n) => n.kind === 'pool').length, 61);
    assert.ok(!pools.children?.some((n) => n.kind === 'loadMore'));
    assert.equal(pools.description, '61');
    assert.equal(s.stats?.byAction.ListIdentityPools, 2);
  });

  it('the real tree (not only the provider) expands nodes: revealed with expand, VS Code asks for their children, also after "Load more"', async () => {
    assert.equal(await vscode.commands.executeCommand('auth0Cognito.resources.reveal', 'role', 'loose-role', { expand: true }), true);
    assert.ok(await fetchedByVsCode('role:loose-role'), 'VS Code fetched the role\'s children');
    // A pool from the second page, after the group was redrawn by "Load more".
    const s = await snapshot();
    const last = group(s, 'Identity pools').children?.filter((n) => n.kind === 'pool').at(-1);
    assert.ok(last);
    assert.equal(await vscode.commands.executeCommand('auth0Cognito.resources.reveal', 'pool', last.id.slice('pool:'.length), { expand: true }), true);
    assert.ok(await fetchedByVsCode(last.id), `VS Code fetched the children of ${last.id}`);
  });

  it('copies a provider\'s ARN to the clipboard', async () => {
    const copied = await vscode.commands.executeCommand<string>('auth0Cognito.resources.copyArn', `provider:${world.providerArn}`);
    assert.equal(copied, world.providerArn);
    assert.equal(await vscode.env.clipboard.readText(), world.providerArn);
  });

  it('checks the provider\'s thumbprint against the host (badge in the description)', async () => {
    const check = await vscode.commands.executeCommand<{ status: string; current: string }>('auth0Cognito.resources.checkThumbprint', `provider:${world.providerArn}`);
    assert.equal(check?.status, 'current');
    assert.equal(check.current, tenant.certs.fingerprints.intermediate);
    const s = await snapshot([`provider:${world.providerArn}`]);
    const p = child(group(s, 'OIDC providers'), tenant.domain);
    assert.match(p.description ?? '', /^✓ thumbprint current · /);
    assert.equal(child(child(p, 'Thumbprints'), tenant.certs.fingerprints.intermediate).description, 'current');
  });

  it('shows a pool\'s details as a read-only JSON document', async () => {
    const r = await vscode.commands.executeCommand<{ uri: string }>('auth0Cognito.resources.showDetails', `pool:${world.poolId}`);
    assert.ok(r?.uri.startsWith('auth0-cognito-resource:'), r?.uri);
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.scheme, 'auth0-cognito-resource');
    assert.equal(doc.languageId, 'json');
    const json = JSON.parse(doc.getText());
    assert.equal(json.poolId, world.poolId);
    assert.deepEqual(json.openIdConnectProviderArns, [world.providerArn]);
    assert.equal(json.roles.authenticated, world.roleArn);
    assert.match(json.console, /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cognito\/v2\/identity\/identity-pools\//);
  });

  it('"Use in Setup Wizard" stores the selection, and the wizard shows it (with Clear)', async () => {
    const sel = await vscode.commands.executeCommand<{ poolId?: string; providerArn?: string; region?: string }>('auth0Cognito.resources.useInWizard', `pool:${world.poolId}`);
    assert.equal(sel?.poolId, world.poolId);
    const sel2 = await vscode.commands.executeCommand<{ poolId?: string; providerArn?: string }>('auth0Cognito.resources.useInWizard', `provider:${world.providerArn}`);
    assert.deepEqual([sel2?.poolId, sel2?.providerArn], [world.poolId, world.providerArn]);
    // Not a hidden key: the wizard's state says which pool it uses ("Using pool X from the Resources view — Clear").
    const wizard = await vscode.commands.executeCommand<{ picked?: { poolId?: string; used: boolean } }>('auth0Cognito.wizard.debugState');
    assert.deepEqual([wizard?.picked?.poolId, wizard?.picked?.used], [world.poolId, true]);
  });

  it('one failing group (no Cognito permission) shows an error node; the other groups still list', async () => {
    const iam = new IAMClient(awsClientConfig(moto));
    await iam.send(new CreateUserCommand({ UserName: 'iam-only' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'iam-only', PolicyName: 'iam', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' }] }) }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'iam-only' }));
    iam.destroy();
    const auth = (n: string) => fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: n });
    process.env.AWS_ACCESS_KEY_ID = key.AccessKey!.AccessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = key.AccessKey!.SecretAccessKey;
    await auth('0');
    try {
      await vscode.commands.executeCommand('auth0Cognito.resources.refresh');
      const s = await snapshot();
      const pools = group(s, 'Identity pools');
      assert.equal(pools.children?.length, 1);
      const err = pools.children?.[0];
      assert.equal(err?.kind, 'error');
      assert.equal(err?.label, 'Failed to load identity pools (click to retry)');
      assert.match(err?.description ?? '', /ListIdentityPools/);
      assert.equal(err?.command?.command, 'auth0Cognito.resources.refresh');
      assert.ok(child(group(s, 'OIDC providers'), tenant.domain));
      assert.ok(child(group(s, 'Roles trusting Cognito'), 'loose-role'));
    } finally {
      await auth('inf');
      process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
      await vscode.commands.executeCommand('auth0Cognito.resources.refresh');
    }
    const again = await snapshot();
    assert.equal(group(again, 'Identity pools').children?.filter((n) => n.kind === 'pool').length, 50, 'usable again after refresh');
  });

  it('deleting a provider the extension did not create says so and asks for its name; a wrong or no name deletes nothing', async () => {
    const iam = new IAMClient(awsClientConfig(moto));
    try {
      const gh = await iam.send(new CreateOpenIDConnectProviderCommand({
        Url: 'https://token.actions.githubusercontent.com', ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      }));
      const arn = gh.OpenIDConnectProviderArn!;
      const exists = () => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })).then(() => true, () => false);
      await vscode.commands.executeCommand('auth0Cognito.resources.refresh');
      child(group(await snapshot(), 'OIDC providers'), 'token.actions.githubusercontent.com');
      const del = () => vscode.commands.executeCommand<string | undefined>('auth0Cognito.resources.delete', `provider:${arn}`);

      const wrong = await withAnswers({ modal: 'Delete', name: 'token.actions.githubusercontent.co' }, del);
      assert.equal(wrong.result, undefined);
      assert.equal(wrong.modals.length, 1);
      assert.match(wrong.modals[0]!.message, /token\.actions\.githubusercontent\.com.*not created by this extension/);
      assert.match(wrong.modals[0]!.detail ?? '', /auth0-cognito-bridge:setup/);
      assert.match(wrong.modals[0]!.detail ?? '', /type its name, token\.actions\.githubusercontent\.com/);
      assert.equal(wrong.inputs.length, 1, 'asked for the name');
      const validate = wrong.inputs[0]!.validateInput!;
      assert.ok(await validate('token.actions.githubusercontent.co'), 'a wrong name is refused');
      assert.ok(await validate('TOKEN.ACTIONS.GITHUBUSERCONTENT.COM'), 'the name must match exactly');
      assert.equal(await validate('token.actions.githubusercontent.com'), undefined);
      assert.equal(await exists(), true, 'a wrong name deleted nothing');

      const dismissed = await withAnswers({ modal: 'Delete', name: undefined }, del);
      assert.equal(dismissed.result, undefined);
      assert.equal(dismissed.inputs.length, 1);
      assert.equal(await exists(), true, 'a dismissed name box deleted nothing');

      const no = await withAnswers({ modal: undefined, name: 'token.actions.githubusercontent.com' }, del);
      assert.equal(no.inputs.length, 0, 'no name asked after the confirmation was declined');
      assert.equal(await exists(), true);

      const typed = await withAnswers({ modal: 'Delete', name: 'token.actions.githubusercontent.com' }, del);
      assert.match(typed.result ?? '', /Deleted/);
      assert.equal(await exists(), false, 'deleted once the exact name was typed');
    } finally {
      iam.destroy();
    }
  });

  it('deleting a provider the extension tagged asks no name', async () => {
    const iam = new IAMClient(awsClientConfig(moto));
    try {
      const ours = await iam.send(new CreateOpenIDConnectProviderCommand({
        Url: 'https://ours.example.com', ClientIDList: ['some-client'], ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
        Tags: [{ Key: 'auth0-cognito-bridge:setup', Value: 'test' }],
      }));
      const arn = ours.OpenIDConnectProviderArn!;
      await vscode.commands.executeCommand('auth0Cognito.resources.refresh');
      child(group(await snapshot(), 'OIDC providers'), 'ours.example.com');
      const r = await withAnswers({ modal: 'Delete', name: undefined },
        () => vscode.commands.executeCommand<string | undefined>('auth0Cognito.resources.delete', `provider:${arn}`));
      assert.equal(r.modals.length, 1);
      assert.doesNotMatch(r.modals[0]!.message, /not created by this extension/);
      assert.equal(r.inputs.length, 0);
      assert.match(r.result ?? '', /Deleted/);
      await assert.rejects(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
    } finally {
      iam.destroy();
    }
  });

  it('"Audit Resources" decorates the tree with the findings of `auth0-cognito resources`: the role trusting any pool is an error', async () => {
    const r = await vscode.commands.executeCommand<{ counts: Record<string, number>; findings: Record<string, string[]> } | undefined>('auth0Cognito.resources.audit');
    assert.ok(r, 'the audit ran');
    const loose = Object.entries(r.findings).find(([k]) => k.endsWith(':role/loose-role'));
    assert.ok(loose, `loose-role has findings: ${JSON.stringify(Object.keys(r.findings))}`);
    assert.ok(loose[1].includes('trust-any-pool'), JSON.stringify(loose[1]));
    assert.ok((r.counts.error ?? 0) >= 1);
    // The world's own role is pinned to its pool: no trust finding on it.
    const own = Object.entries(r.findings).find(([k]) => k === world.roleArn);
    assert.ok(!own || !own[1].some((c) => c.startsWith('trust-')), JSON.stringify(own));
    const s = await snapshot(['group:roles', `role:loose-role`]);
    const role = child(group(s, 'Roles trusting Cognito'), 'loose-role');
    assert.match(role.description ?? '', /⚠ \d+ findings? · /);
    assert.equal(role.children?.[0]?.label, 'trust-any-pool', 'the finding is the first child');
    assert.match(role.children?.[0]?.description ?? '', /any identity pool/i);
    // A full refresh forgets the findings (they could be stale).
    await vscode.commands.executeCommand('auth0Cognito.resources.refresh');
    const after = child(group(await snapshot(['group:roles']), 'Roles trusting Cognito'), 'loose-role');
    assert.doesNotMatch(after.description ?? '', /finding/);
  });

  it('"Tear Down This Setup" on a tagged pool removes the pool and role its setup made, keeps the untagged provider; an untagged pool is refused', async () => {
    const config = { aws: { region: moto.region, endpoint: moto.endpoint }, auth0: { domain: tenant.domain, clientId: tenant.app.client_id }, names: { poolName: 'tree_setup' } };
    const made = await applyAll({ config, trust: { extraCaPems: [tenant.certs.rootPem] }, awsCredentials: moto.credentials, cache: createSetupCache() }, ['connections', 'oidcProvider', 'identityPool', 'authenticatedRole']);
    assert.equal(made.ok, true, JSON.stringify(made.failed));
    const poolId = made.outputs.poolId!;
    assert.equal(made.outputs.providerArn, world.providerArn, 'the world\'s (untagged) provider was adopted');
    const iam = new IAMClient(awsClientConfig(moto));
    const ci = new CognitoIdentityClient(awsClientConfig(moto));
    try {
      await vscode.commands.executeCommand('auth0Cognito.resources.refresh');
      // The world's pool carries no tag: nothing to tear down, nothing deleted.
      const refused = await withAnswers({ modal: 'Tear Down', name: undefined },
        () => vscode.commands.executeCommand<string | undefined>('auth0Cognito.resources.teardown', `pool:${world.poolId}`));
      assert.equal(refused.modals.length, 0);
      assert.match(refused.result ?? '', /no auth0-cognito-bridge:setup tag/);
      await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: world.poolId }));

      const r = await withAnswers({ modal: 'Tear Down', name: undefined },
        () => vscode.commands.executeCommand<string | undefined>('auth0Cognito.resources.teardown', `pool:${poolId}`));
      assert.equal(r.modals.length, 1);
      assert.match(r.modals[0]!.message, /tree_setup/);
      assert.match(r.modals[0]!.detail ?? '', /DeleteIdentityPool/);
      assert.doesNotMatch(r.modals[0]!.detail ?? '', /DeleteOpenIDConnectProvider/, 'the untagged provider is not deleted');
      await assert.rejects(ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId })), /ResourceNotFound/);
      await assert.rejects(iam.send(new GetRoleCommand({ RoleName: 'Cognito_tree_setup_Auth_Role' })), /NoSuchEntity|cannot be found/);
      await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: world.providerArn }));
      await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: world.poolId }));
    } finally {
      iam.destroy();
      ci.destroy();
    }
  });

  it('roles by user: a pool shows its role mapping rule by rule and its session tags; the role shows the rule that selects it', async () => {
    const ci = new CognitoIdentityClient(awsClientConfig(moto));
    const key = tenant.domain;
    try {
      await ci.send(new SetIdentityPoolRolesCommand({
        IdentityPoolId: world.poolId,
        Roles: { authenticated: world.roleArn },
        RoleMappings: { [key]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [{ Claim: 'https://example.com/roles', MatchType: 'Contains', Value: 'admin', RoleARN: world.roleArn }] } } },
      }));
      await ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: world.poolId, IdentityProviderName: key, UseDefaults: false, PrincipalTags: { team: 'https://example.com/team' } }));
    } finally {
      ci.destroy();
    }
    await vscode.commands.executeCommand('auth0Cognito.resources.refresh');
    assert.equal(await vscode.commands.executeCommand('auth0Cognito.resources.reveal', 'pool', world.poolId, { expand: true }), true);
    const roleName = world.roleArn.slice(world.roleArn.lastIndexOf('/') + 1);
    const s = await snapshot([`pool:${world.poolId}`, `role:${roleName}`]);
    const pool = group(s, 'Identity pools').children?.find((c) => c.id === `pool:${world.poolId}`);
    const mapping = child(pool, `Role mapping: ${key}`);
    assert.equal(mapping.description, '1 rule, else deny the sign-in');
    const rule = child(mapping, '1. https://example.com/roles Contains "admin"');
    assert.equal(rule.description, roleName);
    const tags = child(pool, `Session tags: ${key}`);
    assert.equal(child(tags, 'team').description, 'from the claim https://example.com/team');
    const role = child(group(s, 'Roles trusting Cognito'), roleName);
    const selected = child(role, 'Selected by rule 1');
    assert.match(selected.description ?? '', /https:\/\/example\.com\/roles Contains "admin"/);
  });

  it('without any AWS credentials the tree is empty and the "not configured" welcome shows', async function () {
    if ((await listAwsProfiles()).length) this.skip(); // a developer machine with ~/.aws profiles
    process.env.AWS_ACCESS_KEY_ID = '';
    process.env.AWS_SECRET_ACCESS_KEY = '';
    delete process.env.AWS_PROFILE;
    await cfg().update('aws.endpoint', undefined, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('auth0Cognito.resources.refresh');
      const s = await snapshot();
      assert.equal(s.state, 'notConfigured');
      assert.deepEqual(s.nodes, []);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
      await cfg().update('aws.endpoint', moto.endpoint, vscode.ConfigurationTarget.Global);
    }
    const pkg = vscode.extensions.getExtension('auth0-cognito-bridge.auth0-cognito-bridge')!.packageJSON as { contributes: { viewsWelcome: { view: string; when?: string }[] } };
    assert.ok(pkg.contributes.viewsWelcome.some((w) => w.view === 'auth0Cognito.resources' && w.when === 'auth0Cognito.resources.state == notConfigured'));
  });
});
