import * as vscode from 'vscode';
import { AwsConfig, loadAws } from '../engine/aws/config';
import { describeError, isCancelled } from '../engine/errors';
import { Logger } from './logger';
import { withCancellableProgress } from './progress';
import { awsSettings, timeoutMs, trustSettings } from './settings';

export type AwsCheckOutcome =
  | { ok: true; account: string; arn: string; region: string; endpoint: string | undefined }
  | { ok: false; cancelled: boolean; message: string; hint: string };

/** The AWS configuration from the settings (profile, region, endpoint, extra CAs). */
export async function awsConfigFromSettings(): Promise<AwsConfig> {
  const s = awsSettings();
  return { region: s.region, profile: s.profile, endpoint: s.endpoint, trust: await trustSettings(), timeoutMs: timeoutMs() };
}

/** "Check AWS Connection": STS GetCallerIdentity with the configured profile/region/endpoint. */
export async function checkAwsConnection(log: Logger): Promise<AwsCheckOutcome> {
  const outcome = await withCancellableProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the AWS connection…') },
    async (signal): Promise<AwsCheckOutcome> => {
      try {
        const cfg = await awsConfigFromSettings();
        const aws = loadAws();
        const who = await aws.getCallerIdentity(aws.createAwsClients(cfg), signal);
        log.info('aws', `connected: account ${who.account} in ${cfg.region}${cfg.endpoint ? ` via ${cfg.endpoint}` : ''}`);
        return { ok: true, account: who.account, arn: who.arn, region: cfg.region, endpoint: cfg.endpoint };
      } catch (e) {
        const d = describeError(e);
        if (!isCancelled(e)) log.error('aws', d.message, d.code === 'INTERNAL' ? e : undefined);
        return { ok: false, cancelled: isCancelled(e), message: d.message, hint: d.hint };
      }
    },
  );
  if (outcome.ok) {
    void vscode.window.showInformationMessage(vscode.l10n.t('AWS account {0} as {1} ({2}{3}).', outcome.account, outcome.arn, outcome.region,
      outcome.endpoint ? `, ${outcome.endpoint}` : ''));
  } else if (!outcome.cancelled) {
    void vscode.window.showErrorMessage(`${outcome.message} ${outcome.hint}`);
  }
  return outcome;
}
