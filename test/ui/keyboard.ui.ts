/**
 * UI: the wizard works from the keyboard (issue 12, item 1). From the first field, Tab reaches
 * every control of the sidebar page (fields, buttons, the steps' summaries, "Details"), each
 * with a visible focus indicator (an outline or a box shadow in the computed style while it has
 * focus); Enter on a step's summary closes and opens it; the page is a polite live region, so
 * status changes are announced.
 * Screenshot: .test-artifacts/ui/wizard-keyboard-focus.png.
 */
import type { Frame } from 'playwright-core';
import type { UiTest } from './run';
import { openWizard } from './wizard.ui';

interface Focused { key: string; tag: string; label: string; indicator: string }

/** What has focus in the webview's document now, and how its focus shows. */
function focused(frame: Frame): Promise<Focused | undefined> {
  return frame.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement) return undefined;
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 ? `outline ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}` : '';
    const shadow = cs.boxShadow && cs.boxShadow !== 'none' ? `shadow ${cs.boxShadow}` : '';
    const path: string[] = [];
    for (let n: Element | null = el; n && n !== document.body; n = n.parentElement) path.unshift(`${n.tagName.toLowerCase()}${n.id ? `#${n.id}` : ''}:${Array.prototype.indexOf.call(n.parentElement?.children ?? [], n)}`);
    return { key: path.join('>'), tag: el.tagName.toLowerCase(), label: (el.id || el.textContent || '').trim().slice(0, 40), indicator: outline || shadow };
  });
}

export const tests: UiTest[] = [
  {
    name: 'the wizard from the keyboard: Tab reaches every control with a visible focus; Enter opens a step',
    timeoutMs: 90_000,
    fn: async ({ page, runCommand, frames, screenshot }) => {
      const frame = await openWizard({ runCommand, frames });
      // Every control a pointer could use, as the page shows it now (visible ones only).
      const controls = await frame.evaluate(() => {
        const out: string[] = [];
        for (const el of Array.from(document.querySelectorAll<HTMLElement>('button:not([disabled]), input:not([type=hidden]), summary, a[href], select, textarea'))) {
          // Content of a closed <details> is not rendered (content-visibility): not a control the user sees.
          if (!el.checkVisibility({ contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true })) continue;
          const path: string[] = [];
          for (let n: Element | null = el; n && n !== document.body; n = n.parentElement) path.unshift(`${n.tagName.toLowerCase()}${n.id ? `#${n.id}` : ''}:${Array.prototype.indexOf.call(n.parentElement?.children ?? [], n)}`);
          out.push(path.join('>'));
        }
        return out;
      });
      if (controls.length < 8) throw new Error(`only ${controls.length} controls found: ${controls.join(', ')}`);

      // From the first control of the page, Tab through it until focus leaves it or comes back around.
      await frame.evaluate(() => document.querySelector<HTMLElement>('#app button:not([disabled]), #app input, #app summary')?.focus());
      const reached = new Map<string, Focused>();
      const first = await focused(frame);
      if (first) reached.set(first.key, first);
      for (let i = 0; i < 200; i++) {
        await page.keyboard.press('Tab');
        const f = await focused(frame);
        if (!f) break;
        if (reached.has(f.key) && i > 0) break;
        reached.set(f.key, f);
      }
      const missed = controls.filter((c) => !reached.has(c));
      if (missed.length) throw new Error(`Tab never reached ${missed.length} of ${controls.length} controls: ${missed.join(' | ')}`);
      const invisible = [...reached.values()].filter((f) => !f.indicator);
      if (invisible.length) throw new Error(`focus not visible on: ${invisible.map((f) => `${f.tag} ${f.label}`).join(', ')}`);

      // Enter on a step's summary toggles it (native <details>: the keyboard works as the pointer does).
      const summary = frame.locator('#step-connections details.step-details > summary');
      const isOpen = () => frame.locator('#step-connections details.step-details').evaluate((d) => (d as HTMLDetailsElement).open);
      const before = await isOpen();
      await summary.focus();
      await page.keyboard.press('Enter');
      if ((await isOpen()) === before) throw new Error(`Enter did not ${before ? 'close' : 'open'} step 1`);
      await page.keyboard.press('Enter');
      if ((await isOpen()) !== before) throw new Error('Enter did not toggle step 1 back');

      // Announcements: the page is a polite live region; progress is role=status, errors role=alert (media/wizard.ts).
      const live = await frame.locator('#app').getAttribute('aria-live');
      if (live !== 'polite') throw new Error(`#app aria-live is ${live}`);
      await frame.locator('#check-all').focus();
      await screenshot('wizard-keyboard-focus');
      console.error(`[ui] keyboard: ${reached.size} stops, all ${controls.length} controls reached, each with a focus indicator`);
    },
  },
];
