/**
 * UI smoke tests: the workbench answers the command palette (F1 and Ctrl+Shift+P), the
 * extension under development is loaded, and webview content is reachable through
 * page.frames(). They depend on no specific contribution of the extension: whatever
 * commands package.json contributes are read from it at run time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { findRepoRoot } from '../vscode/codeServer';
import type { UiContext, UiTest } from './run';

const EXTENSION_ID = 'auth0-cognito-bridge.auth0-cognito-bridge';

interface Manifest {
  displayName?: string;
  contributes?: { commands?: Array<{ command: string; title: string; category?: string }>; menus?: Record<string, Array<{ command: string; when?: string }>> };
}

/** package.json of the extension, with %placeholders% resolved from package.nls.json. */
function manifest(): Manifest {
  const root = findRepoRoot();
  let nls: Record<string, string> = {};
  try { nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>; } catch { /* none */ }
  const text = fs.readFileSync(path.join(root, 'package.json'), 'utf8')
    .replace(/"%([^"%]+)%"/g, (m, key: string) => (key in nls ? JSON.stringify(nls[key]) : m));
  return JSON.parse(text) as Manifest;
}

/** Palette titles ("Category: Title") of the extension's commands that the palette shows. */
function paletteTitles(m: Manifest): string[] {
  const hidden = new Set((m.contributes?.menus?.commandPalette ?? []).filter((e) => e.when === 'false').map((e) => e.command));
  return (m.contributes?.commands ?? [])
    .filter((c) => !hidden.has(c.command))
    .map((c) => (c.category ? `${c.category}: ${c.title}` : c.title));
}

async function openRunningExtensions(ctx: UiContext): Promise<Locator> {
  await ctx.runCommand('Developer: Show Running Extensions');
  const editor = ctx.page.locator('.runtime-extensions-editor').first();
  await editor.waitFor({ state: 'visible', timeout: 15_000 });
  await editor.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 15_000 });
  return editor;
}

async function listed(editor: Locator, displayName: string | undefined): Promise<boolean> {
  // Rows show the display name, or the id for an extension under development.
  const names = [EXTENSION_ID, ...(displayName ? [displayName] : [])].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const row = editor.locator('.monaco-list-row', { hasText: new RegExp(names.join('|')) }).first();
  // The list renders asynchronously; give it a moment before deciding.
  return row.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
}

export const tests: UiTest[] = [
  {
    name: 'the extension under development is loaded (Running Extensions)',
    timeoutMs: 90_000,
    fn: async (ctx) => {
      const { page } = ctx;
      const title = await page.title();
      if (!title.includes('[Extension Development Host]')) throw new Error(`window title ${JSON.stringify(title)} lacks [Extension Development Host]: the payload was not applied`);
      const m = manifest();
      let editor = await openRunningExtensions(ctx);
      if (!(await listed(editor, m.displayName))) {
        // Running Extensions lists only activated extensions. Activate ours through one of
        // its own palette commands (onCommand activation), then dismiss whatever it opens.
        const [command] = paletteTitles(m);
        if (!command) {
          console.log(`    (note: ${EXTENSION_ID} contributes no palette command and is not active; only the dev-host title was checked)`);
          return;
        }
        await ctx.runCommand(command);
        await page.waitForTimeout(1500);
        await ctx.dismissQuickInput();
        await page.keyboard.press('Escape');
        await ctx.runCommand('View: Close All Editors');
        editor = await openRunningExtensions(ctx);
        if (!(await listed(editor, m.displayName))) {
          const rows = await editor.locator('.monaco-list-row').allInnerTexts();
          throw new Error(`${EXTENSION_ID} is not in Running Extensions after "${command}"; rows: ${JSON.stringify(rows.map((r) => r.split('\n')[0]))}`);
        }
      }
      await ctx.screenshot('running-extensions');
      await ctx.runCommand('View: Close All Editors');
    },
  },
  {
    name: 'Ctrl+Shift+P opens the palette too',
    fn: async ({ page, runCommand }) => {
      const sidebar = page.locator('.part.sidebar');
      const before = await sidebar.isVisible();
      await runCommand('View: Toggle Primary Side Bar Visibility', { via: 'Control+Shift+P' });
      await sidebar.waitFor({ state: before ? 'hidden' : 'visible', timeout: 10_000 });
      await runCommand('View: Toggle Primary Side Bar Visibility');
      await sidebar.waitFor({ state: before ? 'visible' : 'hidden', timeout: 10_000 });
    },
  },
  {
    name: 'quick open, input box, markdown preview: webview text is readable',
    fn: async ({ page, runCommand, pickItem, answerInput, frames, screenshot }) => {
      await runCommand('Go to File...');
      await pickItem('README.md', { filter: 'README.md' });
      await page.locator('.tabs-container .tab', { hasText: 'README.md' }).waitFor({ state: 'visible', timeout: 15_000 });
      await runCommand('Go to Line/Column...');
      await answerInput(':3'); // Go to Line is quick open with the ':' prefix; fill() replaces the whole text
      await page.locator('.statusbar-item', { hasText: /Ln 3, Col 1/ }).waitFor({ state: 'visible', timeout: 10_000 });
      await runCommand('Markdown: Open Preview');
      const frame = await frames.find('h1', { timeoutMs: 30_000 });
      const text = await frames.webviewText('h1');
      if (!/UI smoke workspace/.test(text)) throw new Error(`unexpected preview heading: ${JSON.stringify(text)}`);
      if (frames.depth(frame) < 2) throw new Error(`webview content at frame depth ${frames.depth(frame)}, expected >= 2 (host iframe > content iframe)`);
      await screenshot('markdown-preview');
      await runCommand('View: Close All Editors');
    },
  },
];
