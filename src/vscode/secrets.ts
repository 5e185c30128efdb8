import * as vscode from 'vscode';
import type { ManagementCredentials } from '../engine/auth0/connection';

/**
 * Typed access to VS Code's SecretStorage: Auth0 Management API credentials live here and
 * nowhere else (never in settings, state or logs).
 */
export class Secrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  private key(domain: string): string {
    return `auth0Cognito.management.${domain.toLowerCase()}`;
  }

  async getManagement(domain: string): Promise<ManagementCredentials | undefined> {
    const raw = await this.storage.get(this.key(domain));
    if (!raw) return undefined;
    try {
      const v = JSON.parse(raw) as ManagementCredentials;
      if (v.kind === 'token' && typeof v.token === 'string') return v;
      if (v.kind === 'clientCredentials' && typeof v.clientId === 'string' && typeof v.clientSecret === 'string') return v;
    } catch {
      // fall through: unreadable entries are dropped
    }
    await this.storage.delete(this.key(domain));
    return undefined;
  }

  async setManagement(domain: string, creds: ManagementCredentials): Promise<void> {
    await this.storage.store(this.key(domain), JSON.stringify(creds));
  }

  async deleteManagement(domain: string): Promise<void> {
    await this.storage.delete(this.key(domain));
  }
}

/**
 * Asks for Management API access for `domain`: a pasted token, or a machine-to-machine
 * application's client id + secret. Stores the answer in SecretStorage. Undefined = the user
 * chose the Dashboard instead, or cancelled.
 */
export async function askManagementCredentials(secrets: Secrets, domain: string): Promise<ManagementCredentials | undefined> {
  const token = vscode.l10n.t('Paste a Management API token');
  const m2m = vscode.l10n.t('Use a machine-to-machine application (client ID + secret)');
  const manual = vscode.l10n.t('I will change it in the Auth0 Dashboard myself');
  const pick = await vscode.window.showQuickPick([
    { label: token, detail: vscode.l10n.t('Dashboard > Applications > APIs > Auth0 Management API > API Explorer. Needs read:clients and update:clients.') },
    { label: m2m, detail: vscode.l10n.t('An application authorized for the Auth0 Management API with read:clients and update:clients.') },
    { label: manual },
  ], { title: vscode.l10n.t('Auth0 Management API access for {0}', domain), ignoreFocusOut: true });
  if (!pick || pick.label === manual) return undefined;
  let creds: ManagementCredentials | undefined;
  if (pick.label === token) {
    const t = await vscode.window.showInputBox({ title: vscode.l10n.t('Management API token for {0}', domain), password: true, ignoreFocusOut: true,
      validateInput: (v) => (v.trim().split('.').length === 3 || !v.trim() ? undefined : vscode.l10n.t('A Management API token is a JWT: three parts separated by dots.')) });
    if (t?.trim()) creds = { kind: 'token', token: t.trim() };
  } else {
    const clientId = await vscode.window.showInputBox({ title: vscode.l10n.t('Machine-to-machine client ID'), ignoreFocusOut: true });
    if (!clientId?.trim()) return undefined;
    const clientSecret = await vscode.window.showInputBox({ title: vscode.l10n.t('Machine-to-machine client secret'), password: true, ignoreFocusOut: true });
    if (!clientSecret?.trim()) return undefined;
    creds = { kind: 'clientCredentials', clientId: clientId.trim(), clientSecret: clientSecret.trim() };
  }
  if (creds) await secrets.setManagement(domain, creds);
  return creds;
}
