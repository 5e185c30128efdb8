/**
 * UI: the wizard checks its form before any call. An invalid identity pool name and an invalid
 * Auth0 client ID, then "Save and check": each field shows its error next to it, and neither
 * the Auth0 tenant nor moto gets a request (screenshot: .test-artifacts/ui/wizard-invalid-form.png).
 */
import type { UiTest } from './run';
import { openWizard } from './wizard.ui';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const tests: UiTest[] = [
  {
    name: 'an invalid pool name and client ID show field errors and make no call',
    timeoutMs: 90_000,
    fn: async ({ standins, runCommand, frames, screenshot }) => {
      const { tenant, moto } = standins;
      const frame = await openWizard({ runCommand, frames });
      await frame.locator('#f-domain').fill(tenant.domain);
      await frame.locator('#f-clientId').fill('not a client id');
      await frame.locator('#f-poolName').fill('bad/pool/name');
      await frame.locator('#f-roleName').fill('');

      // Whatever else the workbench started (the Resources view lists moto once) settles first.
      let motoLog = moto.logTail();
      for (let quiet = 0; quiet < 6;) {
        await sleep(250);
        const now = moto.logTail();
        quiet = now === motoLog ? quiet + 1 : 0;
        motoLog = now;
      }
      const tenantRequests = tenant.requests.length;

      await frame.locator('#check-all').click();
      const poolError = frame.locator('#err-poolName');
      const clientError = frame.locator('#err-clientId');
      await poolError.waitFor({ timeout: 20_000 });
      await clientError.waitFor({ timeout: 20_000 });
      const poolText = await poolError.innerText();
      const clientText = await clientError.innerText();
      if (!/not a valid identity pool name/.test(poolText)) throw new Error(`pool name error: ${poolText}`);
      if (!/not an Auth0 Client ID/.test(clientText)) throw new Error(`client ID error: ${clientText}`);
      if ((await frame.locator('#f-poolName').getAttribute('aria-invalid')) !== 'true') throw new Error('the pool name field is not marked invalid');
      if ((await frame.locator('#err-domain').count()) !== 0) throw new Error(`the valid domain got an error: ${await frame.locator('#err-domain').innerText()}`);
      await screenshot('wizard-invalid-form');

      // No call: nothing reached the tenant or moto, and no step was checked.
      await sleep(1_500);
      if (tenant.requests.length !== tenantRequests) {
        throw new Error(`the tenant got requests: ${JSON.stringify(tenant.requests.slice(tenantRequests).map((r) => `${r.method} ${r.path}`))}`);
      }
      if (moto.logTail() !== motoLog) throw new Error(`moto got requests:\n${moto.logTail().slice(motoLog.length > 0 ? -1500 : 0)}`);
      const status = await frame.locator('#step-connections .badge').first().getAttribute('data-status');
      if (status !== 'not-started') throw new Error(`the connections step was checked (${status})`);
    },
  },
];
