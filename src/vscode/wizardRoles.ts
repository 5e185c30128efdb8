/**
 * The wizard's optional step "Roles by user" (issue 13), host side: what the user sets up (kept
 * per workspace, part of the config the engine's roleMappings step plans), the quick picks that
 * add a rule from the claims of a real token, and the prediction for that token (the engine's
 * predictRole / predictSessionTags, from the setup chunk).
 */
import * as vscode from 'vscode';
import type { MappingRule, MatchType, RoleMappingConfig } from '../engine/aws/roleMapping';
import type { PrincipalTagsConfig } from '../engine/aws/principalTags';
import type { SetupConfig } from '../engine/setup/types';
import type { WizardRolesView } from '../shared/protocol';
import { setupEngine } from './load/setup';
import { tokenEngine } from './load/token';

const ROLES_KEY = 'auth0Cognito.wizard.roles';
/** Longest claim value shown (claims are outside input). */
const MAX_SHOWN = 120;

export type RolesConfig = NonNullable<SetupConfig['roles']>;

/** The saved roles config (checked like outside input: a damaged value gives none). */
export function loadRoles(context: vscode.ExtensionContext): RolesConfig | undefined {
  const v = context.workspaceState.get<unknown>(ROLES_KEY);
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = v as { mapping?: unknown; principalTags?: unknown };
  const mapping = r.mapping && setupEngine().roleMappingProblems(r.mapping).length === 0 ? (r.mapping as RoleMappingConfig) : undefined;
  const tags = r.principalTags && typeof r.principalTags === 'object' && typeof (r.principalTags as PrincipalTagsConfig).useDefaults === 'boolean' ? (r.principalTags as PrincipalTagsConfig) : undefined;
  return mapping || tags ? { mapping, principalTags: tags } : undefined;
}

export async function saveRoles(context: vscode.ExtensionContext, roles: RolesConfig | undefined): Promise<void> {
  await context.workspaceState.update(ROLES_KEY, roles && (roles.mapping || roles.principalTags) ? roles : undefined);
}

function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

/** The token's claims (decoded, bounded), or undefined without a token. */
export function tokenClaims(idToken: string | undefined): Record<string, unknown> | undefined {
  if (!idToken) return undefined;
  const d = tokenEngine().decodeToken(idToken);
  return d.ok ? (d.claims as Record<string, unknown>) : undefined;
}

/** The view of the step: the config, the current token's claims, and the prediction for it. */
export function rolesView(roles: RolesConfig | undefined, idToken: string | undefined, authenticatedRoleArn: string | undefined, providerName: string | undefined): WizardRolesView {
  const claims = tokenClaims(idToken);
  const mapping = roles?.mapping;
  const tags = roles?.principalTags;
  const list = claims ? Object.entries(claims).slice(0, 100).map(([name, value]) => ({ name: shown(name), value: shown(value) })) : [];
  const missing = claims && mapping?.type === 'Rules' ? [...new Set(mapping.rules.map((r) => r.claim).filter((c) => !(c in claims)))] : [];
  let prediction: WizardRolesView['prediction'];
  if (claims) {
    const engine = setupEngine();
    const p = engine.predictRole(claims, mapping, authenticatedRoleArn, { providerName });
    const t = engine.predictSessionTags(claims, tags);
    prediction = { roleArn: p.roleArn, denied: p.denied, why: p.why, error: p.error, tags: t.tags.map((x) => `${x.key} = ${shown(x.value)}`) };
  }
  return { mapping, principalTags: tags, prediction, claims: list, missingClaims: missing };
}

/** What a match type means (the quick pick's description), in the display language. */
function matchLabel(m: MatchType): string {
  switch (m) {
    case 'Equals': return vscode.l10n.t('the claim equals the value');
    case 'Contains': return vscode.l10n.t('the claim contains the value');
    case 'StartsWith': return vscode.l10n.t('the claim starts with the value');
    case 'NotEqual': return vscode.l10n.t('the claim is present and not equal to the value');
  }
}

/**
 * "Add rule…": the claim (from the token, or typed), how it is compared, the value (the token's
 * by default) and the role's ARN (the authenticated role's by default). Undefined when dismissed.
 */
export async function askRule(idToken: string | undefined, defaultRoleArn: string | undefined): Promise<MappingRule | undefined> {
  const claims = tokenClaims(idToken) ?? {};
  const other = vscode.l10n.t('Another claim…');
  const items: vscode.QuickPickItem[] = [
    ...Object.entries(claims).slice(0, 100).map(([k, v]) => ({ label: shown(k), description: shown(v) })),
    { label: other, description: vscode.l10n.t('a claim this token does not have (an Auth0 Action can add it)'), alwaysShow: true },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Roles by user: the claim the rule tests (1/4)'), placeHolder: idToken ? undefined : vscode.l10n.t('Paste or sign in for a token to pick from its claims') });
  if (!pick) return undefined;
  let claim = pick.label;
  if (claim === other || !(claim in claims)) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Roles by user: the claim name'), placeHolder: 'https://example.com/roles', ignoreFocusOut: true,
      validateInput: (v) => (v.trim() && v.trim().length <= 64 ? undefined : vscode.l10n.t('1 to 64 characters')),
    });
    if (!typed) return undefined;
    claim = typed.trim();
  }
  const engine = setupEngine();
  const how = await vscode.window.showQuickPick(engine.MATCH_TYPES.map((m) => ({ label: m, description: matchLabel(m) })), { title: vscode.l10n.t('Roles by user: how "{0}" is compared (2/4)', claim) });
  if (!how) return undefined;
  const current = claims[claim];
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Roles by user: the value (3/4)'), ignoreFocusOut: true,
    value: typeof current === 'string' ? current.slice(0, 128) : Array.isArray(current) && typeof current[0] === 'string' ? current[0].slice(0, 128) : '',
    validateInput: (v) => (v.length >= 1 && v.length <= 128 ? undefined : vscode.l10n.t('1 to 128 characters')),
  });
  if (value === undefined) return undefined;
  const roleArn = await vscode.window.showInputBox({
    title: vscode.l10n.t('Roles by user: the IAM role these users get (4/4)'), ignoreFocusOut: true,
    prompt: vscode.l10n.t('The ARN of an existing role; the plan pins its trust policy to this identity pool.'),
    value: defaultRoleArn ?? '', placeHolder: 'arn:aws:iam::123456789012:role/AdminRole',
    validateInput: (v) => {
      const problems = engine.roleMappingProblems({ type: 'Rules', ambiguousRoleResolution: 'AuthenticatedRole', rules: [{ claim, matchType: how.label, value, roleArn: v.trim() }] });
      return problems[0] ? `${problems[0].message} ${problems[0].hint}` : undefined;
    },
  });
  if (!roleArn) return undefined;
  return { claim, matchType: how.label as MatchType, value, roleArn: roleArn.trim() };
}
