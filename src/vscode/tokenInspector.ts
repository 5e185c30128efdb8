import * as vscode from 'vscode';
import type { DecodeResult } from '../engine/token/decode';
import type { RuleId } from '../engine/token/preflight';
import { regionOfPoolId } from '../engine/aws/names';
import type { FixContext } from '../engine/fixes';
import { fixesEngine } from './load/fixes';
import { inspectEngine } from './load/inspect';
import { planEngine } from './load/plan';
import { tokenEngine } from './load/token';
import { applyWithChangedPlanPrompt } from './planUi';
import { loadAws } from '../engine/aws/config';
import { normalizeAuth0Domain } from '../engine/auth0/connection';
import { describeError } from '../engine/errors';
import { Commands } from '../shared/commands';
import { inspectorTokenView, parseInspectorViewMessage, type InspectorViewMessage, type InspectorViewState } from '../shared/protocol';
import { awsConfigFromSettings } from './awsConnection';
import { Logger } from './logger';
import { Secrets, askManagementCredentials } from './secrets';
import { timeoutMs, trustSettings } from './settings';
import { BusyRunner, WebviewHost } from './webviewHost';
import { WIZARD_FORM_KEY, wizardDefaults } from './wizardSelection';

const LAST_POOL = 'auth0Cognito.inspector.lastPoolId';

