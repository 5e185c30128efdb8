import * as vscode from 'vscode';
import type { SetupCache, SetupConfig, SetupContext, SetupOutputs, StepId, SetupPlan, PlanId, StepOutcome } from '../engine/setup';
import { normalizeAuth0Domain } from '../engine/auth0/connection';
import { EngineError, describeError, isCancelled } from '../engine/errors';
import type { SetupFieldsInput } from '../engine/setup/fields';
import { parseWizardForm, type ExportFormatId, type WizardFieldErrors, type WizardForm, type WizardPicked, type WizardPlanHolder, type WizardViewMessage, type WizardViewState } from '../shared/protocol';
import { setupEngine } from './load/setup';
import { openUntitled } from './untitled';
import { Views } from '../shared/commands';
import type * as WizardRoles from './wizardRoles';
import type { RolesConfig } from './wizardRoles';

let rolesChunk: typeof WizardRoles | undefined;
/**
 * The "Roles by user" host code (dist/chunks/wizard-roles.js, see CHUNKS in esbuild.mjs): loaded
 * when the wizard's state is first built, not at activation.
 */
function wizardRoles(): typeof WizardRoles {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  rolesChunk ??= require('./wizardRoles') as typeof WizardRoles;
  return rolesChunk;
}
import type { RoleMappingConfig } from '../engine/aws/roleMapping';
import { tokenEngine } from './load/token';
import type { Logger } from './logger';
import { applyWithChangedPlanPrompt } from './planUi';
import { type Secrets, askManagementCredentials } from './secrets';
import { BusyRunner, type WebviewHost } from './webviewHost';
import type { WizardServices } from './wizard';

/** The Getting Started walkthrough (package.json contributes.walkthroughs) and the context keys that complete its steps. */
export const WALKTHROUGH_ID = 'auth0-cognito-bridge.auth0-cognito-bridge#getStarted';
export const WALKTHROUGH_AUTH0_CONNECTED = 'auth0Cognito.walkthrough.auth0Connected';
export const WALKTHROUGH_SETUP_DONE = 'auth0Cognito.walkthrough.setupDone';
/** The loopback port of the sign-in callback: fixed, because Auth0 matches callback URLs exactly. */
export const SIGNIN_PORT = 53682;

const EMPTY_FORM: WizardForm = { domain: '', clientId: '', poolName: 'auth0-cognito', roleName: '' };

/**
 * The setup wizard in the sidebar: the host owns the state machine (engine: src/engine/setup),
 * the webview renders it and collects input. Nothing is changed without a plan shown first and
 * a click on Apply.
 */
