/**
 * UI: paste a token into "Inspect ID Token", check it against an identity pool in moto, apply
 * the fix the preflight offers, and run the real exchange. Screenshots at each step.
 */
import type { UiTest } from './run';
import { buildWorld } from '../standins/world';

export const tests: UiTest[] = [
  {
    name: 'paste a token -> preflight against a pool -> fix the audience -> real exchange',
    timeoutMs: 150_000,
    fn: async ({ page, standins, runCommand, answerInput, frames, screenshot }) => {
      const { tenant, moto } = standins;
      // The provider lacks the app's client id: the preflight must say so and offer the fix.
      const world = await buildWorld(moto, tenant, { name: 'ui-inspector', clientIds: ['SomeOtherAppClientId000000000000'] });
      await runCommand('Auth0 Cognito: Inspect ID Token');
      // In the browser the extension does not probe the clipboard: the input box comes straight away.
      await answerInput(`Bearer ${tenant.mintIdToken({ alg: 'RS256' })}`);
      const frame = await frames.find('#kind', { timeoutMs: 30_000 });
      await frame.locator('#signature .badge', { hasText: 'valid' }).waitFor({ timeout: 30_000 });
      const kind = await frame.locator('#kind').innerText();
      if (!/ID token/.test(kind)) throw new Error(`kind: ${kind}`);
      await screenshot('inspector-1-decoded');

      await frame.locator('#pool-id').fill(world.poolId);
      await frame.locator('#run-preflight').click();
      await frame.locator('#summary', { hasText: 'Would be rejected' }).waitFor({ timeout: 30_000 });
      const audRule = frame.locator('li[data-rule="aud.clientId"]');
      const audText = await audRule.innerText();
      if (!/Token is not from a supported provider of this identity pool/.test(audText)) throw new Error(`aud rule: ${audText}`);
      await screenshot('inspector-2-findings');

      await audRule.locator('button', { hasText: 'Fix…' }).click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      const plan = await dialog.innerText();
      if (!/AddClientIDToOpenIDConnectProvider/.test(plan)) throw new Error(`plan dialog: ${plan}`);
      await screenshot('inspector-3-plan');
      await dialog.locator('.monaco-button', { hasText: 'Apply' }).click();
      await frame.locator('#summary', { hasText: 'Pass' }).waitFor({ timeout: 30_000 });
      await screenshot('inspector-4-fixed');

      await frame.locator('#exchange').click();
      await frame.locator('#exchange-result', { hasText: 'Credentials issued' }).waitFor({ timeout: 30_000 });
      const result = await frame.locator('#exchange-result').innerText();
      // The stand-in returns real STS credentials (a 40-character secret) or, without a role, its fixed ones.
      if (/ABCSECRETKEY/.test(result) || /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/.test(result)) throw new Error('the secret access key is shown');
      await screenshot('inspector-5-exchange');
      await runCommand('View: Close All Editors');
    },
  },
];
