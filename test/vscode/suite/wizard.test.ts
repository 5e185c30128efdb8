/**
 * Inside a real VS Code: the setup wizard's palette commands drive the same state the sidebar
 * shows. (The click-through walk of every step is the UI test test/ui/wizard.ui.ts.)
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startTenant, type Tenant } from '../../standins/tenant';
import { startMoto, type Moto } from '../../standins/moto';
import type { WizardViewState } from '../../../src/shared/protocol';
import { applyAll, createSetupCache } from '../../../src/engine/setup';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { awsClientConfig } from '../../standins/moto';

describe('Setup wizard (palette commands)', function () {
  this.timeout(120_000);
  let tenant: Tenant;
  let moto: Moto;
  const cfg = () => vscode.workspace.getConfiguration('auth0Cognito');

  before(async () => {
    [tenant, moto] = await Promise.all([startTenant(), startMoto()]);
    process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
    await cfg().update('aws.endpoint', moto.endpoint, vscode.ConfigurationTarget.Global);
    await cfg().update('aws.region', moto.region, vscode.ConfigurationTarget.Global);
    await cfg().update('extraCaCertificates', [tenant.certs.rootPath], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const k of ['aws.endpoint', 'aws.region', 'extraCaCertificates']) await cfg().update(k, undefined, vscode.ConfigurationTarget.Global);
    await Promise.allSettled([tenant?.stop(), moto?.stop()]);
  });

  it('contributes a command for every step', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['connections', 'auth0App', 'oidcProvider', 'identityPool', 'authenticatedRole', 'roleMappings', 'tryIt']) {
      assert.ok(all.includes(`auth0Cognito.wizard.step.${id}`), id);
    }
  });

  it('checks every step against the tenant and moto (read-only)', async () => {
    const s = await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.checkAll',
      { domain: tenant.domain, clientId: tenant.app.client_id, poolName: 'wizard-host', roleName: '' });
    assert.equal(s?.error, undefined, JSON.stringify(s?.error));
    const status = Object.fromEntries(s.steps.map((x) => [x.id, x.inspection?.status]));
    assert.equal(status.connections, 'done', JSON.stringify(s.steps[0]?.inspection));
    // Without Management API access the application's algorithm cannot be read: not done.
    assert.notEqual(status.auth0App, 'done');
    assert.equal(status.oidcProvider, 'not-started', 'nothing exists in the empty account');
    assert.equal(status.identityPool, 'not-started');
    assert.equal(s.outputs.loginsKey, tenant.domain);
  });

  it('plans a step from the palette without changing anything', async () => {
    const s = await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.step.oidcProvider');
    const plan = s?.steps.find((x) => x.id === 'oidcProvider')?.plan;
    assert.ok(plan, JSON.stringify(s?.steps.find((x) => x.id === 'oidcProvider')?.error));
    assert.equal(plan.calls[0]?.action, 'CreateOpenIDConnectProvider');
    assert.equal((plan.calls[0]?.params as { Url?: string }).Url, `https://${tenant.domain}`);
    const again = await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.checkAll');
    assert.equal(again.steps.find((x) => x.id === 'oidcProvider')?.inspection?.status, 'not-started', 'planning created nothing');
  });

  it('checks the form first: an invalid pool name or client ID is a field error, and nothing is called', async () => {
    const before = tenant.requests.length;
    const s = await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.checkAll',
      { domain: tenant.domain, clientId: 'not a client id', poolName: 'bad/pool/name', roleName: '' });
    assert.deepEqual(Object.keys(s.fieldErrors).sort(), ['clientId', 'poolName'], JSON.stringify(s.fieldErrors));
    assert.match(s.fieldErrors.poolName ?? '', /not a valid identity pool name/);
    assert.match(s.fieldErrors.clientId ?? '', /not an Auth0 Client ID/);
    assert.ok(s.error, 'the view says why nothing was checked');
    assert.equal(s.busy, undefined);
    assert.ok(s.steps.every((x) => x.inspection === undefined), 'no step was checked');
    // Planning a step from the palette is refused too, before any call.
    const planned = await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.step.oidcProvider');
    assert.equal(planned.steps.find((x) => x.id === 'oidcProvider')?.plan, undefined);
    assert.equal(tenant.requests.length, before, 'no request reached the tenant');
    const fixed = await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.checkAll',
      { domain: tenant.domain, clientId: tenant.app.client_id, poolName: 'wizard-host', roleName: '' });
    assert.deepEqual(fixed.fieldErrors, {});
    assert.equal(fixed.steps.find((x) => x.id === 'connections')?.inspection?.status, 'done');
  });

  it('exports the setup as code into an untitled editor of the right language, reading only', async () => {
    await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.checkAll',
      { domain: tenant.domain, clientId: tenant.app.client_id, poolName: 'wizard-host', roleName: '' });
    const cfn = await vscode.commands.executeCommand<{ language: string; text: string } | undefined>('auth0Cognito.exportSetup', 'cloudformation');
    assert.ok(cfn, 'exported');
    assert.equal(cfn.language, 'yaml');
    assert.match(cfn.text, /AWS::Cognito::IdentityPool/);
    assert.match(cfn.text, /AWS::IAM::OIDCProvider/);
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc?.isUntitled, 'an untitled editor');
    assert.equal(doc.languageId, 'yaml');
    assert.equal(doc.getText(), cfn.text);
    const sh = await vscode.commands.executeCommand<{ language: string; text: string } | undefined>('auth0Cognito.exportSetup', 'cli');
    assert.equal(sh?.language, 'shellscript');
    assert.match(sh?.text ?? '', /^#!.*bash[\s\S]*set -euo pipefail/);
    assert.equal(vscode.window.activeTextEditor?.document.languageId, 'shellscript');
    const again = await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.checkAll');
    assert.equal(again.steps.find((x) => x.id === 'oidcProvider')?.inspection?.status, 'not-started', 'exporting created nothing');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('tears down what the setup created after showing the plan; "Cancel" changes nothing', async () => {
    // The AWS side of the setup, made by the engine as "Apply" would (tagged with the setup's name).
    const config = { aws: { region: moto.region, endpoint: moto.endpoint }, auth0: { domain: tenant.domain, clientId: tenant.app.client_id }, names: { poolName: 'wizard-host' } };
    const made = await applyAll({ config, trust: { extraCaPems: [tenant.certs.rootPem] }, awsCredentials: moto.credentials, cache: createSetupCache() }, ['connections', 'oidcProvider', 'identityPool', 'authenticatedRole']);
    assert.equal(made.ok, true, JSON.stringify(made.failed));
    const before = await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.checkAll',
      { domain: tenant.domain, clientId: tenant.app.client_id, poolName: 'wizard-host', roleName: '' });
    assert.equal(before.steps.find((x) => x.id === 'identityPool')?.inspection?.status, 'done');

    const w = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
    const warn = w.showWarningMessage;
    const modals: Array<{ message: string; detail: string | undefined }> = [];
    let answer: string | undefined;
    w.showWarningMessage = ((message: string, ...rest: unknown[]) => {
      const o = rest[0] as vscode.MessageOptions | undefined;
      if (o && typeof o === 'object' && o.modal) {
        modals.push({ message, detail: o.detail });
        return Promise.resolve(answer);
      }
      return (warn as (...a: unknown[]) => Thenable<unknown>).call(vscode.window, message, ...rest);
    }) as typeof warn;
    try {
      answer = undefined;
      assert.equal(await vscode.commands.executeCommand('auth0Cognito.teardownSetup'), undefined, 'dismissed: nothing done');
      assert.equal(modals.length, 1);
      assert.match(modals[0]!.detail ?? '', /DeleteIdentityPool/);
      assert.match(modals[0]!.detail ?? '', /RS256/, 'the plan says the Auth0 application stays on RS256');
      const still = await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.checkAll');
      assert.equal(still.steps.find((x) => x.id === 'identityPool')?.inspection?.status, 'done', 'Cancel removed nothing');

      answer = 'Tear Down';
      const msg = await vscode.commands.executeCommand<string | undefined>('auth0Cognito.teardownSetup');
      assert.ok(msg, 'torn down');
      const after = await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.checkAll');
      for (const id of ['oidcProvider', 'identityPool']) assert.equal(after.steps.find((x) => x.id === id)?.inspection?.status, 'not-started', id);
      const third = await vscode.commands.executeCommand<string | undefined>('auth0Cognito.teardownSetup');
      assert.equal(modals.length, 2, 'nothing left: no dialog the third time');
      assert.ok(third, 'says there is nothing to remove');
    } finally {
      w.showWarningMessage = warn;
    }
  });

  it('roles by user: a rule from the token\'s claims, the role predicted, planned and applied; Try it gets that role from Cognito', async () => {
    const iam = new IAMClient(awsClientConfig(moto));
    const config = { aws: { region: moto.region, endpoint: moto.endpoint }, auth0: { domain: tenant.domain, clientId: tenant.app.client_id }, names: { poolName: 'wizard-roles' } };
    const made = await applyAll({ config, trust: { extraCaPems: [tenant.certs.rootPem] }, awsCredentials: moto.credentials, cache: createSetupCache() }, ['connections', 'oidcProvider', 'identityPool', 'authenticatedRole']);
    assert.equal(made.ok, true, JSON.stringify(made.failed));
    // The admins' role exists, with a trust policy not yet pinned to the pool: the plan pins it.
    const admin = await iam.send(new CreateRoleCommand({ RoleName: 'WizardAdmins', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] }) }));
    const adminArn = admin.Role!.Arn!;
    iam.destroy();
    await vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.checkAll', { domain: tenant.domain, clientId: tenant.app.client_id, poolName: 'wizard-roles', roleName: '' });
    const call = <T>(method: string, ...args: unknown[]) => vscode.commands.executeCommand<T>('auth0Cognito.wizard.debugCall', method, ...args);
    const state = () => vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.debugState');

    const token = tenant.mintIdToken({ clientId: tenant.app.client_id, alg: 'RS256', claims: { 'https://example.com/roles': ['admin', 'dev'] } });
    await call('useToken', token);
    assert.ok((await state()).roles.claims.some((c) => c.name === 'https://example.com/roles'), 'the token\'s claims are offered');

    // "Add rule…": claim, operator, value, role, answered like the quick picks would be.
    const w = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
    const [qp, ib] = [w.showQuickPick, w.showInputBox];
    const picks = ['https://example.com/roles', 'Contains'];
    const inputs = ['admin', adminArn];
    w.showQuickPick = (async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
      const want = picks.shift();
      return (await items).find((i) => i.label === want);
    }) as unknown as typeof qp;
    w.showInputBox = (async () => inputs.shift()) as typeof ib;
    try {
      await call('addRule');
    } finally {
      w.showQuickPick = qp;
      w.showInputBox = ib;
    }
    let s = await state();
    assert.deepEqual(s.roles.mapping, { type: 'Rules', rules: [{ claim: 'https://example.com/roles', matchType: 'Contains', value: 'admin', roleArn: adminArn }], ambiguousRoleResolution: 'AuthenticatedRole' });
    assert.equal(s.roles.prediction?.roleArn, adminArn, JSON.stringify(s.roles.prediction));
    assert.match(s.roles.prediction?.why ?? '', /rule 1|Rule 1/);

    // Plan (the trust of WizardAdmins pinned, then the mapping), apply.
    s = await call<WizardViewState>('plan', 'roleMappings');
    const plan = s.steps.find((x) => x.id === 'roleMappings')?.plan;
    assert.ok(plan, JSON.stringify(s.steps.find((x) => x.id === 'roleMappings')?.error));
    assert.deepEqual(plan.calls.map((c) => c.action), ['UpdateAssumeRolePolicy', 'SetIdentityPoolRoles']);
    s = await call<WizardViewState>('apply', 'roleMappings');
    assert.equal(s.steps.find((x) => x.id === 'roleMappings')?.inspection?.status, 'done', JSON.stringify(s.steps.find((x) => x.id === 'roleMappings')?.outcome?.message));

    // Try it: Cognito (the stand-in, choosing on its own) gives this token the admins' role.
    await call('plan', 'tryIt');
    s = await call<WizardViewState>('apply', 'tryIt');
    const tried = s.steps.find((x) => x.id === 'tryIt');
    assert.ok(tried?.outcome?.ok, JSON.stringify(tried?.outcome?.message));
    assert.match(tried.outcome.result?.callerArn ?? '', /assumed-role\/WizardAdmins\//);

    // A claim the token lacks: the Auth0 Action that adds it.
    const doc = await call<{ languageId: string; text: string }>('openActionCode');
    assert.match(doc.text, /api\.idToken\.setCustomClaim\("https:\/\/example\.com\/roles"/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
