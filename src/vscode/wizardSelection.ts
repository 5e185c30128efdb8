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
/** Where the wizard keeps its last state (steps, outputs such as the pool id; never a token or secret). */
export const WIZARD_STATE_KEY = 'auth0Cognito.wizard.state';
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

/**
 * What other commands start from (issue 12: fields prefilled from the wizard): the Auth0 domain of
 * the wizard's form and the identity pool the wizard found or made. Read from workspace state,
 * checked like outside input (shape and length), so a damaged state gives nothing, not an error.
 */
export function wizardDefaults(context: vscode.ExtensionContext): { domain: string | undefined; poolId: string | undefined } {
  const form = context.workspaceState.get<unknown>(WIZARD_FORM_KEY);
  const state = context.workspaceState.get<unknown>(WIZARD_STATE_KEY);
  const str = (o: unknown, k: string): string | undefined => {
    const v = o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined;
    return typeof v === 'string' && v.trim() && v.length <= 300 ? v.trim() : undefined;
  };
  const outputs = state && typeof state === 'object' ? (state as Record<string, unknown>).outputs : undefined;
  const poolId = str(outputs, 'poolId');
  return { domain: str(form, 'domain'), poolId: poolId && /^[\w-]+:[0-9a-f-]+$/.test(poolId) ? poolId : undefined };
}
