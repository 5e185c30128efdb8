/**
 * UI: walk the setup wizard in the sidebar by clicking, from an HS256 Auth0 application and an
 * empty AWS account (moto) to credentials from the pool, with a screenshot of each step
 * (.test-artifacts/ui/wizard-*.png).
 */
import type { Frame, Page } from 'playwright-core';
import type { UiContext, UiTest } from './run';
import { waitDone } from './walkthrough.ui';

async function status(frame: Frame, step: string): Promise<string> {
  return (await frame.locator(`#step-${step} .badge`).first().getAttribute('data-status')) ?? '';
}

/** The wizard never scrolls sideways (issue 12): its body is no wider than the sidebar. */
async function noSidewaysScroll(frame: Frame, where: string): Promise<void> {
  const [scroll, client] = await frame.evaluate(() => [document.body.scrollWidth, document.body.clientWidth]);
  if (scroll > client) throw new Error(`the wizard scrolls sideways ${where}: scrollWidth ${scroll} > clientWidth ${client}`);
}

/** A screenshot of the whole window and one of the sidebar alone (for docs/images). */
async function shots(page: Page, screenshot: (name: string) => Promise<string>, name: string): Promise<void> {
  const full = await screenshot(name);
  await page.locator('.part.sidebar').first().screenshot({ path: full.replace(/\.png$/, '-sidebar.png') });
}

async function waitIdle(frame: Frame): Promise<void> {
  await frame.locator('p.busy').waitFor({ state: 'detached', timeout: 60_000 });
}

