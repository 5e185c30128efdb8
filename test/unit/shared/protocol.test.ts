import * as assert from 'node:assert/strict';
import { parseThumbprintViewMessage } from '../../../src/shared/protocol';

describe('webview message validation (thumbprint view)', () => {
  it('accepts the messages the view sends', () => {
    assert.deepEqual(parseThumbprintViewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseThumbprintViewMessage({ type: 'recompute', extra: 1 }), { type: 'recompute' });
    assert.deepEqual(parseThumbprintViewMessage({ type: 'copy', field: 'thumbprint' }), { type: 'copy', field: 'thumbprint' });
    assert.deepEqual(parseThumbprintViewMessage({ type: 'copy', field: 'sha256', index: 1 }), { type: 'copy', field: 'sha256', index: 1 });
  });
  it('rejects anything else', () => {
    for (const m of [null, undefined, 42, 'ready', [], {}, { type: 'eval', code: 'x' }, { type: 'copy' },
      { type: 'copy', field: 'text', text: 'evil' }, { type: 'copy', field: 'sha1' }, { type: 'copy', field: 'sha1', index: -1 },
      { type: 'copy', field: 'pem', index: 1.5 }, { type: 'copy', field: 'pem', index: 999 }, { type: 'copy', field: 'sha1', index: '0' }]) {
      assert.equal(parseThumbprintViewMessage(m), undefined, JSON.stringify(m));
    }
  });
});
