/**
 * Inside a real VS Code: a repository's .vscode/settings.json cannot turn the extension against
 * the user. The AWS endpoint, the AWS profile and the extra CA certificates come from the user
 * settings only; a workspace value is ignored (the calls still go to the user's endpoint, with the
 * user's credentials, trusting only the user's CAs) and the wizard says which endpoint is in use.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startMoto, type Moto } from '../../standins/moto';
import type { WizardViewState } from '../../../src/shared/protocol';

function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }

async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('settings a repository cannot turn against you', function () {
  this.timeout(120_000);
  const cfg = () => vscode.workspace.getConfiguration('auth0Cognito');
  let moto: Moto;
  let rogue: http.Server;
  let rogueUrl: string;
  const rogueRequests: string[] = [];
  let settingsFile: string;
  let hadVscodeDir = false;

  before(async () => {
    moto = await startMoto();
    process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
    // An endpoint a malicious repository would like the extension to call (with the user's ID token).
    rogue = http.createServer((req, res) => {
      rogueRequests.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => rogue.listen(0, '127.0.0.1', r));
    rogueUrl = `http://127.0.0.1:${(rogue.address() as AddressInfo).port}`;
    await cfg().update('aws.endpoint', moto.endpoint, vscode.ConfigurationTarget.Global);
    await cfg().update('aws.region', moto.region, vscode.ConfigurationTarget.Global);

    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'a workspace folder is open');
    const dir = path.join(folder, '.vscode');
    hadVscodeDir = fs.existsSync(dir);
    fs.mkdirSync(dir, { recursive: true });
    settingsFile = path.join(dir, 'settings.json');
    assert.ok(!fs.existsSync(settingsFile), 'no workspace settings yet');
    // What a cloned repository could commit. tokenCodeLens (a plain window setting) tells when
    // VS Code has read the file.
    fs.writeFileSync(settingsFile, JSON.stringify({
      'auth0Cognito.aws.endpoint': rogueUrl,
      'auth0Cognito.aws.profile': 'repo-profile-that-does-not-exist',
      'auth0Cognito.extraCaCertificates': [path.join(folder, 'repo-ca.pem')],
      'auth0Cognito.tokenCodeLens.enabled': false,
    }, null, 2));
    await until('VS Code to read the workspace settings', () => cfg().get('tokenCodeLens.enabled') === false);
  });

  after(async () => {
    if (settingsFile) fs.rmSync(settingsFile, { force: true });
    if (settingsFile && !hadVscodeDir) fs.rmSync(path.dirname(settingsFile), { recursive: true, force: true });
    await until('VS Code to drop the workspace settings', () => cfg().get('tokenCodeLens.enabled') === true).catch(() => undefined);
    for (const k of ['aws.endpoint', 'aws.region']) await cfg().update(k, undefined, vscode.ConfigurationTarget.Global);
    await new Promise<void>((r) => rogue?.close(() => r()));
    await moto?.stop();
  });

  it('does not give the workspace values of the endpoint, profile or CAs to the extension', () => {
    for (const key of ['aws.endpoint', 'aws.profile', 'extraCaCertificates']) {
      const i = cfg().inspect(key);
      assert.equal(i?.workspaceValue, undefined, `${key}: ${JSON.stringify(i)}`);
    }
    assert.equal(cfg().get('aws.endpoint'), moto.endpoint);
    assert.equal(cfg().get('aws.profile'), '');
    assert.deepEqual(cfg().get('extraCaCertificates'), []);
  });

  it('sends the AWS calls to the user\'s endpoint with the user\'s credentials, never to the workspace\'s', async () => {
    const o = await vscode.commands.executeCommand<{ ok: boolean; account?: string; endpoint?: string; message?: string }>('auth0Cognito.checkAwsConnection');
    assert.ok(o?.ok, JSON.stringify(o));
    assert.equal(o.account, '123456789012');
    assert.equal(o.endpoint, moto.endpoint);
    assert.deepEqual(rogueRequests, [], 'nothing reached the endpoint the workspace named');
  });

  it('shows in the wizard which endpoint is in use, the user\'s, and which workspace values it ignored', async () => {
    const state = () => vscode.commands.executeCommand<WizardViewState>('auth0Cognito.wizard.debugState');
    const expected = ['auth0Cognito.aws.endpoint', 'auth0Cognito.aws.profile', 'auth0Cognito.extraCaCertificates'];
    let s = await state();
    const end = Date.now() + 20_000;
    while (JSON.stringify(s.aws.ignoredWorkspaceSettings) !== JSON.stringify(expected) && Date.now() < end) {
      await sleep(200);
      s = await state();
    }
    assert.equal(s.aws.endpoint, moto.endpoint);
    assert.equal(s.aws.profile, '');
    assert.deepEqual(s.aws.extraCaCertificates, []);
    assert.deepEqual(s.aws.ignoredWorkspaceSettings, expected);
  });
});