/** Polls until the step's status is not 'not-started' (the check ran) and the view is idle. */
async function waitChecked(frame: Frame, step: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const st = await status(frame, step).catch(() => '');
    if (st && st !== 'not-started' && (await frame.locator('p.busy').count()) === 0) return st;
    if (Date.now() > deadline) throw new Error(`step ${step} was not checked in time (status ${st})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Signs in with Auth0 the way a user does in code-server: "Sign in with Auth0" in step 7; the
 * first click shows the plan that allows the callback URL (code-server's port proxy) right under
 * the button, applied with a click; the second opens the browser on the tenant's login page
 * (a wrong password first), and the wizard receives the token: no pasting.
 */
async function signInInBrowser({ page, standins, screenshot }: Pick<UiContext, 'page' | 'standins' | 'screenshot'>, frame: Frame, clientId: string, password: string): Promise<void> {
  const { tenant } = standins;
  const tryIt = frame.locator('#step-tryIt details.step-details');
  if (!(await tryIt.evaluate((d) => (d as HTMLDetailsElement).open))) await frame.locator('#step-tryIt summary').first().click();
  // 1st click: Auth0 does not allow the callback URL, which in code-server is the port proxy's.
  await frame.locator('#sign-in').click();
  const cbPlan = frame.locator('#step-tryIt #callback-plan');
  await cbPlan.locator('.plan').waitFor({ timeout: 60_000 });
  await waitIdle(frame);
  const planText = await cbPlan.innerText();
  const callback = /http:\/\/[^\s,]+\/proxy\/53682\/callback/.exec(planText)?.[0];
  if (!callback) throw new Error(`the callback plan does not name code-server's proxied callback URL: ${planText}`);
  if (new URL(callback).host !== new URL(page.url()).host) throw new Error(`callback ${callback} is not on the workbench's origin ${page.url()}`);
  await cbPlan.scrollIntoViewIfNeeded();
  await shots(page, screenshot, 'signin-1-callback-plan');
  await noSidewaysScroll(frame, 'with the callback plan');
  await cbPlan.locator('#apply-callbackUrl').click();
  await frame.locator('#outcome-callbackUrl').waitFor({ timeout: 60_000 });
  await waitIdle(frame);
  if (!tenant.clients.get(clientId)?.callbacks.includes(callback)) throw new Error(`the application's callbacks: ${tenant.clients.get(clientId)?.callbacks.join(', ')}`);

  // 2nd click: the browser opens the loopback start page (through the proxy), then the tenant's login page.
  const exchangedBefore = tenant.countRequests('POST', '/oauth/token');
  const popupPromise = page.context().waitForEvent('page', { timeout: 60_000 });
  await frame.locator('#sign-in').click();
  const login = await popupPromise;
  await login.locator('#username').waitFor({ timeout: 60_000 });
  if (!login.url().startsWith(`${tenant.baseUrl}/authorize?`)) throw new Error(`the login page is at ${login.url()}`);
  await login.screenshot({ path: (await screenshot('signin-2-tenant-login')).replace(/\.png$/, '-page.png') });
  await login.locator('#username').fill(tenant.user.email);
  await login.locator('#password').fill('not-the-password');
  await login.locator('button[type=submit]').click();
  await login.locator('#error-element-password', { hasText: 'Wrong email or password.' }).waitFor({ timeout: 30_000 });
  await login.locator('#username').fill(tenant.user.email);
  await login.locator('#password').fill(password);
  await login.locator('button[type=submit]').click();
  await login.locator('h1', { hasText: 'Signed in' }).waitFor({ timeout: 60_000 });
  if (!/\/proxy\/53682\/callback\?/.test(login.url())) throw new Error(`the browser came back at ${login.url()}`);
  await login.screenshot({ path: (await screenshot('signin-3-signed-in')).replace(/\.png$/, '-page.png') });
  await login.close();

  // The wizard got the token (no pasting): the code was exchanged once, by the extension.
  await frame.locator('#token-summary', { hasText: 'Token (sign-in): ID token · RS256' }).waitFor({ timeout: 60_000 });
  if (tenant.countRequests('POST', '/oauth/token') !== exchangedBefore + 1) throw new Error('the authorization code was not exchanged exactly once');
  if (await frame.locator('#callback-plan .plan').count()) throw new Error('the callback plan is still shown after the sign-in');
}

/** Opens the wizard and returns its frame; reopens the sidebar once if the webview never loads. */
export async function openWizard({ runCommand, frames }: Pick<UiContext, 'runCommand' | 'frames'>): Promise<Frame> {
  await runCommand('Auth0 Cognito: Open Setup Wizard');
  return frames.find('#setup-form', {
    timeoutMs: 30_000,
    reopen: async () => {
      await runCommand('View: Close Primary Side Bar');
      await runCommand('Auth0 Cognito: Open Setup Wizard');
    },
  });
}

export const tests: UiTest[] = [
  {
    name: 'fill the form, check, plan and apply every step, sign in with Auth0 in the browser, exchange, copy a snippet',
    timeoutMs: 240_000,
    fn: async ({ page, standins, runCommand, answerInput, pickItem, frames, screenshot }) => {
      const { tenant } = standins;
      // A fresh HS256 application, as Auth0 used to create them, and a machine-to-machine client.
      const app = tenant.addClient({ name: 'Wizard UI app', app_type: 'native', jwt_configuration: { alg: 'HS256' } });
      // The walkthrough open first, as after an install: VS Code registers it before the wizard's checks complete its steps.
      await runCommand('Welcome: Open Walkthrough...');
      await pickItem('Get started with Auth0 Cognito Bridge', { filter: 'Auth0 Cognito' });
      const frame = await openWizard({ runCommand, frames });
      await frame.locator('#f-domain').fill(tenant.domain);
      await frame.locator('#f-clientId').fill(app.client_id);
      await frame.locator('#f-poolName').fill('wizard-ui-pool');
      await screenshot('wizard-0-form');

      await frame.locator('#check-all').click();
      if ((await waitChecked(frame, 'connections')) !== 'done') throw new Error(`connections: ${await frame.locator('#step-connections').innerText()}`);
      await shots(page, screenshot, 'wizard-1-connections');
      await noSidewaysScroll(frame, 'after the first check');
      // The AWS calls go to moto, not AWS, and the tenant's CA is trusted: the Connections step says so.
      const endpointLine = await frame.locator('#step-connections #aws-endpoint').innerText();
      if (endpointLine !== `AWS endpoint: ${standins.moto.endpoint} (not AWS)`) throw new Error(`endpoint line: ${endpointLine}`);
      const caLine = await frame.locator('#step-connections #extra-cas').innerText();
      if (!caLine.includes(tenant.certs.rootPath)) throw new Error(`extra CA line: ${caLine}`);

      // Management API access, stored in SecretStorage through the quick pick and input boxes.
      await frame.locator('#set-management').click();
      await pickItem('Use a machine-to-machine application (client ID + secret)');
      await answerInput(tenant.mgmt.clientId);
      await answerInput(tenant.mgmt.clientSecret);
      await frame.locator('#management', { hasText: 'client credentials stored' }).waitFor({ timeout: 20_000 });

      for (const step of ['auth0App', 'oidcProvider', 'identityPool', 'authenticatedRole']) {
        const n = ['auth0App', 'oidcProvider', 'identityPool', 'authenticatedRole'].indexOf(step) + 2;
        await frame.locator(`#plan-${step}`).click();
        await frame.locator(`#step-${step} .plan`).waitFor({ timeout: 60_000 });
        await waitIdle(frame);
        await (step === 'identityPool' ? shots(page, screenshot, `wizard-${n}-${step}-plan`) : screenshot(`wizard-${n}-${step}-plan`));
        await noSidewaysScroll(frame, `with the plan of ${step}`);
        const plan = await frame.locator(`#step-${step} .plan`).innerText();
        if (!/Plan:/.test(plan)) throw new Error(`no plan for ${step}: ${plan}`);
        await frame.locator(`#apply-${step}`).click();
        await frame.locator(`#outcome-${step}`).waitFor({ timeout: 60_000 });
        await waitIdle(frame);
        const outcome = await frame.locator(`#outcome-${step}`).innerText();
        if (!/^Done\./.test(outcome)) throw new Error(`${step} failed: ${outcome}`);
        if ((await status(frame, step)) !== 'done') throw new Error(`${step} is ${await status(frame, step)} after apply: ${await frame.locator(`#step-${step}`).innerText()}`);
        await screenshot(`wizard-${n}-${step}-done`);
      }
      if (tenant.clients.get(app.client_id)?.jwt_configuration.alg !== 'RS256') throw new Error('the application was not switched to RS256');

      // Try it: sign in with Auth0 in the browser (the tenant's login page), then exchange the token.
      const password = 'ui-test-password';
      tenant.loginPage = { password };
      try {
        await signInInBrowser({ page, standins, screenshot }, frame, app.client_id, password);
      } finally {
        tenant.loginPage = undefined;
      }
      await frame.locator('#step-tryIt .plan').waitFor({ timeout: 60_000 });
      await waitIdle(frame);
      await frame.locator('#apply-tryIt').click();
      await frame.locator('#try-result').waitFor({ timeout: 60_000 });
      const result = await frame.locator('#try-result').innerText();
      if (!/us-east-1:/.test(result)) throw new Error(`try it: ${result}`);
      // A successful exchange makes the step done (issue 12: status that is never stale).
      await waitIdle(frame);
      for (let i = 0; i < 50 && (await status(frame, 'tryIt')) !== 'done'; i++) await new Promise((r) => setTimeout(r, 200));
      if ((await status(frame, 'tryIt')) !== 'done') throw new Error(`Try it is "${await status(frame, 'tryIt')}" after a successful exchange`);
      await shots(page, screenshot, 'wizard-6-tryit');
      await noSidewaysScroll(frame, 'after Try it');

      await frame.locator('#snippets').waitFor({ timeout: 30_000 });
      await frame.locator('#snippets').scrollIntoViewIfNeeded();
      await screenshot('wizard-7-snippets');
      // The snippet opens in an editor (issue 12: code where code lives), with this setup's values.
      await frame.locator('#open-snippet-typescript').click();
      const code = page.locator('.editor-instance .view-lines').first();
      await code.filter({ hasText: 'fromCognitoIdentityPool' }).waitFor({ timeout: 30_000 });
      const snippet = await code.innerText();
      if (!snippet.includes(tenant.domain)) throw new Error(`snippet: ${snippet}`);
      await screenshot('wizard-8-snippet-editor');
      // Setup as code (issue 10): the Terraform export opens in an editor too, built from the same plan.
      await frame.locator('#export-terraform').click();
      await page.locator('.editor-instance .view-lines', { hasText: 'as Terraform' }).first().waitFor({ timeout: 60_000 });
      await screenshot('wizard-9-export-terraform');
      // Close the two untitled editors without saving (their unsaved badge would cover the Explorer icon).
      for (let i = 0; i < 2; i++) await runCommand('View: Revert and Close Editor');

      // Hide the view (another sidebar container) and come back: the state is still there.
      await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
      await page.locator('.activitybar .action-item a[aria-label^="Auth0 Cognito"]').first().click();
      const back = await frames.find('#step-authenticatedRole', {
        timeoutMs: 30_000,
        reopen: async () => {
          await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
          await page.locator('.activitybar .action-item a[aria-label^="Auth0 Cognito"]').first().click();
        },
      });
      for (const step of ['connections', 'auth0App', 'oidcProvider', 'identityPool', 'authenticatedRole']) {
        if ((await status(back, step)) !== 'done') throw new Error(`${step} lost its state after hiding the view`);
      }
      await back.locator('#try-result').waitFor({ timeout: 10_000 });

      // The walkthrough's "Connect Auth0" and "Run the setup wizard" completed with the wizard's checks.
      await runCommand('Welcome: Open Walkthrough...');
      await pickItem('Get started with Auth0 Cognito Bridge', { filter: 'Auth0 Cognito' });
      await waitDone(page, 'connectAuth0');
      await waitDone(page, 'runWizard');
      await screenshot('wizard-10-walkthrough-done');
    },
  },
];
