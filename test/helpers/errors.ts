import * as assert from 'node:assert/strict';
import { EngineError } from '../../src/engine/errors';

/**
 * Asserts that `p` rejects with an EngineError of `code` whose message matches `message`
 * and whose hint (what to do) is present and, when given, matches `hint`.
 */
export async function expectEngineError(p: Promise<unknown>, code: string, message: RegExp, hint?: RegExp): Promise<EngineError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, 'expected a failure');
  assert.ok(caught instanceof EngineError, `expected an EngineError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.match(caught.message, message);
  assert.ok(caught.hint.length > 0, 'has a hint');
  if (hint) assert.match(caught.hint, hint);
  return caught;
}
