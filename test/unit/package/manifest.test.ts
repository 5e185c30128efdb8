import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Commands } from '../../../src/shared/commands';
import { Settings } from '../../../src/shared/settings';

const root = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));

describe('package.json', () => {
  it('contributes exactly the commands in src/shared/commands.ts', () => {
    const contributed = (pkg.contributes.commands as Array<{ command: string }>).map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
  });

  it('gives every contributed command a localized title in the extension category', () => {
    for (const c of pkg.contributes.commands as Array<{ title: string; category: string }>) {
      const key = /^%(.+)%$/.exec(c.title)?.[1];
      assert.ok(key && typeof nls[key] === 'string' && nls[key].length > 0, `title of ${JSON.stringify(c)}`);
      assert.equal(c.category, '%category%');
    }
    assert.equal(nls['command.computeThumbprint'], 'Compute OIDC Thumbprint');
    assert.equal(nls.category, 'Auth0 Cognito');
  });

  it('declares every setting the code reads', () => {
    const props = Object.keys(pkg.contributes.configuration.properties);
    for (const [k, v] of Object.entries(Settings)) {
      if (k === 'section') continue;
      assert.ok(props.includes(`${Settings.section}.${v}`), `setting ${v} missing`);
    }
  });

  it('stays loadable by code-server 1.100 and vsce', () => {
    assert.equal(pkg.engines.vscode, '^1.100.0');
    assert.equal(pkg.devDependencies['@types/vscode'], '1.100.0');
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(pkg.bin['auth0-cognito'], './dist/cli.js');
  });
});
