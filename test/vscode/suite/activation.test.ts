/**
 * Inside a real VS Code: activation loads no lazy chunk (neither an SDK nor an engine: issue 11,
 * item 1); the first use of a feature loads the chunks it needs and no other.
 * Runs first in the in-host suite (files run in name order), so nothing has loaded a chunk yet.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startMoto, type Moto } from '../../standins/moto';

const EXTENSION_ID = 'auth0-cognito-bridge.auth0-cognito-bridge';

function loadedChunks(): string[] {
  return Object.keys(require.cache).filter((k) => k.includes(`${path.sep}dist${path.sep}chunks${path.sep}`)).map((k) => path.basename(k)).sort();
}

/** The chunks `fn` loaded (those loaded before it are left out). */
async function chunksLoadedBy(fn: () => Promise<unknown>): Promise<string[]> {
  const before = new Set(loadedChunks());
  await fn();
  return loadedChunks().filter((c) => !before.has(c));
}

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('activation', function () {
  this.timeout(120_000);
  let moto: Moto | undefined;
  after(async () => {
    await vscode.workspace.getConfiguration('auth0Cognito').update('aws.endpoint', undefined, vscode.ConfigurationTarget.Global);
    await moto?.stop();
  });

  it('loads no chunk: neither an SDK nor an engine (setup, token, inspect, fixes, plan, resources, thumbprint, trust)', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    assert.equal(ext.isActive, true);
    // This extension's bundle (newer VS Code loads built-in extensions that also end in dist/extension.js).
    const main = Object.keys(require.cache).find((k) => k === path.join(ext.extensionPath, 'dist', 'extension.js'));
    assert.ok(main, 'the extension bundle is in this process');
    assert.deepEqual(loadedChunks(), []);
    // The wizard's code and the Resources view's command handlers are chunks that extension.js
    // requires on first use; the engines are chunks required by extension.js or by those.
    const code = fs.readFileSync(main, 'utf8');
    const chunkCode = (name: string) => fs.readFileSync(path.join(ext.extensionPath, 'dist', 'chunks', `${name}.js`), 'utf8');
    const layer = [code, chunkCode('wizard'), chunkCode('resources-commands')].join('\n');
    for (const name of ['wizard', 'resources-commands']) assert.ok(code.includes(`chunks/${name}.js`), `extension.js requires chunks/${name}.js lazily`);
    for (const name of ['setup', 'token', 'inspect', 'fixes', 'plan', 'resources', 'thumbprint', 'trust', 'wizard-roles']) {
      assert.ok(layer.includes(`chunks/${name}.js`), `the VS Code layer requires chunks/${name}.js lazily`);
    }
  });

  it('the hover loads nothing on a document without "eyJ", and only the token chunk on a JWT', async () => {
    const plain = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'no token here: abc.def.ghi\n' });
    assert.deepEqual(await chunksLoadedBy(async () => {
      await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', plain.uri, new vscode.Position(0, 18));
      await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', plain.uri, 10);
    }), []);
    const token = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: 'https://127.0.0.1:1/', aud: 'x', sub: 'auth0|1', exp: 1_900_000_000 })}.c2ln`;
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: `token: ${token}\n` });
    let hovers: vscode.Hover[] = [];
    assert.deepEqual(await chunksLoadedBy(async () => {
      hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 20));
    }), ['token.js']);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /command:auth0Cognito\.inspectToken/);
  });

  it('the thumbprint command loads the thumbprint chunk only', async () => {
    const loaded = await chunksLoadedBy(async () => {
      const o = await vscode.commands.executeCommand<{ ok: boolean; invalidInput?: boolean }>('auth0Cognito.computeThumbprint', 'http://localhost');
      assert.equal(o?.ok, false);
      assert.equal(o.invalidInput, true);
    });
    assert.deepEqual(loaded, ['thumbprint.js']);
  });

  it('inspecting a token loads the token pipeline, not the setup, resources or fixes engines', async () => {
    const token = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k' })}.${b64({ iss: 'https://127.0.0.1:1/', aud: 'x', sub: 'auth0|1', exp: 1_900_000_000 })}.c2ln`;
    const loaded = await chunksLoadedBy(async () => {
      const s = await vscode.commands.executeCommand<{ decoded?: unknown }>('auth0Cognito.inspectToken', token);
      assert.ok(s, 'the inspector answered');
    });
    assert.ok(loaded.includes('inspect.js'), loaded.join(', '));
    for (const other of ['setup.js', 'resources.js', 'fixes.js', 'plan.js', 'aws.js', 'auth0.js', 'thumbprint.js']) {
      assert.ok(!loaded.includes(other), `${other} loaded by an inspection without a pool: ${loaded.join(', ')}`);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('loads the AWS chunk on the first AWS call (Check AWS Connection against moto)', async () => {
    moto = await startMoto();
    process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
    await vscode.workspace.getConfiguration('auth0Cognito').update('aws.endpoint', moto.endpoint, vscode.ConfigurationTarget.Global);
    const loaded = await chunksLoadedBy(async () => {
      const o = await vscode.commands.executeCommand<{ ok: boolean; account?: string; message?: string }>('auth0Cognito.checkAwsConnection');
      assert.ok(o?.ok, JSON.stringify(o));
      assert.equal(o.account, '123456789012');
    });
    assert.deepEqual(loaded, ['aws.js']);
  });
  it('the wizard\'s first use loads its own code (wizard.js) and the setup engine, not the Resources view\'s commands', async () => {
    const loaded = await chunksLoadedBy(async () => {
      const state = await vscode.commands.executeCommand<{ steps: { id: string }[] }>('auth0Cognito.wizard.debugState');
      assert.ok(state.steps.some((st) => st.id === 'oidcProvider'), JSON.stringify(state.steps.map((st) => st.id)));
    });
    for (const c of ['wizard.js', 'setup.js', 'wizard-roles.js']) assert.ok(loaded.includes(c), `${c} not loaded: ${loaded.join(', ')}`);
    for (const c of ['resources-commands.js', 'resources.js', 'auth0.js']) assert.ok(!loaded.includes(c), `${c} loaded by the wizard: ${loaded.join(', ')}`);
  });
});
