/**
 * UI: from the command palette, compute the local tenant's thumbprint, read it in the result
 * view, and copy it.
 */
import type { UiTest } from './run';
import { startTenant } from '../standins/tenant';

export const tests: UiTest[] = [
  {
    name: 'palette -> Compute OIDC Thumbprint -> result view shows the thumbprint and copies it',
    timeoutMs: 90_000,
    fn: async ({ page, answerInput, frames, screenshot, runCommand }) => {
      const tenant = await startTenant();
      try {
        // The palette command (the sidebar's welcome view offers the same button when no AWS
        // account is configured; here the Resources tree lists moto's instead).
        await page.locator('.activitybar .action-item a[aria-label^="Auth0 Cognito"]').first().click();
        await screenshot('thumbprint-1-sidebar');
        await runCommand('Auth0 Cognito: Compute OIDC Thumbprint');
        const prompt = await answerInput(`https://localhost:${tenant.port}/`);
        if (!/OpenID Connect provider host/.test(prompt)) throw new Error(`unexpected prompt: ${prompt}`);

        await page.locator('.tabs-container .tab', { hasText: `Thumbprint: localhost:${tenant.port}` }).waitFor({ state: 'visible', timeout: 30_000 });
        const thumb = (await frames.webviewText('#thumbprint', { timeoutMs: 30_000 })).trim();
        if (thumb !== tenant.certs.fingerprints.intermediate) {
          throw new Error(`view shows ${thumb}, expected the intermediate's SHA-1 ${tenant.certs.fingerprints.intermediate}`);
        }
        const explanation = await frames.webviewText('#explanation');
        if (!/certificate 2 of 2/.test(explanation)) throw new Error(`explanation: ${explanation}`);
        await screenshot('thumbprint-2-result');

        const frame = await frames.find('#copy-thumbprint');
        await frame.locator('#copy-thumbprint').click();
        await frame.locator('#status', { hasText: /Thumbprint copied|could not be copied/ }).waitFor({ timeout: 10_000 });
        const status = await frame.locator('#status').innerText();
        if (!/Thumbprint copied to the clipboard/.test(status)) throw new Error(`status after copy: ${status}`);
        await screenshot('thumbprint-3-copied');
        await runCommand('View: Close All Editors');
      } finally {
        await tenant.stop();
      }
    },
  },
];
