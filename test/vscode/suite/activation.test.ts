/**
 * Inside a real VS Code: activation loads neither SDK chunk; the first AWS call does.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startMoto, type Moto } from '../../standins/moto';

const EXTENSION_ID = 'auth0-cognito-bridge.auth0-cognito-bridge';

function loadedChunks(): string[] {
  return Object.keys(require.cache).filter((k) => k.includes(`${path.sep}dist${path.sep}chunks${path.sep}`)).map((k) => path.basename(k));
}

describe('activation', function () {
  this.timeout(120_000);
  let moto: Moto | undefined;
  after(async () => {
    await vscode.workspace.getConfiguration('auth0Cognito').update('aws.endpoint', undefined, vscode.ConfigurationTarget.Global);
    await moto?.stop();
  });

  it('does not load the AWS or auth0 SDK chunks', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    assert.equal(ext.isActive, true);
    const main = Object.keys(require.cache).find((k) => k.endsWith(`${path.sep}dist${path.sep}extension.js`));
    assert.ok(main, 'the extension bundle is in this process');
    assert.deepEqual(loadedChunks(), []);
  });

  it('loads the AWS chunk on the first AWS call (Check AWS Connection against moto)', async () => {
    moto = await startMoto();
    process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
    await vscode.workspace.getConfiguration('auth0Cognito').update('aws.endpoint', moto.endpoint, vscode.ConfigurationTarget.Global);
    const o = await vscode.commands.executeCommand<{ ok: boolean; account?: string; message?: string }>('auth0Cognito.checkAwsConnection');
    assert.ok(o?.ok, JSON.stringify(o));
    assert.equal(o.account, '123456789012');
    assert.deepEqual(loadedChunks(), ['aws.js']);
  });
});
