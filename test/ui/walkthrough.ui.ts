/**
 * UI: the Getting Started walkthrough (issue 12, item 4) on VS Code's Welcome page: its four steps
 * are listed, and each completes when the user does the action (completionEvents: the command
 * ran, or the wizard set its context key).
 */
import type { Page } from 'playwright-core';
import type { UiTest } from './run';

const STEPS = ['connectAws', 'connectAuth0', 'runWizard', 'inspectToken'] as const;

/** The walkthrough's step button (VS Code ids steps "<extension>#<walkthrough>#<step>"). */
const step = (page: Page, id: string) => page.locator(`.gettingStartedContainer button.getting-started-step[data-step-id$="${id}"]`).first();

export async function isDone(page: Page, id: string): Promise<boolean> {
  return (await step(page, id).locator('.codicon.complete').count()) > 0;
}

export async function waitDone(page: Page, id: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await isDone(page, id))) {
    if (Date.now() > deadline) throw new Error(`walkthrough step ${id} did not complete: ${await step(page, id).innerHTML().catch(() => '(not found)')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const tests: UiTest[] = [
  {
    name: 'listed on the Welcome page; its steps complete when the actions are done',
    timeoutMs: 150_000,
    fn: async ({ page, runCommand, pickItem, dismissQuickInput, screenshot }) => {
      await runCommand('Welcome: Open Walkthrough...');
      await pickItem('Get started with Auth0 Cognito Bridge', { filter: 'Auth0 Cognito' });
      for (const id of STEPS) await step(page, id).waitFor({ timeout: 30_000 });
      for (const id of STEPS) if (await isDone(page, id)) throw new Error(`step ${id} is complete before anything was done`);
      await screenshot('walkthrough-1-start');

      // Connect AWS: the step completes when the connection check runs.
      await runCommand('Auth0 Cognito: Check AWS Connection');
      await waitDone(page, 'connectAws');
      // Inspect an ID token: completes when the inspector is asked for (the prompt is dismissed here).
      await runCommand('Auth0 Cognito: Inspect ID Token');
      await dismissQuickInput();
      await waitDone(page, 'inspectToken');
      if (await isDone(page, 'connectAuth0')) throw new Error('Connect Auth0 completed without a check of the wizard');
      await screenshot('walkthrough-2-progress');
    },
  },
];