export class WizardController implements vscode.Disposable {
  private readonly actions: BusyRunner;
  /** Built on first use (the view shown, a wizard command): building it loads the setup chunk. */
  private st: WizardViewState | undefined;
  private idToken: string | undefined;
  /** "Roles by user" as set up in the wizard (saved per workspace); part of the config. */
  private roles: RolesConfig | undefined;
  /** The last successful "Try it": with this token and pool, the step is done (not "needs action"). */
  private exchanged: { token: string; poolId: string | undefined; summary: string } | undefined;
  /** The setup reads' cache (created on first use, dropped when the form or settings change). */
  private cache: SetupCache | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
    private readonly secrets: Secrets,
    /** The page: owned by WizardView (./wizard.ts), which registers the view at activation. */
    private readonly host: WebviewHost<WizardViewState, WizardViewMessage>,
    /** settings.ts and wizardSelection.ts as loaded by extension.js: their state (warnings, the selection's event) is one per window, not one per bundle. */
    private readonly svc: WizardServices,
  ) {
    // One progress indicator per action: the view's (its Cancel button, in the page, aborts).
    this.actions = new BusyRunner({ state: () => this.state, post: () => this.post(), log, topic: 'wizard' });
    // "Use in Setup Wizard" in the Resources view: shown in the form, with a Clear button.
    this.disposables.push(this.svc.selection.onDidChangeWizardSelection(() => {
      if (!this.st) return;
      this.state.picked = this.pickedView();
      delete this.state.fieldErrors.picked;
      this.post();
    }));
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('auth0Cognito')) {
        this.cache = undefined;
        if (!this.st) return;
        this.state.aws = this.awsView();
        this.state.picked = this.pickedView();
        this.post();
      }
    }));
  }

  /** The workspace's settings files changed (WizardView watches them from activation on): the AWS line may list ignored settings. */
  onWorkspaceSettingsScanned(): void {
    if (!this.st) return;
    this.state.aws = this.awsView();
    this.post();
  }

  get state(): WizardViewState {
    if (!this.st) {
      this.st = this.initialState();
      void this.refreshManagement();
    }
    return this.st;
  }

  private initialState(): WizardViewState {
    this.roles = wizardRoles().loadRoles(this.context);
    const saved = this.context.workspaceState.get<WizardViewState>(this.svc.selection.WIZARD_STATE_KEY);
    const form = { ...EMPTY_FORM, ...this.context.workspaceState.get<WizardForm>(this.svc.selection.WIZARD_FORM_KEY) };
    return {
      form,
      aws: this.awsView(),
      management: 'none',
      steps: setupEngine().SETUP_STEPS.map((s) => {
        const old = saved?.steps.find((x) => x.id === s.id);
        return { id: s.id, title: s.title, description: s.description, inspection: old?.inspection, plan: undefined, outcome: undefined, error: undefined };
      }),
      outputs: saved?.outputs ?? {},
      token: undefined,
      callbackPlan: undefined,
      snippets: saved?.snippets,
      fieldErrors: {},
      picked: this.pickedView(),
      roles: wizardRoles().rolesView(this.roles, undefined, saved?.outputs?.roleArn, saved?.outputs?.loginsKey),
      busy: undefined,
      error: undefined,
    };
  }

  private awsView(): WizardViewState['aws'] {
    const a = this.svc.settings.awsSettings();
    return { profile: a.profile ?? '', region: a.region, endpoint: a.endpoint ?? '', extraCaCertificates: this.svc.settings.extraCaPaths(), ignoredWorkspaceSettings: this.svc.settings.ignoredWorkspaceSettings() };
  }

  private domainOrUndefined(): string | undefined {
    try {
      return this.state.form.domain.trim() ? normalizeAuth0Domain(this.state.form.domain) : undefined;
    } catch {
      return undefined;
    }
  }

  private async refreshManagement(): Promise<void> {
    const domain = this.domainOrUndefined();
    const creds = domain ? await this.secrets.getManagement(domain) : undefined;
    this.state.management = creds?.kind ?? 'none';
    this.post();
  }

  /** The pool or role picked in the Resources view, as the form shows it ("used" only in the same region). */
  private pickedView(): WizardPicked | undefined {
    const sel = this.svc.selection.getWizardSelection(this.context);
    if (!sel || (!sel.poolId && !sel.roleArn)) return undefined;
    const region = this.svc.settings.awsSettings().region;
    return { poolId: sel.poolId, roleArn: sel.roleArn, region: sel.region, used: !sel.region || sel.region === region };
  }

  private fieldsInput(): SetupFieldsInput {
    const f = this.state.form;
    const a = this.svc.settings.awsSettings();
    const picked = this.pickedView();
    const used = picked?.used ? picked : undefined;
    return {
      aws: { profile: a.profile, region: a.region, endpoint: a.endpoint },
      domain: f.domain.trim(),
      clientId: f.clientId.trim(),
      poolName: f.poolName.trim() || EMPTY_FORM.poolName,
      poolId: used?.poolId,
      roleName: f.roleName.trim() || used?.roleArn || undefined,
    };
  }

  /**
   * The form checked with the CLI's rules (validateSetupConfig). A bad field gets its error next
   * to it in the form and the result is undefined: the caller then makes no AWS or Auth0 call.
   */
  private validConfig(): SetupConfig | undefined {
    const r = setupEngine().checkSetupFields(this.fieldsInput());
    if (r.ok) {
      this.state.fieldErrors = {};
      return this.roles ? { ...r.config, roles: this.roles } : r.config;
    }
    const { poolId, ...rest } = r.fieldErrors;
    const fieldErrors: WizardFieldErrors = { ...rest, ...(poolId ? { picked: poolId } : {}) };
    this.state.fieldErrors = fieldErrors;
    this.state.error = r.error ?? { message: vscode.l10n.t('Fix the fields marked in the form first.'), hint: vscode.l10n.t('Nothing was sent to AWS or Auth0.') };
    this.log.info('wizard', `form not valid: ${Object.keys(fieldErrors).join(', ') || 'settings'}; nothing called`);
    this.post();
    return undefined;
  }

  /** The checked config; throws (nothing called) when a field is not valid. */
  private config(): SetupConfig {
    const c = this.validConfig();
    if (c) return c;
    throw new EngineError('INVALID_INPUT', this.state.error?.message ?? vscode.l10n.t('Fix the fields marked in the form first.'), this.state.error?.hint ?? '');
  }

  private async ctx(signal: AbortSignal, outputs?: SetupOutputs): Promise<SetupContext> {
    const domain = this.domainOrUndefined();
    return {
      config: this.config(),
      management: domain ? await this.secrets.getManagement(domain) : undefined,
      trust: await this.svc.settings.trustSettings(),
      timeoutMs: this.svc.settings.timeoutMs(),
      signal,
      cache: (this.cache ??= setupEngine().createSetupCache()),
      outputs: outputs ?? this.state.outputs,
      idToken: this.idToken,
    };
  }

  private post(): void {
    void this.context.workspaceState.update(this.svc.selection.WIZARD_STATE_KEY, { ...this.state, busy: undefined, callbackPlan: undefined });
    this.host.postState();
  }

  /** Runs `fn` with one progress indicator (the view's; its Cancel button aborts); errors land in the view. */
  private busy(label: string, fn: (signal: AbortSignal) => Promise<void>): Promise<void> {
    return this.actions.run(label, { location: { viewId: Views.wizard } }, fn);
  }

  private async saveForm(form: WizardForm): Promise<void> {
    const changedTenant = form.domain.trim() !== this.state.form.domain.trim() || form.clientId.trim() !== this.state.form.clientId.trim();
    const changedNames = form.poolName.trim() !== this.state.form.poolName.trim() || form.roleName.trim() !== this.state.form.roleName.trim();
    this.state.form = form;
    this.state.fieldErrors = {};
    if (changedTenant) {
      this.cache = undefined;
      for (const s of this.state.steps) Object.assign(s, { inspection: undefined, plan: undefined, outcome: undefined, error: undefined });
      this.state.outputs = {};
      this.state.snippets = undefined;
    }
    // Typing another pool or role name replaces what "Use in wizard" picked in the Resources tree.
    if (changedNames && this.state.picked) {
      await this.svc.selection.setWizardSelection(this.context, undefined);
      this.state.picked = undefined;
    }
    await this.context.workspaceState.update(this.svc.selection.WIZARD_FORM_KEY, form);
    await this.refreshManagement();
  }

  /** Saves the form, checks its fields, then inspects every step (read-only); a bad field: no call at all. */
  async check(form: WizardForm): Promise<WizardViewState> {
    await this.saveForm(form);
    return this.checkAll();
  }

  /** "Clear" next to the pool/role picked in the Resources view: the form's names apply again. */
  async clearPicked(): Promise<void> {
    await this.svc.selection.setWizardSelection(this.context, undefined);
    this.state.picked = undefined;
    delete this.state.fieldErrors.picked;
    this.post();
  }

  /** Inspects every step in order (read-only), once the form's fields are valid. */
  async checkAll(): Promise<WizardViewState> {
    if (!this.validConfig()) return this.state;
    await this.busy(vscode.l10n.t('Checking the setup…'), async (signal) => {
      this.cache = undefined;
      const r = await setupEngine().inspectAll(await this.ctx(signal, {}));
      for (const s of this.state.steps) {
        const ins = r.inspections.find((i) => i.step === s.id);
        s.inspection = ins;
        if (ins) s.error = undefined;
        if (ins?.status === 'done') s.plan = undefined;
      }
      this.state.outputs = r.outputs;
      this.markExchanged();
      this.updateWalkthrough();
      this.updateRolesView();
      this.updateSnippets();
      this.log.info('wizard', `checked: ${r.inspections.map((i) => `${i.step}=${i.status}`).join(', ')}`);
    });
    return this.state;
  }

  /** "Roles by user": the config, the current token's claims and the role it gets. */
  private updateRolesView(): void {
    this.state.roles = wizardRoles().rolesView(this.roles, this.idToken, this.state.outputs.roleArn, this.state.outputs.loginsKey);
  }

  /** A change of the roles by user: saved, shown, and the step's plan (made for the old rules) dropped. */
  private async setRoles(next: RolesConfig | undefined): Promise<void> {
    this.roles = next && (next.mapping || next.principalTags) ? next : undefined;
    await wizardRoles().saveRoles(this.context, this.roles);
    const view = this.state.steps.find((x) => x.id === 'roleMappings');
    if (view) Object.assign(view, { plan: undefined, outcome: undefined, error: undefined });
    this.updateRolesView();
    this.post();
    await this.recheckIfChecked();
  }

  /** "Add rule…": from the claims of the current token (quick picks); a Rules mapping is started when there is none. */
  async addRule(): Promise<WizardViewState> {
    const rule = await wizardRoles().askRule(this.idToken, this.state.outputs.roleArn);
    if (!rule) return this.state;
    const m = this.roles?.mapping;
    if (m?.type === 'Rules' && m.rules.length >= 25) {
      void vscode.window.showWarningMessage(vscode.l10n.t('A role mapping has at most 25 rules: remove one first.'));
      return this.state;
    }
    const mapping: RoleMappingConfig = m?.type === 'Rules'
      ? { ...m, rules: [...m.rules, rule] }
      : { type: 'Rules', rules: [rule], ambiguousRoleResolution: m?.ambiguousRoleResolution ?? 'AuthenticatedRole' };
    this.log.info('wizard', `roles by user: rule added (${rule.matchType} on a claim, rule ${mapping.type === 'Rules' ? mapping.rules.length : 0})`);
    await this.setRoles({ ...this.roles, mapping });
    return this.state;
  }

  async removeRule(index: number): Promise<WizardViewState> {
    const m = this.roles?.mapping;
    if (m?.type !== 'Rules' || index >= m.rules.length) return this.state;
    const rules = m.rules.filter((_, i) => i !== index);
    await this.setRoles({ ...this.roles, mapping: rules.length ? { ...m, rules } : undefined });
    return this.state;
  }

  async setMappingType(value: 'none' | 'Rules' | 'Token'): Promise<WizardViewState> {
    const m = this.roles?.mapping;
    if (value === 'none') await this.setRoles({ ...this.roles, mapping: undefined });
    else if (value === 'Token') await this.setRoles({ ...this.roles, mapping: { type: 'Token', ambiguousRoleResolution: m?.ambiguousRoleResolution ?? 'AuthenticatedRole' } });
    else if (m?.type !== 'Rules') return this.addRule();
    return this.state;
  }

  async setAmbiguous(value: 'AuthenticatedRole' | 'Deny'): Promise<WizardViewState> {
    const m = this.roles?.mapping;
    if (m) await this.setRoles({ ...this.roles, mapping: { ...m, ambiguousRoleResolution: value } });
    return this.state;
  }

  async setDefaultTags(value: boolean): Promise<WizardViewState> {
    await this.setRoles({ ...this.roles, principalTags: value ? { useDefaults: true } : undefined });
    return this.state;
  }

  /** The Auth0 Action that adds the claims the rules test and the token lacks, in an editor. */
  async openActionCode(): Promise<vscode.TextDocument> {
    const missing = this.state.roles.missingClaims.length ? this.state.roles.missingClaims
      : this.roles?.mapping?.type === 'Rules' ? this.roles.mapping.rules.map((r) => r.claim) : ['https://example.com/roles'];
    return openUntitled(setupEngine().auth0ClaimsActionCode(missing), 'javascript');
  }

  /** The Getting Started walkthrough's steps "Connect Auth0" and "Run the setup wizard" complete on these context keys. */
  private updateWalkthrough(): void {
    const done = (id: StepId) => this.state.steps.find((x) => x.id === id)?.inspection?.status === 'done';
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_AUTH0_CONNECTED, done('connections'));
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_SETUP_DONE, done('oidcProvider') && done('identityPool') && done('authenticatedRole'));
  }

  /** "Try it" is done once this token was exchanged with this pool (the check alone can only say "needs action"). */
  private markExchanged(): void {
    const view = this.state.steps.find((x) => x.id === 'tryIt');
    const e = this.exchanged;
    if (!view?.inspection || !e || e.token !== this.idToken || e.poolId !== this.state.outputs.poolId) return;
    if (view.inspection.status === 'needs-action') view.inspection = { ...view.inspection, status: 'done', summary: e.summary };
  }

  private updateSnippets(): void {
    this.state.snippets = this.state.outputs.poolId ? setupEngine().snippets(this.config(), this.state.outputs) : undefined;
  }

  /** Plans one step: the exact calls it would make. Changes nothing. */
  async plan(step: StepId): Promise<WizardViewState> {
    const view = this.state.steps.find((s) => s.id === step);
    if (!view) return this.state;
    await this.busy(vscode.l10n.t('Planning "{0}"…', view.title), async (signal) => {
      try {
        view.plan = await setupEngine().setupStep(step).plan(await this.ctx(signal));
        view.outcome = undefined;
        view.error = undefined;
      } catch (e) {
        if (isCancelled(e)) throw e;
        const d = describeError(e);
        view.error = { message: d.message, hint: d.hint };
      }
    });
    return this.state;
  }

  /** Where a plan the view shows lives, and how it is applied: a step's, or the sign-in callback URL's. */
  private planSlot(id: PlanId): { holder: WizardPlanHolder; apply: (ctx: SetupContext, p: SetupPlan) => Promise<StepOutcome> } | undefined {
    if (id === 'callbackUrl') {
      const cb = this.state.callbackPlan;
      return cb && { holder: cb, apply: (ctx, p) => setupEngine().applyAddCallbackUrl(ctx, p, cb.redirectUri) };
    }
    const view = this.state.steps.find((s) => s.id === id);
    return view && { holder: view, apply: (ctx, p) => setupEngine().setupStep(id).apply(ctx, p) };
  }

  /** Applies the plan the user has seen (a step's or the callback URL's); after a step, re-checks every step. */
  async apply(id: PlanId): Promise<WizardViewState> {
    const slot = this.planSlot(id);
    const plan = slot?.holder.plan;
    if (!slot || !plan) return this.state;
    const view = slot.holder;
    await this.busy(vscode.l10n.t('Applying "{0}"…', view.title), async (signal) => {
      const ctx = await this.ctx(signal);
      // A new plan (the state moved after it was shown) is shown again by ./planUi.ts; declined, it stays in the view.
      const outcome = await applyWithChangedPlanPrompt(plan, (p) => slot.apply(ctx, p));
      view.outcome = outcome;
      view.plan = outcome.newPlan;
      this.state.outputs = { ...this.state.outputs, ...outcome.outputs };
      if (id === 'tryIt' && outcome.ok && this.idToken) {
        this.exchanged = { token: this.idToken, poolId: this.state.outputs.poolId, summary: outcome.message };
      }
      this.log.info('wizard', `${id}: ${outcome.ok ? 'applied' : 'failed'} (${outcome.writeCalls} write calls)`);
    });
    if (id !== 'callbackUrl' && view.outcome?.ok) {
      await this.checkAll();
      view.plan = undefined;
    }
    return this.state;
  }

  /**
   * "Export as code" (issue 10): the plan the wizard would apply, as CloudFormation, Terraform or
   * an AWS CLI script, in an untitled editor of the right language. Reads only.
   */
  async exportCode(format: ExportFormatId): Promise<{ language: string; text: string } | undefined> {
    if (!this.validConfig()) return undefined;
    const info = setupEngine().EXPORT_FORMAT_INFO[format];
    let text: string | undefined;
    const language = info.language;
    await this.busy(vscode.l10n.t('Exporting the setup as {0}…', info.label), async (signal) => {
      const r = await setupEngine().exportSetup(await this.ctx(signal), format);
      text = r.text;
      this.log.info('wizard', `exported as ${format}: ${r.text.length} characters, imports for ${Object.keys(r.imports).join(', ') || 'nothing'}`);
    });
    if (text === undefined) {
      this.showErrorIfAny();
      return undefined;
    }
    // Terraform has no built-in language in VS Code: its extension's id, else HCL's, else plain text.
    const doc = await openUntitled(text, language, format === 'terraform' ? ['hcl'] : []);
    return { language: doc.languageId, text };
  }

  /**
   * "Tear down…" (issue 10): plans removing what this setup created (tagged resources only), shows
   * the plan in a dialog, and applies it on "Tear Down"; then checks every step again.
   */
  async teardown(): Promise<string | undefined> {
    if (!this.validConfig()) return undefined;
    const engine = setupEngine();
    const tctx = async (signal: AbortSignal) => {
      const c = await this.ctx(signal);
      return { config: c.config, trust: c.trust, timeoutMs: c.timeoutMs, signal, cache: c.cache };
    };
    let plan: Awaited<ReturnType<typeof engine.planTeardown>> | undefined;
    await this.busy(vscode.l10n.t('Planning the teardown…'), async (signal) => {
      plan = await engine.planTeardown(await tctx(signal));
    });
    if (!plan) {
      this.showErrorIfAny();
      return undefined;
    }
    this.log.info('wizard', `teardown plan: ${plan.summary} Calls: ${plan.calls.map((c) => c.action).join(', ') || 'none'}`);
    if (plan.alreadyDone) {
      void vscode.window.showInformationMessage(plan.summary);
      return plan.summary;
    }
    const button = vscode.l10n.t('Tear Down');
    const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Remove what the setup "{0}" created?', this.state.form.poolName.trim()), { modal: true, detail: engine.formatTeardownPlan(plan) }, button);
    if (answer !== button) return undefined;
    const shown = plan;
    let message: string | undefined;
    await this.busy(vscode.l10n.t('Tearing down the setup…'), async (signal) => {
      const ctx = await tctx(signal);
      const out = await applyWithChangedPlanPrompt(shown, (p) => engine.applyTeardown(ctx, p));
      if (out.newPlan) return;
      message = out.message;
      this.log.info('wizard', `teardown: ${out.ok ? 'done' : 'not finished'} (${out.writeCalls} write calls): ${out.message}`);
      if (out.ok) void vscode.window.showInformationMessage(out.message);
      else if (out.error?.code !== 'CANCELLED') this.state.error = { message: out.message, hint: out.error?.hint ?? '' };
    });
    if (message !== undefined) {
      const err = this.state.error;
      await this.checkAll();
      if (err) this.state.error = err;
      this.post();
    }
    return message;
  }

  /** The wizard's last error as a notification too (for the palette commands, when the view may be hidden). */
  private showErrorIfAny(): void {
    const e = this.state.error;
    if (e) void vscode.window.showErrorMessage(`${e.message} ${e.hint}`.trim());
  }

  async setManagement(): Promise<void> {
    const domain = this.domainOrUndefined();
    if (!domain) {
      this.state.error = { message: vscode.l10n.t('Enter the Auth0 domain first.'), hint: vscode.l10n.t('Management API access is stored per tenant domain.') };
      this.post();
      return;
    }
    const before = this.state.management;
    await askManagementCredentials(this.secrets, domain);
    this.cache = undefined;
    await this.refreshManagement();
    // The steps that read the Management API (connections, the application) say what they see now.
    if (this.state.management !== before) await this.recheckIfChecked();
  }

  async clearManagement(): Promise<void> {
    const domain = this.domainOrUndefined();
    if (domain) await this.secrets.deleteManagement(domain);
    this.cache = undefined;
    await this.refreshManagement();
    await this.recheckIfChecked();
  }

  /** Checks the steps again when they have been checked before (their status would be stale otherwise). */
  private async recheckIfChecked(): Promise<void> {
    if (this.state.steps.some((s) => s.inspection)) await this.checkAll();
  }

  /** Uses a pasted ID token for "Try it" (argument, or an input box). */
  async useToken(text?: string): Promise<WizardViewState> {
    const input = text ?? await vscode.window.showInputBox({
      title: vscode.l10n.t('ID token for "Try it"'), password: true, ignoreFocusOut: true,
      prompt: vscode.l10n.t('Paste an ID token issued by the Auth0 application (a "Bearer " prefix and quotes are fine)'),
    });
    if (input === undefined) return this.state;
    const d = tokenEngine().decodeToken(input);
    if (!d.ok) {
      this.state.error = { message: d.problem, hint: d.hint };
      this.post();
      return this.state;
    }
    this.setToken(tokenEngine().normalizeTokenInput(input), 'pasted');
    return this.plan('tryIt');
  }

  private setToken(token: string, source: 'sign-in' | 'pasted'): void {
    this.idToken = token;
    const d = tokenEngine().decodeToken(token);
    this.state.token = { source, summary: tokenEngine().describeToken(d) };
    const tryIt = this.state.steps.find((s) => s.id === 'tryIt');
    if (tryIt) Object.assign(tryIt, { plan: undefined, outcome: undefined, error: undefined });
    this.updateRolesView();
  }

  /** Signs in with Auth0 in the browser (authorization code + PKCE, loopback redirect). */
  async signIn(): Promise<WizardViewState> {
    const cfg = this.validConfig();
    if (!cfg) return this.state;
    await this.busy(vscode.l10n.t('Signing in with Auth0 (finish in the browser)…'), async (signal) => {
      const session = await setupEngine().startSignIn({
        domain: cfg.auth0.domain, clientId: cfg.auth0.clientId, trust: await this.svc.settings.trustSettings(), port: SIGNIN_PORT, timeoutMs: 5 * 60_000, signal, requestTimeoutMs: this.svc.settings.timeoutMs(),
        // Where the browser reaches the loopback server: itself on the desktop, a forwarded port
        // over Remote-SSH / in containers, the port proxy in code-server (its callback URL then
        // differs, and the plan below registers that one).
        externalRoot: async (local) => (await vscode.env.asExternalUri(vscode.Uri.parse(local))).toString(true),
      });
      this.log.info('wizard', `sign-in callback: ${session.redirectUri}`);
      if (session.callbackAllowed === false) {
        session.cancel();
        const plan = await setupEngine().planAddCallbackUrl(await this.ctx(signal), session.redirectUri);
        this.state.callbackPlan = this.callbackHolder(session.redirectUri, plan);
        this.state.error = { message: vscode.l10n.t('Auth0 does not allow the callback URL {0} for this application.', session.redirectUri), hint: vscode.l10n.t('Apply the plan under "Sign in with Auth0" (Management API) or add it in the Auth0 Dashboard, then sign in again.') };
        return;
      }
      this.state.callbackPlan = undefined;
      // The start page on the listener redirects to Auth0. openExternal maps a loopback URL itself
      // (VS Code's docs: do not pass it a URL asExternalUri made): where that mapping is a port
      // (desktop, Remote-SSH, containers: the external root is loopback at "/"), open the local
      // URL. Where it is a proxy path (code-server: /proxy/53682/, on the workbench's own origin,
      // which it leaves alone), open the external one: code-server would drop a local URL's path.
      const ext = new URL(session.startUrl);
      const portOnly = ext.pathname === new URL(session.localStartUrl).pathname && ['127.0.0.1', 'localhost', '[::1]'].includes(ext.hostname);
      const opened = await vscode.env.openExternal(vscode.Uri.parse(portOnly ? session.localStartUrl : session.startUrl, true)).then((ok) => ok, (e: unknown) => {
        session.cancel();
        throw e;
      });
      if (!opened) {
        session.cancel();
        throw new EngineError('INVALID_INPUT', vscode.l10n.t('The browser was not opened, so the sign-in was stopped.'), vscode.l10n.t('Sign in again and allow VS Code to open the link, or paste an ID token.'));
      }
      try {
        const r = await session.result;
        this.setToken(r.idToken, 'sign-in');
        this.log.info('wizard', 'signed in; got an ID token');
      } catch (e) {
        if (e instanceof setupEngine().SignInError && e.reason === 'callback-not-allowed') {
          const plan = await setupEngine().planAddCallbackUrl(await this.ctx(signal), session.redirectUri);
          this.state.callbackPlan = this.callbackHolder(session.redirectUri, plan);
        }
        throw e;
      }
    });
    if (this.idToken && this.state.token?.source === 'sign-in') await this.plan('tryIt');
    return this.state;
  }

  private callbackHolder(redirectUri: string, plan: SetupPlan): NonNullable<WizardViewState['callbackPlan']> {
    return { id: 'callbackUrl', title: setupEngine().CALLBACK_URL_TITLE, redirectUri, plan, outcome: undefined, error: undefined };
  }

  onMessage(m: Exclude<WizardViewMessage, { type: 'ready' }>): void {
    switch (m.type) {
      case 'check': void this.check(m.form); return;
      case 'clearPicked': void this.clearPicked(); return;
      case 'plan': void this.plan(m.step); return;
      case 'apply': void this.apply(m.step); return;
      case 'setManagement': void this.setManagement(); return;
      case 'clearManagement': void this.clearManagement(); return;
      case 'signIn': void this.signIn(); return;
      case 'pasteToken': void this.useToken(); return;
      case 'openSettings': void vscode.commands.executeCommand('workbench.action.openSettings', 'auth0Cognito.aws'); return;
      case 'export': void this.exportCode(m.format); return;
      case 'teardown': void this.teardown(); return;
      case 'cancel': this.actions.cancel(); return;
      case 'openSnippet': void this.openSnippet(m.lang); return;
      case 'addRule': void this.addRule(); return;
      case 'removeRule': void this.removeRule(m.index); return;
      case 'setMappingType': void this.setMappingType(m.value); return;
      case 'setAmbiguous': void this.setAmbiguous(m.value); return;
      case 'setDefaultTags': void this.setDefaultTags(m.value); return;
      case 'openActionCode': void this.openActionCode(); return;
      case 'openWalkthrough': void vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false); return;
      case 'copy': {
        let text: string | undefined;
        if (m.text.startsWith('snippet-')) text = this.state.snippets?.[m.text.slice('snippet-'.length) as 'typescript' | 'swift' | 'kotlin'];
        else {
          const key = m.text.slice('value:'.length);
          const v = (this.state.outputs as Record<string, unknown>)[key];
          text = typeof v === 'string' ? v : undefined;
        }
        if (text) void vscode.env.clipboard.writeText(text).then(() => vscode.window.setStatusBarMessage(vscode.l10n.t('Copied to the clipboard.'), 3000));
        return;
      }
    }
  }

  /** "Use it in your app": the snippet in an untitled editor of its language (Kotlin: plain text unless an extension knows it). */
  async openSnippet(lang: 'typescript' | 'swift' | 'kotlin'): Promise<vscode.TextDocument | undefined> {
    const text = this.state.snippets?.[lang];
    if (!text) return undefined;
    this.log.info('wizard', `snippet opened: ${lang}`);
    return openUntitled(text, lang);
  }

  /** Shows the wizard in the sidebar. */
  reveal(): Thenable<unknown> {
    return vscode.commands.executeCommand(`${Views.wizard}.focus`);
  }

  /** A step's palette command: shows the wizard and plans the step ("Try it" first asks how to get a token). */
  async runStep(step: StepId): Promise<WizardViewState> {
    await this.reveal();
    if (step === 'tryIt' && !this.idToken) {
      const signIn = vscode.l10n.t('Sign in with Auth0');
      const paste = vscode.l10n.t('Paste an ID token');
      const pick = await vscode.window.showQuickPick([signIn, paste], { title: setupEngine().setupStep(step).title });
      if (pick === signIn) return this.signIn();
      if (pick === paste) return this.useToken();
      return this.state;
    }
    return this.plan(step);
  }

  /** The "check all" command: scripts and tests may pass the form; the webview sends it in its `check` message. */
  async checkCommand(form?: unknown): Promise<WizardViewState> {
    await this.reveal();
    const parsed = form ? parseWizardForm(form) : undefined;
    return parsed ? this.check(parsed) : this.checkAll();
  }

  dispose(): void {
    this.actions.cancel();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