/** "Inspect ID Token": decode, verify, preflight against a pool, fix, and try the real exchange. */
export class TokenInspector implements vscode.Disposable {
  /** What the view shows; never the token itself (see InspectorTokenView). */
  private state: InspectorViewState | undefined;
  /** The token being inspected, with `raw`: it stays here, in the extension host. */
  private token: DecodeResult | undefined;
  private readonly host: WebviewHost<InspectorViewState, InspectorViewMessage>;
  private readonly actions: BusyRunner;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
    private readonly secrets: Secrets,
  ) {
    this.host = new WebviewHost({
      extensionUri: context.extensionUri, script: 'inspector', title: vscode.l10n.t('Token Inspector'), log, topic: 'inspector',
      parse: parseInspectorViewMessage,
      state: () => this.state,
      onMessage: (m) => this.onMessage(m),
      onDidDispose: () => this.actions.cancel(),
    });
    this.actions = new BusyRunner({ state: () => this.state, post: () => this.post(), log, topic: 'inspector' });
  }

  /** The command: token from the argument, the selection, the clipboard, or an input box. */
  async run(arg?: unknown, options?: unknown): Promise<InspectorViewState | undefined> {
    const text = typeof arg === 'string' && arg.trim() ? arg : await this.askForToken();
    if (text === undefined) return undefined;
    const poolId = typeof options === 'object' && options !== null && typeof (options as { poolId?: unknown }).poolId === 'string'
      ? (options as { poolId: string }).poolId : undefined;
    await this.inspect(text, poolId);
    return this.state;
  }

  private async askForToken(): Promise<string | undefined> {
    const editor = vscode.window.activeTextEditor;
    const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    if (selected.trim()) return selected;
    // In a browser (code-server, vscode.dev) reading the clipboard may pop a permission error
    // and wait for it: there the input box is the way in (pasting into it always works).
    const clip = vscode.env.uiKind === vscode.UIKind.Web ? '' : await Promise.race([
      vscode.env.clipboard.readText().then((t) => t, () => ''),
      new Promise<string>((r) => setTimeout(() => r(''), 1500)),
    ]);
    if (clip.length <= tokenEngine().MAX_DECODE_LENGTH && tokenEngine().containsJwt(clip, { minParts: 3 })) {
      const useClip = vscode.l10n.t('Inspect the token on the clipboard');
      const paste = vscode.l10n.t('Paste another token…');
      const detail = tokenEngine().describeToken(tokenEngine().decodeToken(clip), { length: true });
      const pick = await vscode.window.showQuickPick([{ label: useClip, detail }, { label: paste }], { title: vscode.l10n.t('Inspect ID Token') });
      if (!pick) return undefined;
      if (pick.label === useClip) return clip;
    }
    return vscode.window.showInputBox({
      title: vscode.l10n.t('Inspect ID Token'),
      prompt: vscode.l10n.t('Paste an ID token (a raw JWT; a "Bearer " prefix, quotes and line breaks are fine)'),
      placeHolder: 'eyJhbGciOiJSUzI1NiIs…',
      ignoreFocusOut: true,
    });
  }

  /**
   * Decodes (never throws) and shows the view, then checks the signature (the token-only
   * preflight, through inspectToken), then reads the last pool when there is one.
   */
  async inspect(text: string, poolId?: string): Promise<void> {
    this.actions.cancel();
    const trust = await trustSettings().catch(() => undefined);
    let decoded: DecodeResult | undefined;
    await inspectEngine().inspectToken(text, {
      trust,
      timeoutMs: timeoutMs(),
      onProgress: (p) => {
        if (p.stage === 'decoded') {
          decoded = p.decoded;
          this.token = p.decoded;
          this.state = {
            decoded: inspectorTokenView(p.decoded),
            signature: p.decoded.ok && typeof p.decoded.claims.iss === 'string' ? { status: 'checking' } : undefined,
            // The pool given, else the last one used here, else the setup wizard's.
            poolId: poolId ?? (this.context.workspaceState.get<string>(LAST_POOL, '') || wizardDefaults(this.context).poolId || ''),
            preflight: p.decoded.ok ? p.report : undefined, notes: [], reportTarget: p.decoded.ok ? 'token only' : undefined,
            exchange: undefined, fixes: {}, busy: undefined, error: undefined,
          };
          this.log.info('inspector', p.decoded.ok ? `decoded a ${p.decoded.kind} token (${p.decoded.alg ?? 'no alg'}, ${p.decoded.length} chars)` : `input is not a token: ${p.decoded.code}`);
          this.show();
        } else if (p.stage === 'signature' && this.state && this.token === decoded) {
          this.state.signature = p.signature;
          this.state.preflight = p.report;
          this.post();
        }
      },
    }).catch((e: unknown) => this.log.error('inspector', describeError(e).message, e));
    if (decoded?.ok && this.token === decoded && this.state?.poolId) await this.preflight(this.state.poolId, false);
  }

  /** Reads the pool (providers, roles) and runs every rule against it. */
  async preflight(poolId: string, interactive = true): Promise<void> {
    const s = this.state;
    const decoded = this.token;
    if (!s || !decoded?.ok) return;
    s.poolId = poolId.trim();
    try {
      regionOfPoolId(s.poolId);
    } catch (e) {
      s.error = describeError(e);
      this.post();
      return;
    }
    void this.context.workspaceState.update(LAST_POOL, s.poolId);
    await this.busy(vscode.l10n.t('Reading identity pool {0}…', s.poolId), async (signal) => {
      const aws = await awsConfigFromSettings();
      const signature = s.signature && s.signature.status !== 'checking' ? s.signature : undefined;
      // The signature check of inspect() is reused, never made again here.
      const r = await inspectEngine().inspectToken(decoded, { pool: s.poolId, aws, trust: aws.trust, timeoutMs: aws.timeoutMs, signal, signature, checkSignature: false });
      s.preflight = r.report;
      s.notes = r.notes;
      s.reportTarget = s.poolId;
      s.exchange = undefined;
      this.log.info('inspector', `preflight against ${s.poolId}: ${s.preflight.summary}`);
    }, interactive);
  }

  private async applyFixFor(ruleId: RuleId): Promise<void> {
    const s = this.state;
    const rule = s?.preflight?.rules.find((r) => r.id === ruleId);
    if (!s || !rule?.fix) return;
    const fix = rule.fix;
    await this.busy(vscode.l10n.t('Planning the fix for "{0}"…', rule.title), async (signal) => {
      const ctx = await this.fixContext(signal, fix.kind === 'switchAppToRS256');
      const plan = await fixesEngine().planFix(fix, ctx);
      if (plan.alreadyDone) {
        s.fixes[ruleId] = { ok: true, message: vscode.l10n.t('Already done: {0}', plan.summary) };
        return;
      }
      if (plan.manual || plan.calls.length === 0) {
        s.fixes[ruleId] = { ok: false, message: plan.manual ?? plan.summary };
        return;
      }
      const apply = vscode.l10n.t('Apply');
      const answer = await vscode.window.showWarningMessage(plan.title, { modal: true, detail: planEngine().formatPlan(plan, { title: false }) }, apply);
      if (answer !== apply) {
        s.fixes[ruleId] = { ok: false, message: vscode.l10n.t('Not applied: nothing was changed.') };
        return;
      }
      const outcome = await applyWithChangedPlanPrompt(plan, (p) => fixesEngine().applyFix(p, ctx));
      s.fixes[ruleId] = { ok: outcome.ok, message: [outcome.message, ...outcome.notDone.map((n) => vscode.l10n.t('Not done: {0}', n)),
        outcome.error ? outcome.error.hint : ''].filter(Boolean).join(' ') };
      this.log.info('inspector', `fix ${fix.kind}: ${outcome.ok ? 'applied' : 'failed'}: ${outcome.message}`);
    });
    if (s.fixes[ruleId]?.ok && s.reportTarget && s.reportTarget !== 'token only') await this.preflight(s.poolId);
  }

  private async fixContext(signal: AbortSignal, needsAuth0: boolean): Promise<FixContext> {
    const aws = await awsConfigFromSettings();
    const iss = this.state?.decoded.ok ? strClaim(this.state.decoded, 'iss') : undefined;
    const ctx: FixContext = { aws, signal };
    if (iss) {
      const domain = normalizeAuth0Domain(iss);
      const connection = { domain, trust: aws.trust, timeoutMs: aws.timeoutMs };
      let credentials = await this.secrets.getManagement(domain);
      // A pasted token names any domain it likes: ask for Management API access only for the
      // tenant set up in the wizard, or when the user types the domain to confirm it.
      if (!credentials && needsAuth0 && await this.confirmTenant(domain)) credentials = await askManagementCredentials(this.secrets, domain);
      ctx.auth0 = { connection, credentials };
    }
    return ctx;
  }

  /** True when `domain` is the wizard's Auth0 domain, or the user typed it to confirm. */
  private async confirmTenant(domain: string): Promise<boolean> {
    const form = this.context.workspaceState.get<{ domain?: unknown }>(WIZARD_FORM_KEY);
    const configured = typeof form?.domain === 'string' && form.domain.trim() ? safeDomain(form.domain) : undefined;
    if (configured === domain) return true;
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Switch an Auth0 application to RS256'),
      prompt: vscode.l10n.t('The token names the Auth0 domain {0}, which is not the domain set up in the wizard{1}. Type the domain to confirm that you want to give the extension Management API access to it.',
        domain, configured ? ` (${configured})` : ''),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().toLowerCase() === domain.toLowerCase() ? undefined : vscode.l10n.t('Type {0} exactly.', domain)),
    });
    return typed?.trim().toLowerCase() === domain.toLowerCase();
  }

  private async exchange(): Promise<void> {
    const s = this.state;
    const decoded = this.token;
    if (!s || !decoded?.ok || !s.preflight || !s.reportTarget || s.reportTarget === 'token only') return;
    const report = s.preflight;
    const loginsKey = report.expectedLoginsKey ?? strClaim(decoded, 'iss')?.replace(/^https:\/\//, '').replace(/\/+$/, '') ?? '';
    await this.busy(vscode.l10n.t('Exchanging the token with Cognito (GetId, GetCredentialsForIdentity)…'), async (signal) => {
      const aws = await awsConfigFromSettings();
      const result = await inspectEngine().exchangeToken({ aws, poolId: s.poolId, loginsKey, token: decoded.raw, signal });
      // Only a failing check with an AWS error predicts a refusal ("cannot confirm" and security
      // findings, such as a loose role trust, do not).
      const predictedOk = report.predictedError === undefined;
      s.exchange = { ...result, prediction: report.predictedError, agreesWithPrediction: result.ok === predictedOk };
      this.log.info('inspector', `exchange with ${s.poolId}: ${result.ok ? 'credentials issued' : `refused (${result.errorName})`}`);
    });
  }

  private async pickPool(): Promise<void> {
    const s = this.state;
    if (!s) return;
    let picked: string | undefined;
    await this.busy(vscode.l10n.t('Listing identity pools…'), async (signal) => {
      const aws = await awsConfigFromSettings();
      const a = loadAws();
      const { pools, truncated } = await a.listIdentityPools(a.createAwsClients(aws), 1000, signal);
      const items = pools.map((p) => ({ label: p.name, description: p.id }));
      if (items.length === 0) {
        s.error = { message: vscode.l10n.t('No identity pools in {0}.', aws.region), hint: vscode.l10n.t('Check the region and profile settings, or create a pool with the setup wizard.') };
        return;
      }
      const choice = await vscode.window.showQuickPick(items, {
        title: truncated ? vscode.l10n.t('Identity pools in {0} (first 1000)', aws.region) : vscode.l10n.t('Identity pools in {0}', aws.region), matchOnDescription: true,
      });
      picked = choice?.description;
    }, true);
    if (picked) await this.preflight(picked);
  }

  /** Runs `fn` with one progress indicator (a notification with Cancel when interactive); errors land in the view as a message with a hint. */
  private busy(label: string, fn: (signal: AbortSignal) => Promise<void>, interactive = true): Promise<void> {
    return this.actions.run(label, { location: interactive ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, cancellable: interactive }, fn);
  }

  private show(): void {
    this.host.showPanel('auth0Cognito.inspector', vscode.l10n.t('Token Inspector'));
    this.post();
  }

  private post(): void {
    this.host.postState();
  }

  private onMessage(m: Exclude<InspectorViewMessage, { type: 'ready' }>): void {
    switch (m.type) {
      case 'runPreflight':
        void this.preflight(m.poolId);
        return;
      case 'pickPool':
        void this.pickPool();
        return;
      case 'applyFix':
        void this.applyFixFor(m.ruleId);
        return;
      case 'exchange':
        void this.exchange();
        return;
      case 'inspectAnother':
        void vscode.commands.executeCommand(Commands.inspectToken);
        return;
      case 'copy': {
        const s = this.state;
        if (!s) return;
        const text = m.field === 'report'
          ? JSON.stringify(s.preflight ?? {}, null, 2)
          : s.decoded.ok ? JSON.stringify(m.field === 'header' ? s.decoded.header : s.decoded.claims, null, 2) : '';
        void vscode.env.clipboard.writeText(text);
        return;
      }
    }
  }

  dispose(): void {
    this.actions.cancel();
    this.host.dispose();
  }
}

function safeDomain(text: string): string | undefined {
  try {
    return normalizeAuth0Domain(text);
  } catch {
    return undefined;
  }
}

function strClaim(d: { claims: Record<string, unknown> }, name: string): string | undefined {
  const v = d.claims[name];
  return typeof v === 'string' ? v : undefined;
}
