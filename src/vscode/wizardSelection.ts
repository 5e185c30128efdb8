import * as vscode from 'vscode';

/**
 * What "Use in Setup Wizard" in the Resources view picked: kept per workspace (it survives a
 * reload) and shown in the wizard ("Using pool X from the Resources view — Clear"), never
 * applied silently. The Resources view writes it, the wizard reads it and clears it.
 */
export interface WizardSelection {
  providerArn?: string;
  poolId?: string;
  roleArn?: string;
  region?: string;
  profile?: string | undefined;
  updatedAt?: string;
}

const KEY = 'auth0Cognito.wizard.selection';
/** Where the wizard keeps its form (the Auth0 domain and client ID set up; never a secret): the inspector and the Resources view read it. */
export const WIZARD_FORM_KEY = 'auth0Cognito.wizard.form';
const changed = new vscode.EventEmitter<WizardSelection | undefined>();

/** Fires when the selection is set or cleared (the wizard redraws its state). */
export const onDidChangeWizardSelection = changed.event;

export function getWizardSelection(context: vscode.ExtensionContext): WizardSelection | undefined {
  const v = context.workspaceState.get<unknown>(KEY);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as WizardSelection) : undefined;
}

export async function setWizardSelection(context: vscode.ExtensionContext, selection: WizardSelection | undefined): Promise<void> {
  await context.workspaceState.update(KEY, selection);
  changed.fire(selection);
}
