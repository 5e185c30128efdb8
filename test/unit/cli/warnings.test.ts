import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { filterSdkNodeWarning, isSdkNodeWarning, oneLine, showOnce } from '../../../src/cli/warnings';

/** The AWS SDK's message (@aws-sdk/core, emitWarningIfUnsupportedVersion), as it emits it. */
const SDK_MESSAGE = `NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)
versions published after the first week of January 2027
will require node >=22. You are running node v20.20.2.

To continue receiving updates to AWS services, bug fixes,
and security updates please upgrade to node >=22.

More information can be found at: https://a.co/c895JFp`;

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let t = '';
  stream.on('data', (d: Buffer) => { t += d.toString(); });
  return { stream, text: () => t };
}

describe('CLI: the AWS SDK Node version warning', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-warn-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('recognises only that warning', () => {
    assert.equal(isSdkNodeWarning(SDK_MESSAGE), true);
    assert.equal(isSdkNodeWarning(new Error(SDK_MESSAGE)), true);
    assert.equal(isSdkNodeWarning('something', 'NodeVersionSupportWarning'), true);
    assert.equal(isSdkNodeWarning('something', { type: 'NodeVersionSupportWarning' }), true);
    assert.equal(isSdkNodeWarning('The NodeVersionSupportWarning is mentioned here'), false);
    assert.equal(isSdkNodeWarning('Buffer() is deprecated', 'DeprecationWarning'), false);
    assert.equal(isSdkNodeWarning(new Error('other')), false);
  });

  it('says it in one line', () => {
    assert.equal(oneLine(SDK_MESSAGE, 'v20.20.2'),
      'Note (shown once): AWS SDK releases after the first week of January 2027 need Node.js >= 22 (this is v20.20.2); auth0-cognito works on it today.');
    assert.equal(oneLine('NodeVersionSupportWarning: Something new\nand more'), 'Note (shown once): Something new');
  });

  it('shows it once, remembering it in the first directory that can be written', () => {
    const blocked = path.join(dir, 'a-file');
    fs.writeFileSync(blocked, '');
    const dirs = [path.join(blocked, 'cache'), path.join(dir, 'tmp')];
    const err = sink();
    assert.match(showOnce(SDK_MESSAGE, { json: false, dirs, stderr: err.stream }) ?? '', /^Note \(shown once\)/);
    assert.equal(showOnce(SDK_MESSAGE, { json: false, dirs, stderr: err.stream }), undefined);
    assert.equal(err.text().split('\n').filter(Boolean).length, 1);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'tmp')), ['aws-sdk-node-22-warning-shown']);
  });

  it('shows nothing with --json (and does not mark it), nor when nowhere can remember it', () => {
    const err = sink();
    const dirs = [path.join(dir, 'cache')];
    assert.equal(showOnce(SDK_MESSAGE, { json: true, dirs, stderr: err.stream }), undefined);
    assert.equal(fs.existsSync(dirs[0]!), false);
    const blocked = path.join(dir, 'a-file');
    fs.writeFileSync(blocked, '');
    assert.equal(showOnce(SDK_MESSAGE, { json: false, dirs: [path.join(blocked, 'x')], stderr: err.stream }), undefined);
    assert.equal(err.text(), '');
  });

  it('filters process.emitWarning: the SDK warning as one line, every other warning unchanged', () => {
    const passed: unknown[][] = [];
    const saved = process.emitWarning;
    process.emitWarning = ((...a: unknown[]) => { passed.push(a); }) as typeof process.emitWarning;
    const err = sink();
    const restore = filterSdkNodeWarning({ json: false, dirs: [path.join(dir, 'cache')], stderr: err.stream });
    try {
      process.emitWarning(SDK_MESSAGE);
      process.emitWarning(SDK_MESSAGE);
      process.emitWarning('kept', 'OtherWarning');
      process.emitWarning(new Error('kept too'));
    } finally {
      restore();
      process.emitWarning = saved;
    }
    assert.equal(err.text().split('\n').filter(Boolean).length, 1);
    assert.deepEqual(passed.map((a) => (a[0] instanceof Error ? a[0].message : a[0])), ['kept', 'kept too']);
    assert.equal(passed[0]![1], 'OtherWarning');
  });
});
