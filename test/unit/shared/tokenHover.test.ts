/**
 * The hover on a JWT in an editor (issue 8, item 6): no claim can inject Markdown or HTML;
 * the only link is the extension's own "Inspect" command with the scanned token as argument.
 */
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { decodeToken } from '../../../src/engine/token/decode';
import { escapeMarkdownText, inspectCommandLink, tokenHoverMarkdown, MAX_LINK_TOKEN_LENGTH } from '../../../src/shared/tokenHover';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string => `${b64(header)}.${b64(claims)}.c2ln`;
const LABELS = { commandId: 'auth0Cognito.inspectToken', inspect: 'Inspect ID Token', tooLong: 'Select the token and run "Inspect ID Token" to inspect it.' };

const EVIL_ISS = [
  'x` [pwn](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D) `y',
  '![](https://evil.example/track.png)',
  '<img src="https://evil.example/x.png" onerror="alert(1)">',
  '``` ``[a](command:auth0Cognito.inspectToken?%5B%22forged%22%5D)``',
  'https://tenant.auth0.com/\n\n[click](command:workbench.action.openSettings)\n\n# Heading',
  '$(alert) &lt;b&gt; <https://evil.example/> [x]: https://evil.example/ *em* _u_ ~~s~~ |a|b|',
];

/** markdown-it, if installed (a dependency of @vscode/vsce), renders the Markdown as VS Code's renderer would. */
type Md = { render(s: string): string };
function markdownIt(): Md | undefined {
  try {
    const MarkdownIt = createRequire(__filename)('markdown-it') as new (o: object) => Md;
    return new MarkdownIt({ html: true, linkify: true });
  } catch {
    return undefined;
  }
}

describe('token hover: claims cannot inject Markdown or HTML', () => {
  for (const iss of EVIL_ISS) {
    it(`renders iss ${JSON.stringify(iss.slice(0, 40))} as inert text`, () => {
      const token = jwt({ iss, aud: [iss, 'client-1'], sub: 'auth0|1', exp: 1_900_000_000 }, { alg: `RS256\`](command:x) ${iss}` });
      const md = tokenHoverMarkdown(token, decodeToken(token), LABELS);
      // Exactly one link: the extension's own, with the token it scanned as argument.
      const links = [...md.matchAll(/\]\(([^)]*)\)/g)].map((m) => m[1]);
      assert.deepEqual(links, [inspectCommandLink(LABELS.commandId, token)]);
      assert.equal((md.match(/command:/g) ?? []).length, 1, md);
      // No unescaped Markdown or HTML syntax from the claims.
      for (const ch of ['`', '[', ']', '(', ')', '<', '>', '!', '*', '_', '#', '&', '$', '|', '~']) {
        const unescaped = [...md.matchAll(new RegExp(`(?<!\\\\)\\${ch}`, 'g'))].length;
        const ours = ch === '[' || ch === ']' || ch === '$' ? 1 : ch === '(' || ch === ')' ? 2 : ch === '*' ? 4 : 0;
        assert.equal(unescaped, ours, `unescaped ${ch} in:\n${md}`);
      }
      assert.ok(!/\n\s*\n[^\n]*\n\s*\n/.test(md.split('\n').slice(2, -2).join('\n')), 'claims stay on their line');
      const render = markdownIt();
      if (render) {
        const html = render.render(md);
        assert.doesNotMatch(html, /<img|<script|onerror="|<code|<h1|<em>|<del>|<s>|<table|<b>/i, html);
        const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
        assert.equal(hrefs.length, 1, html);
        assert.match(hrefs[0]!, /^command:auth0Cognito\.inspectToken\?/);
      }
    });
  }

  it('shows what it shows (iss, aud, exp, the description) and links to the inspector', () => {
    const token = jwt({ iss: 'https://tenant.auth0.com/', aud: 'client-1', sub: 'auth0|1', exp: 1_900_000_000, nonce: 'n' });
    const md = tokenHoverMarkdown(token, decodeToken(token, { now: 1_899_990_000_000 }), LABELS);
    assert.match(md, /^\*\*ID token · RS256 · expires in 2 h 46 min\*\*/);
    assert.match(md, /iss https\\:\\\/\\\/tenant\\\.auth0\\\.com\\\//);
    assert.match(md, /aud \\"client\\-1\\"/);
    assert.match(md, /exp 2030\\-03\\-17T17\\:46\\:40\\\.000Z/);
    const link = `command:auth0Cognito.inspectToken?${encodeURIComponent(JSON.stringify([token]))}`;
    assert.ok(md.endsWith(`[$(search) Inspect ID Token](${link})`), md);
  });

  it('cuts long claims and keeps line breaks out', () => {
    assert.equal(escapeMarkdownText('a\nb\r\nc\u2028d\u202Ee'), 'a b  c d e');
    assert.equal(escapeMarkdownText('x'.repeat(500)).length, 201);
  });

  it('links only a plain compact token of a sane length, with no ")" in the URI', () => {
    const token = jwt({ sub: 'x' });
    assert.ok(inspectCommandLink('c', token)?.startsWith('command:c?%5B%22'));
    assert.equal(inspectCommandLink('c', `${token})[x](command:y`), undefined);
    assert.equal(inspectCommandLink('c', `${token} x`), undefined);
    assert.equal(inspectCommandLink('c', `eyJ${'a'.repeat(MAX_LINK_TOKEN_LENGTH)}.b.c`), undefined);
    const long = `eyJ${'a'.repeat(MAX_LINK_TOKEN_LENGTH)}.eyJ.c`;
    const md = tokenHoverMarkdown(long, decodeToken(long), LABELS);
    assert.doesNotMatch(md, /command:/);
    assert.match(md, /Select the token/);
  });
});
