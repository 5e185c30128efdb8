import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { USER_ONLY_SETTINGS, userOnlySettingsInWorkspaceFiles } from '../../vscode/codeServer';
import { WORKSPACE_FILES } from '../../ui/run';

const root = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));

/** Where AWS calls (and the ID token) go, which credentials and which CAs: never from a repository. */
const GUARDED = ['auth0Cognito.aws.endpoint', 'auth0Cognito.aws.profile', 'auth0Cognito.extraCaCertificates'];

describe('package.json: settings a repository cannot set', () => {
  const props = pkg.contributes.configuration.properties as Record<string, { scope?: string }>;

  it('gives the AWS endpoint, the AWS profile and the extra CA certificates machine scope (user or remote settings only)', () => {
    for (const id of GUARDED) assert.equal(props[id]?.scope, 'machine', id);
  });

  it('declares limited support for untrusted workspaces, with those settings restricted', () => {
    const u = pkg.capabilities?.untrustedWorkspaces;
    assert.ok(u, 'capabilities.untrustedWorkspaces');
    assert.equal(u.supported, 'limited');
    assert.deepEqual([...u.restrictedConfigurations].sort(), [...GUARDED].sort());
    const key = /^%(.+)%$/.exec(u.description)?.[1];
    assert.ok(key && typeof nls[key] === 'string' && nls[key].length > 20, 'a localized description');
  });

  it('leaves no setting a workspace could use to redirect calls or trust: every machine-like setting is restricted', () => {
    const machineLike = Object.entries(props).filter(([, p]) => p.scope === 'machine' || p.scope === 'machine-overridable').map(([id]) => id);
    assert.deepEqual(machineLike.sort(), [...GUARDED].sort());
    for (const id of GUARDED) assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(id), id);
  });

  it('says in each description that it is read from the user settings only', () => {
    for (const id of GUARDED) {
      const key = /^%(.+)%$/.exec((props[id] as { markdownDescription: string }).markdownDescription)?.[1];
      assert.match(nls[key!], /User \(or remote\) settings only/, id);
    }
  });
});

describe('test launchers and the playground: the guarded settings at user level only', () => {
  it('the code-server launcher refuses them in workspace files, and lists exactly the guarded settings', () => {
    assert.deepEqual([...USER_ONLY_SETTINGS].sort(), [...GUARDED].sort());
    assert.deepEqual(userOnlySettingsInWorkspaceFiles({ 'README.md': '"auth0Cognito.aws.endpoint"' }), []);
    assert.deepEqual(userOnlySettingsInWorkspaceFiles({ '.vscode/settings.json': JSON.stringify({ 'auth0Cognito.aws.endpoint': 'http://x', 'auth0Cognito.aws.region': 'eu-west-1' }) }),
      ['auth0Cognito.aws.endpoint in .vscode/settings.json']);
    assert.deepEqual(userOnlySettingsInWorkspaceFiles({ 'a.code-workspace': JSON.stringify({ settings: { 'auth0Cognito.extraCaCertificates': ['x'] } }) }),
      ['auth0Cognito.extraCaCertificates in a.code-workspace']);
  });

  it('the UI tests and the playground write them into the profile\'s User/settings.json', () => {
    assert.deepEqual(userOnlySettingsInWorkspaceFiles(WORKSPACE_FILES), []);
    const playground = fs.readFileSync(path.join(root, 'scripts', 'playground.ts'), 'utf8');
    assert.match(playground, /'auth0Cognito\.aws\.endpoint': moto\.endpoint/);
    assert.match(playground, /path\.join\(userData, 'User', 'settings\.json'\)/);
    assert.doesNotMatch(playground, /\.vscode/);
  });
});
