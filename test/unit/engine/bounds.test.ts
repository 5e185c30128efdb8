import * as assert from 'node:assert/strict';
import { jsonDepth, limitDepth, tooDeepMarker } from '../../../src/engine/bounds';

describe('bounds: depth of outside JSON', () => {
  it('jsonDepth counts brackets outside strings only, escapes included', () => {
    assert.equal(jsonDepth('{}'), 1);
    assert.equal(jsonDepth('{"a":[1,{"b":[]}]}'), 4);
    assert.equal(jsonDepth('{"a":"[[[[{{{{"}'), 1);
    assert.equal(jsonDepth('{"a":"\\"[[[["}'), 1);
    assert.equal(jsonDepth('"just a string"'), 0);
  });

  it('jsonDepth is one pass and stops early past stopAt on a 20,000-deep text', () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    assert.equal(jsonDepth(deep), 20_000);
    assert.equal(jsonDepth(deep, 32), 33);
  });

  it('limitDepth cuts what is deeper than the limit and says so', () => {
    const v = JSON.parse('{"a":{"b":{"c":1}},"x":[1]}') as unknown;
    const r = limitDepth(v, 2);
    assert.equal(r.cut, true);
    assert.deepEqual(r.value, { a: { b: tooDeepMarker(2) }, x: [1] });
    assert.deepEqual(limitDepth(v, 5), { value: v, cut: false });
  });

  it('limitDepth keeps a "__proto__" key as a key and sets no prototype', () => {
    const r = limitDepth(JSON.parse('{"__proto__":{"polluted":{"deep":1}}}') as Record<string, unknown>, 2);
    assert.equal(Object.getPrototypeOf(r.value), Object.prototype);
    assert.deepEqual(Object.keys(r.value), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('limitDepth turns a value too deep to stringify into one that stringifies', () => {
    let v: unknown = 1;
    for (let i = 0; i < 20_000; i++) v = [v];
    assert.throws(() => JSON.stringify(v), RangeError);
    assert.ok(JSON.stringify(limitDepth(v).value).includes('not shown'));
  });
});
