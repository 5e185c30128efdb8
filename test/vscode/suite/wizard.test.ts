/**
 * Inside a real VS Code: the setup wizard's palette commands drive the same state the sidebar
 * shows. (The click-through walk of every step is the UI test test/ui/wizard.ui.ts.)
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startTenant, type Tenant } from '../../standins/tenant';
import { startMoto, type Moto } from '../../standins/moto';
import type { WizardViewState } from '../../../src/shared/protocol';

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
    for (const id of ['connections', 'auth0App', 'oidcProvider', 'identityPool', 'authenticatedRole', 'tryIt']) {
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
});
