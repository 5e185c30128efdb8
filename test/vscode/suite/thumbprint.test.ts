/**
 * Inside a real VS Code: the "Compute OIDC Thumbprint" palette command against the local
 * Auth0-like tenant (HTTPS with a generated CA -> intermediate -> leaf chain).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startTenant, type Tenant } from '../../standins/tenant';
import { freePort } from '../../standins/ports';

interface Outcome {
  ok: boolean;
  cancelled?: boolean;
  message?: string;
  hint?: string;
  result?: { thumbprint: string; certificates: unknown[]; target: string; trustedRoot?: string };
}

function tabLabels(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
}

describe('Compute OIDC Thumbprint (palette command)', function () {
  this.timeout(60_000);
  let tenant: Tenant;
  before(async () => {
    tenant = await startTenant();
    const ext = vscode.extensions.getExtension('auth0-cognito-bridge.auth0-cognito-bridge');
    await ext?.activate();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('auth0Cognito').update('extraCaCertificates', undefined, vscode.ConfigurationTarget.Global);
    await tenant?.stop();
  });

  it('is contributed to the command palette under the extension category', async () => {
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('auth0Cognito.computeThumbprint'));
    const pkg = vscode.extensions.getExtension('auth0-cognito-bridge.auth0-cognito-bridge')!.packageJSON as {
      contributes: { commands: Array<{ command: string; title: string; category: string }> };
    };
    const c = pkg.contributes.commands.find((x) => x.command === 'auth0Cognito.computeThumbprint');
    assert.ok(c);
  });

  it('computes the thumbprint of the local tenant and opens the result view', async () => {
    const o = await vscode.commands.executeCommand<Outcome>('auth0Cognito.computeThumbprint', `https://localhost:${tenant.port}/`);
    assert.ok(o?.ok, JSON.stringify(o));
    assert.equal(o.result!.thumbprint, tenant.certs.fingerprints.intermediate);
    assert.equal(o.result!.certificates.length, 2);
    assert.equal(o.result!.trustedRoot, undefined);
    const label = `Thumbprint: localhost:${tenant.port}`;
    for (let i = 0; i < 50 && !tabLabels().includes(label); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(tabLabels().includes(label), `tabs: ${tabLabels().join(', ')}`);
  });

  it('applies the extra CA certificates setting', async () => {
    await vscode.workspace.getConfiguration('auth0Cognito').update('extraCaCertificates', [tenant.certs.rootPath], vscode.ConfigurationTarget.Global);
    const o = await vscode.commands.executeCommand<Outcome>('auth0Cognito.computeThumbprint', `localhost:${tenant.port}`);
    assert.ok(o?.ok, JSON.stringify(o));
    assert.match(o.result!.trustedRoot ?? '', /Stand-in Root CA/);
    await vscode.workspace.getConfiguration('auth0Cognito').update('extraCaCertificates', ['/nonexistent/ca.pem'], vscode.ConfigurationTarget.Global);
    const bad = await vscode.commands.executeCommand<Outcome>('auth0Cognito.computeThumbprint', `localhost:${tenant.port}`);
    assert.equal(bad?.ok, false);
    assert.match(bad.message ?? '', /Cannot read the CA certificate file \/nonexistent\/ca\.pem/);
    await vscode.workspace.getConfiguration('auth0Cognito').update('extraCaCertificates', undefined, vscode.ConfigurationTarget.Global);
  });

  it('answers bad input and unreachable hosts with a clear message, not an exception', async () => {
    const http = await vscode.commands.executeCommand<Outcome>('auth0Cognito.computeThumbprint', 'http://localhost');
    assert.equal(http?.ok, false);
    assert.match(http.message ?? '', /"http:\/\/" is not supported/);
    const port = await freePort();
    const refused = await vscode.commands.executeCommand<Outcome>('auth0Cognito.computeThumbprint', `127.0.0.1:${port}`);
    assert.equal(refused?.ok, false);
    assert.match(refused.message ?? '', /refused the connection/);
    assert.match(refused.hint ?? '', /Check the host and port/);
  });
});
