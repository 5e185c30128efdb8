/**
 * The webviews' localisation (src/shared/l10n.ts): the bundle the host writes into the page
 * cannot break out of its <script> element, and t() fills in placeholders as vscode.l10n.t does.
 */
import * as assert from 'node:assert/strict';
import { formatMessage, jsonForScript, readBundle, translate } from '../../../src/shared/l10n';

/** Translations that would end the element, open a comment or start a script if written as they are. */
const HOSTILE = {
  'Copy report': '</script><script>alert(1)</script>',
  'Recompute': '<!-- <script>',
  'Copy {0}': 'Kopiere {0} </SCRIPT >&amp; \u2028\u2029 "quoted" \\ back',
  '</script>': 'key with markup',
};

/** The page around the data block, as src/vscode/webviewHtml.ts writes it. */
const page = (json: string): string => `<script type="application/json" id="l10n" nonce="n">${json}</script>\n<script nonce="n" src="x.js"></script>`;

describe('l10n: the bundle in the webview page', () => {
  it('has no "<" (so no </script> and no <!--), and parses back to the same bundle', () => {
    const json = jsonForScript(HOSTILE);
    assert.ok(!json.includes('<') && !json.includes('>') && !json.includes('&'), json);
    assert.ok(!/[\u2028\u2029]/.test(json));
    assert.deepEqual(JSON.parse(json), HOSTILE);
    assert.deepEqual(readBundle(json), HOSTILE);
    // The element ends where the host ended it: the first </script in the page is the host's.
    const html = page(json);
    assert.equal(html.search(/<\/script/i), '<script type="application/json" id="l10n" nonce="n">'.length + json.length);
  });

  it('would break out without the escaping (the test above can fail)', () => {
    const raw = JSON.stringify(HOSTILE);
    const html = page(raw);
    assert.ok(html.search(/<\/script/i) < '<script type="application/json" id="l10n" nonce="n">'.length + raw.length);
  });

  it('writes English (no bundle) as {} and reads bad input as no translations', () => {
    assert.equal(jsonForScript({}), '{}');
    assert.deepEqual(readBundle(''), {});
    assert.deepEqual(readBundle(undefined), {});
    assert.deepEqual(readBundle('not json'), {});
    assert.deepEqual(readBundle('[1,2]'), {});
    assert.deepEqual(readBundle('"text"'), {});
    assert.deepEqual(readBundle('{"a":"b","n":1,"o":{"message":"m","comment":["c"]},"x":{"y":1},"z":null}'), { a: 'b', o: { message: 'm' } });
  });
});

describe('l10n: t() in the webviews', () => {
  const bundle = readBundle(jsonForScript({ 'Copy {0}': 'Kopiere {0}', 'Session tags: {0}.': { message: 'Sitzungs-Tags: {0}.', comment: ['x'] }, Empty: '' }));

  it('returns the translation, or the English message when there is none', () => {
    assert.equal(translate(bundle, 'Copy {0}', ['Swift']), 'Kopiere Swift');
    assert.equal(translate(bundle, 'Session tags: {0}.', ['a, b']), 'Sitzungs-Tags: a, b.');
    assert.equal(translate(bundle, 'Recompute', []), 'Recompute');
    assert.equal(translate(undefined, 'Copy {0}', ['Swift']), 'Copy Swift');
    // An empty translation falls back to the message, as in VS Code.
    assert.equal(translate(bundle, 'Empty', []), 'Empty');
    // Keys of Object.prototype are no translations.
    assert.equal(translate(bundle, 'toString', []), 'toString');
    assert.equal(translate(bundle, 'constructor', []), 'constructor');
  });

  it('fills in {0}, {1}, ... (numbers and booleans too) and {name} from one object, like vscode.l10n.t', () => {
    assert.equal(translate(undefined, '{0} of {1}: {0}', [1, 'two']), '1 of two: 1');
    assert.equal(translate(undefined, '{0} ok', [false]), 'false ok');
    assert.equal(translate(undefined, 'Hello {name}', [{ name: 'Ann' }]), 'Hello Ann');
    // A placeholder without a value stays; with no values at all the message is returned as it is.
    assert.equal(translate(undefined, '{0} and {1}', ['a']), 'a and {1}');
    assert.equal(formatMessage('{0} {x}', []), '{0} {x}');
    // A value is never read as a placeholder again.
    assert.equal(translate(undefined, '{0}{1}', ['{1}', 'b']), '{1}b');
  });
});
