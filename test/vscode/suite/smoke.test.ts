/**
 * Smoke test, run inside a real VS Code extension host (see test/vscode/runner.ts).
 * Depends on no contribution of the extension: only its id and that it activates.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'auth0-cognito-bridge.auth0-cognito-bridge';

describe('smoke', () => {
  it('runs inside VS Code', () => {
    assert.equal(typeof vscode.version, 'string');
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
  });

  it(`finds and activates ${EXTENSION_ID}`, async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded (is extensionDevelopmentPath the repo root?)`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('sees the settings the launcher seeded', () => {
    // Both launchers (launch.ts, electron.ts) start from a fresh profile with workspace trust off.
    assert.equal(vscode.workspace.getConfiguration('security.workspace.trust').get('enabled'), false);
    assert.equal(vscode.workspace.isTrusted, true);
  });
});
