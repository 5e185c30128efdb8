import * as vscode from 'vscode';
import { normalizeAuth0Domain } from '../engine/auth0/connection';
import { consoleUrl } from '../engine/aws/console';
import { expectedLoginsKey, providerNameFromArn } from '../engine/aws/names';
import { listAwsProfiles } from '../engine/aws/profiles';
import { AWS_REGIONS } from '../engine/aws/regions';
import { describeError, isCancelled } from '../engine/errors';
import type { ResourceAction, ResourceSession, ResourceSubject } from '../engine/resources';
import type { Outcome, Plan } from '../engine/plan';
import { SETUP_TAG_KEY } from '../engine/setup/tags';
import { Commands, Views, type CommandId } from '../shared/commands';
import { Settings } from '../shared/settings';
import type { Logger } from './logger';
import { resourcesEngine } from './load/resources';
import { setupEngine } from './load/setup';
import { applyWithChangedPlanPrompt } from './planUi';
import { withCancellableProgress } from './progress';
import type { WizardSelection } from './wizardSelection';
import type { WizardServices } from './wizard';
import { DETAILS_SCHEME, type DetailsDocuments } from './resourcesDetails';
import type { GroupKind, Node, ResourceKind, ResourceNode, ResourcesView } from './resourcesView';

/** What a resource is (a quick pick's detail), in the display language. */
function kindLabel(kind: ResourceKind): string {
  switch (kind) {
    case 'provider': return vscode.l10n.t('IAM OIDC provider');
    case 'pool': return vscode.l10n.t('identity pool');
    case 'role': return vscode.l10n.t('IAM role');
  }
}

/** The kinds of resource a command takes (each set has its own "none listed" message). */
const KINDS = {
  any: ['provider', 'pool', 'role'],
  providerOrRole: ['provider', 'role'],
  pool: ['pool'],
  provider: ['provider'],
} as const satisfies Record<string, readonly ResourceKind[]>;
type KindSet = keyof typeof KINDS;

/** "Nothing of these kinds is listed", a whole message per set of kinds. */
function noneListed(set: KindSet, target: string): string {
  switch (set) {
    case 'any': return vscode.l10n.t('No IAM OIDC provider or identity pool or IAM role is listed in the Resources view for {0}.', target);
    case 'providerOrRole': return vscode.l10n.t('No IAM OIDC provider or IAM role is listed in the Resources view for {0}.', target);
    case 'pool': return vscode.l10n.t('No identity pool is listed in the Resources view for {0}.', target);
    case 'provider': return vscode.l10n.t('No IAM OIDC provider is listed in the Resources view for {0}.', target);
  }
}

const GROUP_OF: Record<ResourceKind, GroupKind> = { provider: 'providers', pool: 'pools', role: 'roles' };

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as Node).id === 'string' && typeof (v as Node).kind === 'string';
}

/** The ids of the Resources view's commands. */
export type ResourcesCommandId = Extract<CommandId, `auth0Cognito.resources.${string}`>;

/**
 * The handlers of the Resources view's commands (registered by ./commands.ts) and what they
 * need registered with them (the "Show Details" documents). Item commands take the node, a
 * node id, the tree's selection, or ask with a quick pick (palette).
 */
export function resourcesCommands(view: ResourcesView, context: vscode.ExtensionContext, log: Logger, svc: WizardServices, details: DetailsDocuments): Record<ResourcesCommandId, (...args: unknown[]) => unknown> {
  const { awsSettings } = svc.settings;
  const { getWizardSelection, setWizardSelection, WIZARD_FORM_KEY } = svc.selection;

  /** The resource a command is for. */
  async function target(arg: unknown, set: KindSet, title: string): Promise<ResourceNode | undefined> {
    const kinds: readonly ResourceKind[] = KINDS[set];
    const ok = (n: Node | undefined): n is ResourceNode => !!n && (kinds as readonly string[]).includes(n.kind);
    if (isNode(arg) && ok(arg)) return arg;
    if (typeof arg === 'string') {
      const n = view.findNode(arg);
      if (ok(n)) return n;
    }
    const sel = view.view.selection[0];
    if (ok(sel)) return sel;
    await vscode.window.withProgress({ location: { viewId: Views.resources } }, () => view.loadFirstPages(kinds.map((k) => GROUP_OF[k])));
    const items = view.loadedResources(kinds).map((n) => ({ label: view.labelOf(n), description: n.kind === 'pool' ? n.summary.id : n.summary.arn, detail: kindLabel(n.kind), node: n }));
    if (!items.length) {
      void vscode.window.showInformationMessage(noneListed(set, view.describeTarget()));
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true });
    return pick?.node;
  }

  async function session(): Promise<ResourceSession | undefined> {
    const s = await view.session();
    if (!s) void vscode.window.showWarningMessage(vscode.l10n.t('AWS is not configured for the Resources view: choose a profile or set the AWS settings.'));
    return s;
  }

  function showError(e: unknown, what: string): void {
    if (isCancelled(e)) return;
    const d = describeError(e);
    log.error('resources', `${what}: ${d.message}`, d.code === 'INTERNAL' ? e : undefined);
    const showLog = vscode.l10n.t('Show Log');
    void vscode.window.showErrorMessage(`${d.message} ${d.hint}`.trim(), showLog).then((p) => {
      if (p === showLog) log.show();
    });
  }

  async function copy(text: string, what: string): Promise<string> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(vscode.l10n.t('{0} copied to the clipboard', what), 3000);
    return text;
  }

  function arnOf(n: ResourceNode): string | undefined {
    return n.kind === 'provider' ? n.summary.arn : n.kind === 'role' ? n.summary.arn : undefined;
  }

  /** A network action with the view's progress bar (the session's timeout bounds it). */
  function inView<T>(fn: () => Promise<T>): Thenable<T> {
    return vscode.window.withProgress({ location: { viewId: Views.resources } }, fn);
  }

  async function showDetails(arg: unknown): Promise<{ uri: string; content: unknown } | undefined> {
    const n = await target(arg, 'any', vscode.l10n.t('Show details of…'));
    const s = n && (await session());
    if (!n || !s) return undefined;
    try {
      const content = await inView(async () => {
        switch (n.kind) {
          case 'provider': {
            const p = await s.providerDetails(n.summary.arn, undefined, true);
            const check = view.thumbprintCheck(p.arn);
            return {
              resource: 'IAM OpenID Connect provider',
              arn: p.arn,
              url: `https://${p.url}`,
              loginsKey: expectedLoginsKey(p.url),
              clientIds: p.clientIds,
              thumbprints: p.thumbprints,
              createDate: p.createDate,
              tags: p.tags,
              ...(check ? { thumbprintCheck: check } : {}),
              console: consoleUrl({ kind: 'provider', arn: p.arn }, s.region),
            };
          }
          case 'pool': {
            const d = await s.poolDetails(n.summary.id, undefined, true);
            return {
              resource: 'Cognito identity pool',
              ...d.pool,
              roles: d.roles?.roles,
              roleMappings: d.roles?.roleMappings,
              ...(d.rolesError ? { rolesError: d.rolesError } : {}),
              console: consoleUrl({ kind: 'pool', poolId: d.pool.poolId }, s.region),
            };
          }
          case 'role': {
            const r = await s.roleDetails(n.summary.name, undefined, true);
            const trust = resourcesEngine().analyzeCognitoTrust(r.assumeRolePolicyDocument);
            const { assumeRolePolicyDocument, ...rest } = r;
            return {
              resource: 'IAM role',
              ...rest,
              trustPolicy: ((t) => ('policy' in t ? t.policy : { unreadable: t.error, text: assumeRolePolicyDocument }))(resourcesEngine().parseTrustPolicy(assumeRolePolicyDocument)),
              cognitoTrust: trust ? { summary: trust.summary, pools: trust.audPools, amr: trust.amr, warnings: trust.warnings.map((w) => w.message) } : undefined,
              console: consoleUrl({ kind: 'role', name: r.name }, s.region),
            };
          }
        }
      });
      const name = view.labelOf(n).replace(/[/\\]/g, '_');
      const uri = vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${n.kind}/${name}.json` });
      details.set(uri, `${JSON.stringify(content, null, 2)}\n`);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(doc, 'json').then(undefined, () => undefined);
      await vscode.window.showTextDocument(doc, { preview: true });
      return { uri: uri.toString(), content };
    } catch (e) {
      showError(e, `details of ${n.id}`);
      return undefined;
    }
  }

  /**
   * Plan (reads only), show it in a modal that names the resource, apply with progress; a plan
   * that went stale is shown again once. Returns the outcome message (for tests and logs).
   */
  interface Wording {
    /** The modal's question, given the resource ("the IAM role x"). */
    question: (resource: string) => string;
    /** The confirming button. */
    button: string;
    /** Progress title while applying, given the resource. */
    applying: (resource: string) => string;
    /**
     * For a delete: when the resource is not one this extension made, what to say in the
     * confirmation and the name the user must type before anything is deleted.
     */
    guard?: (s: ResourceSession) => Promise<{ notice: string; name: string } | undefined>;
  }

  /** The configured Auth0 domain (normalised) and client ID of the setup wizard, if any. */
  function configuredAuth0(): { domain: string | undefined; clientId: string | undefined } {
    const form = context.workspaceState.get<{ domain?: unknown; clientId?: unknown }>(WIZARD_FORM_KEY);
    let domain: string | undefined;
    try {
      domain = typeof form?.domain === 'string' && form.domain.trim() ? normalizeAuth0Domain(form.domain).toLowerCase() : undefined;
    } catch {
      domain = undefined;
    }
    const clientId = typeof form?.clientId === 'string' && form.clientId.trim() ? form.clientId.trim() : undefined;
    return { domain, clientId };
  }

  /**
   * Whether the extension made the resource: it carries the setup tag, or (a provider) it is the
   * configured Auth0 domain's or lists the configured client ID. Reads what the plan has just read
   * (the session caches it): no extra call. When that cannot be read, the answer is "not ours".
   */
  async function ownership(n: ResourceNode, s: ResourceSession): Promise<{ ours: boolean; name: string }> {
    try {
      switch (n.kind) {
        case 'provider': {
          const p = await s.providerDetails(n.summary.arn);
          const url = (p.url || n.summary.url).replace(/^https:\/\//i, '').replace(/\/+$/, '').toLowerCase();
          const { domain, clientId } = configuredAuth0();
          const ours = SETUP_TAG_KEY in p.tags || (domain !== undefined && url === domain) || (clientId !== undefined && p.clientIds.includes(clientId));
          return { ours, name: p.url || n.summary.url };
        }
        case 'pool': {
          const d = await s.describePool(n.summary.id);
          return { ours: SETUP_TAG_KEY in d.tags, name: d.poolName || n.summary.name || n.summary.id };
        }
        case 'role': {
          const r = await s.roleDetails(n.summary.name);
          return { ours: SETUP_TAG_KEY in r.tags, name: n.summary.name };
        }
      }
    } catch (e) {
      if (isCancelled(e)) throw e;
      log.warn('resources', `could not tell whether ${n.id} was made by this extension (${describeError(e).message}): asking for its name`);
    }
    return { ours: false, name: n.kind === 'provider' ? n.summary.url : n.kind === 'pool' ? (n.summary.name || n.summary.id) : n.summary.name };
  }

  /** For a delete: the notice and the name to type when `n` is not one this extension made. */
  function notOursGuard(n: ResourceNode): (s: ResourceSession) => Promise<{ notice: string; name: string } | undefined> {
    return async (s) => {
      const o = await ownership(n, s);
      if (o.ours) return undefined;
      const notice = n.kind === 'provider'
        ? vscode.l10n.t('This IAM OIDC provider was not created by this extension. It has no {0} tag and is not the provider of the Auth0 domain or client ID configured in the setup wizard. Something else in the account may depend on it. To delete it anyway, you will be asked to type its name, {1}.', SETUP_TAG_KEY, o.name)
        : n.kind === 'pool'
          ? vscode.l10n.t('This identity pool was not created by this extension. It has no {0} tag. Something else in the account may depend on it. To delete it anyway, you will be asked to type its name, {1}.', SETUP_TAG_KEY, o.name)
          : vscode.l10n.t('This IAM role was not created by this extension. It has no {0} tag. Something else in the account may depend on it. To delete it anyway, you will be asked to type its name, {1}.', SETUP_TAG_KEY, o.name);
      return { name: o.name, notice };
    };
  }

  /** Asks for the exact name; true only when it was typed. */
  async function typedName(resource: string, name: string): Promise<boolean> {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Delete {0}', resource),
      prompt: vscode.l10n.t('Not created by this extension. Type {0} to delete it.', name),
      placeHolder: name,
      ignoreFocusOut: true,
      validateInput: (v) => (v === name ? undefined : vscode.l10n.t('Type {0} exactly to delete it.', name)),
    });
    return typed === name;
  }

  async function planAndApply(action: ResourceAction, words: Wording, refreshAfter: () => void): Promise<string | undefined> {
    const s = await session();
    if (!s) return undefined;
    let plan: Plan<ResourceSubject>;
    try {
      plan = await withCancellableProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the current state before the change…') },
        (signal, progress) => resourcesEngine().planResourceAction(action, s, { signal, onProgress: (message) => progress.report({ message }) }),
      );
    } catch (e) {
      showError(e, `plan ${action.kind}`);
      return undefined;
    }
    log.info('resources', `plan ${action.kind}: ${plan.summary} Calls: ${plan.calls.map((c) => c.action).join(', ') || 'none'}`);
    if (plan.alreadyDone) {
      void vscode.window.showInformationMessage(plan.summary);
      refreshAfter();
      return plan.summary;
    }
    const resource = plan.subject.resource;
    let guard: { notice: string; name: string } | undefined;
    if (words.guard) {
      try {
        guard = await words.guard(s);
      } catch (e) {
        showError(e, `check ${action.kind}`);
        return undefined;
      }
    }
    const question = guard ? `${words.question(resource)} ${vscode.l10n.t('It was not created by this extension.')}` : words.question(resource);
    const detail = guard ? `${guard.notice}\n\n${resourcesEngine().formatPlan(plan)}` : resourcesEngine().formatPlan(plan);
    const answer = await vscode.window.showWarningMessage(question, { modal: true, detail }, words.button);
    if (answer !== words.button) return undefined;
    if (guard && !(await typedName(resource, guard.name))) {
      log.info('resources', `${action.kind}: not done, the name ${guard.name} was not typed`);
      return undefined;
    }
    const applyOnce = async (p: Plan<ResourceSubject>): Promise<Outcome<ResourceSubject>> => {
      const out = await withCancellableProgress(
        { location: vscode.ProgressLocation.Notification, title: words.applying(resource) },
        async (signal): Promise<Outcome<ResourceSubject>> => {
          try {
            return await resourcesEngine().applyResourceAction(p, s, { signal });
          } catch (e) {
            // Planning again failed: nothing was changed.
            const d = describeError(e);
            return { ok: false, done: [], notDone: [], writeCalls: 0, message: `${d.message} ${d.hint}`.trim(), error: d };
          }
        },
      );
      log.info('resources', `apply ${action.kind}: ${out.ok ? 'ok' : 'not done'} (${out.writeCalls} write call(s)): ${out.message}`);
      refreshAfter();
      return out;
    };
    // A new plan (the state moved after it was shown) is shown again by ./planUi.ts, as in every host.
    const out = await applyWithChangedPlanPrompt(plan, applyOnce);
    if (out.newPlan) return undefined;
    if (out.ok) void vscode.window.showInformationMessage(out.message);
    else if (!out.error || out.error.code !== 'CANCELLED') {
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window.showErrorMessage(out.message, showLog).then((p) => {
        if (p === showLog) log.show();
      });
    }
    return out.message;
  }

  const handlers: Record<ResourcesCommandId, (...args: unknown[]) => unknown> = {
    [Commands.resourcesRefresh]: (arg) => view.refresh(isNode(arg) ? arg : undefined),

    [Commands.resourcesLoadMore]: (group) => (group === 'providers' || group === 'pools' || group === 'roles' ? view.loadMore(group) : undefined),

    [Commands.resourcesReveal]: async (kind, id, opts) => {
      if ((kind !== 'provider' && kind !== 'pool' && kind !== 'role') || typeof id !== 'string') return false;
      const expand = typeof opts === 'object' && opts !== null && (opts as { expand?: unknown }).expand === true;
      const shown = await view.reveal(kind, id, expand).catch((e: unknown) => {
        showError(e, `reveal ${id}`);
        return false;
      });
      if (!shown) {
        const name = kind === 'provider' ? (providerNameFromArn(id) ?? id) : id;
        void vscode.window.showInformationMessage(kind === 'provider'
          ? vscode.l10n.t('The IAM OIDC provider {0} is not in this account ({1}): it was deleted, or the pool lists a provider of another account.', name, view.describeTarget())
          : kind === 'pool'
            ? vscode.l10n.t('The identity pool {0} is not among the loaded items of the Resources view (use "Load more", or Show Details).', name)
            : vscode.l10n.t('The IAM role {0} is not among the loaded items of the Resources view (use "Load more", or Show Details).', name));
      }
      return shown;
    },

    [Commands.resourcesSwitchRegion]: async () => {
      const current = awsSettings().region;
      const other = vscode.l10n.t('Other region…');
      const items: vscode.QuickPickItem[] = [
        ...[current, ...AWS_REGIONS.filter((r) => r !== current)].map((r) => ({ label: r, description: r === current ? vscode.l10n.t('current') : undefined })),
        { label: other, alwaysShow: true },
      ];
      const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('AWS region for the Resources view (and Cognito / STS calls)') });
      if (!pick) return undefined;
      let region = pick.label;
      if (region === other) {
        const typed = await vscode.window.showInputBox({
          title: vscode.l10n.t('AWS region'),
          placeHolder: 'eu-central-1',
          validateInput: (v) => (/^[a-z]{2}(-[a-z]+)+-\d+$/.test(v.trim()) ? undefined : vscode.l10n.t('An AWS region name such as us-east-1')),
        });
        if (!typed) return undefined;
        region = typed.trim();
      }
      await writeSetting(svc.settings.MACHINE_SETTINGS, Settings.awsRegion, region);
      log.info('resources', `region set to ${region}`);
      return region;
    },

    [Commands.resourcesSwitchProfile]: async () => {
      const profiles = await listAwsProfiles().catch(() => []);
      const current = awsSettings().profile;
      const chain = vscode.l10n.t('(default credential chain)');
      const items = [
        { label: chain, description: current ? undefined : vscode.l10n.t('current'), detail: vscode.l10n.t('Environment variables, AWS_PROFILE, the default profile, SSO, container or instance credentials'), name: '' },
        ...profiles.map((p) => ({
          label: p.name,
          description: [p.name === current ? vscode.l10n.t('current') : '', p.kind === 'sso' ? 'SSO' : p.kind, p.region ?? ''].filter(Boolean).join(' · '),
          detail: p.sources.map((x) => (x === 'config' ? '~/.aws/config' : '~/.aws/credentials')).join(', '),
          name: p.name,
        })),
      ];
      const pick = await vscode.window.showQuickPick(items, {
        title: vscode.l10n.t('AWS profile for the Resources view'),
        placeHolder: profiles.length ? undefined : vscode.l10n.t('No profiles in ~/.aws/config or ~/.aws/credentials: run "aws configure" or "aws configure sso"'),
      });
      if (!pick) return undefined;
      await view.useDefaultChain(pick.name === '');
      await writeSetting(svc.settings.MACHINE_SETTINGS, Settings.awsProfile, pick.name);
      if (pick.name === (current ?? '')) view.refresh();
      log.info('resources', `profile set to ${pick.name || 'the default credential chain'}`);
      return pick.name;
    },

    [Commands.resourcesCopyArn]: async (arg) => {
      const n = await target(arg, 'providerOrRole', vscode.l10n.t('Copy the ARN of…'));
      const arn = n && arnOf(n);
      return arn ? copy(arn, 'ARN') : undefined;
    },

    [Commands.resourcesCopyId]: async (arg) => {
      const n = await target(arg, 'pool', vscode.l10n.t('Copy the id of…'));
      return n?.kind === 'pool' ? copy(n.summary.id, vscode.l10n.t('Identity pool id')) : undefined;
    },

    [Commands.resourcesCopyValue]: async (arg) => {
      if (isNode(arg) && arg.kind === 'value' && arg.value !== undefined) return copy(arg.value, arg.label);
      return undefined;
    },

    [Commands.resourcesOpenInConsole]: async (arg) => {
      const n = await target(arg, 'any', vscode.l10n.t('Open in the AWS console…'));
      const s = n && (await session());
      if (!n || !s) return undefined;
      const url = consoleUrl(n.kind === 'provider' ? { kind: 'provider', arn: n.summary.arn } : n.kind === 'pool' ? { kind: 'pool', poolId: n.summary.id } : { kind: 'role', name: n.summary.name }, s.region);
      if (awsSettings().endpoint) log.warn('resources', `the AWS endpoint setting points elsewhere (${awsSettings().endpoint}); the console shows real AWS`);
      // Passed as a string on purpose: a vscode.Uri would re-encode the console's #/... route
      // (%3A, slashes) and break it; openExternal keeps a string's text as it is.
      await vscode.env.openExternal(url as unknown as vscode.Uri);
      return url;
    },

    [Commands.resourcesShowDetails]: (arg) => showDetails(arg),

    [Commands.resourcesCheckThumbprint]: async (arg) => {
      const n = await target(arg, 'provider', vscode.l10n.t('Check the thumbprint of…'));
      const s = n?.kind === 'provider' ? await session() : undefined;
      if (n?.kind !== 'provider' || !s) return undefined;
      try {
        const check = await inView(() => s.checkThumbprint(n.summary.arn));
        view.setThumbprintCheck(n.summary.arn, check);
        log.info('resources', `thumbprint check ${n.summary.url}: ${check.status} (${check.current})`);
        if (check.status === 'drift') {
          const update = vscode.l10n.t('Update Thumbprints…');
          void vscode.window.showWarningMessage(check.message, update).then((p) => {
            if (p === update) void vscode.commands.executeCommand(Commands.resourcesUpdateThumbprint, n);
          });
        }
        return check;
      } catch (e) {
        const d = describeError(e);
        if (!isCancelled(e)) view.setThumbprintCheck(n.summary.arn, { error: d.message });
        showError(e, `thumbprint check ${n.summary.url}`);
        return undefined;
      }
    },

    [Commands.resourcesUpdateThumbprint]: async (arg) => {
      const n = await target(arg, 'provider', vscode.l10n.t('Update the thumbprints of…'));
      if (n?.kind !== 'provider') return undefined;
      return planAndApply({ kind: 'updateThumbprint', providerArn: n.summary.arn }, {
        question: (r) => vscode.l10n.t('Update the thumbprints of {0}?', r),
        button: vscode.l10n.t('Update'),
        applying: (r) => vscode.l10n.t('Updating the thumbprints of {0}…', r),
      }, () => view.refresh(n));
    },

    [Commands.resourcesAddClientId]: async (arg, clientIdArg) => {
      const n = await target(arg, 'provider', vscode.l10n.t('Add a client ID to…'));
      if (n?.kind !== 'provider') return undefined;
      const clientId = typeof clientIdArg === 'string' ? clientIdArg : await vscode.window.showInputBox({
        title: vscode.l10n.t('Add a client ID to {0}', n.summary.url),
        prompt: vscode.l10n.t('The Auth0 application\'s Client ID (Dashboard > Applications > your application > Settings)'),
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim().length >= 1 && v.trim().length <= 255 ? undefined : vscode.l10n.t('1 to 255 characters')),
      });
      if (!clientId?.trim()) return undefined;
      const id = clientId.trim();
      return planAndApply({ kind: 'addClientId', providerArn: n.summary.arn, clientId: id }, {
        question: (r) => vscode.l10n.t('Add the client ID {0} to {1}?', id, r),
        button: vscode.l10n.t('Add'),
        applying: (r) => vscode.l10n.t('Adding the client ID to {0}…', r),
      }, () => view.refresh(n));
    },

    [Commands.resourcesDelete]: async (arg) => {
      const n = await target(arg, 'any', vscode.l10n.t('Delete…'));
      if (!n) return undefined;
      const action: ResourceAction = n.kind === 'provider' ? { kind: 'deleteProvider', providerArn: n.summary.arn }
        : n.kind === 'pool' ? { kind: 'deletePool', poolId: n.summary.id } : { kind: 'deleteRole', roleName: n.summary.name };
      return planAndApply(action, {
        question: (r) => vscode.l10n.t('Delete {0}?', r),
        button: vscode.l10n.t('Delete'),
        applying: (r) => vscode.l10n.t('Deleting {0}…', r),
        guard: notOursGuard(n),
      }, () => view.refresh(n.parent));
    },

    // Teardown of the setup that made a tagged pool (src/engine/teardown): the pool, its roles and providers of the same setup.
    [Commands.resourcesTeardown]: async (arg) => {
      // A pool node, its tree id (pool:ID) or a pool id (listed in the tree or not); else a quick pick.
      const raw = typeof arg === 'string' ? arg.replace(/^pool:/, '') : undefined;
      const byId = raw && /^[\w-]+:[0-9a-f-]+$/.test(raw) ? raw : undefined;
      const n = byId ? undefined : await target(arg, 'pool', vscode.l10n.t('Tear down the setup of…'));
      const poolId = byId ?? (n?.kind === 'pool' ? n.summary.id : undefined);
      const s = poolId ? await session() : undefined;
      if (!poolId || !s) return undefined;
      let o: { ours: boolean; name: string };
      try {
        const d = await inView(() => s.describePool(poolId));
        o = { ours: SETUP_TAG_KEY in d.tags, name: d.poolName || poolId };
      } catch (e) {
        showError(e, `teardown ${poolId}`);
        return undefined;
      }
      if (!o.ours) {
        const msg = vscode.l10n.t('The identity pool {0} has no {1} tag: no setup of this extension made it, so there is nothing to tear down. To remove it anyway, use "Delete Resource…".', o.name, SETUP_TAG_KEY);
        void vscode.window.showInformationMessage(msg);
        return msg;
      }
      const engine = setupEngine();
      const tctx = (signal: AbortSignal) => ({ poolId, aws: s.config, clientId: configuredAuth0().clientId, signal });
      let plan: Awaited<ReturnType<typeof engine.planTeardown>>;
      try {
        plan = await withCancellableProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the setup of {0}…', o.name) },
          (signal, progress) => engine.planPoolTeardown({ ...tctx(signal), onProgress: (message) => progress.report({ message }) }),
        );
      } catch (e) {
        showError(e, `plan teardown ${poolId}`);
        return undefined;
      }
      log.info('resources', `teardown plan: ${plan.summary} Calls: ${plan.calls.map((c) => c.action).join(', ') || 'none'}`);
      if (plan.alreadyDone) {
        void vscode.window.showInformationMessage(plan.summary);
        return plan.summary;
      }
      const button = vscode.l10n.t('Tear Down');
      const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Remove what the setup "{0}" created?', plan.subject.setupName ?? o.name), { modal: true, detail: engine.formatTeardownPlan(plan) }, button);
      if (answer !== button) return undefined;
      const out = await applyWithChangedPlanPrompt(plan, async (p) => withCancellableProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tearing down the setup of {0}…', o.name) },
        async (signal) => {
          try {
            return await engine.applyPoolTeardown(tctx(signal), p);
          } catch (e) {
            // Planning again failed: nothing was changed.
            const d = describeError(e);
            return { ok: false, done: [], notDone: [], writeCalls: 0, message: `${d.message} ${d.hint}`.trim(), error: d };
          }
        },
      ));
      log.info('resources', `teardown ${poolId}: ${out.ok ? 'done' : 'not finished'} (${out.writeCalls} write calls): ${out.message}`);
      view.refresh();
      if (out.newPlan) return undefined;
      if (out.ok) void vscode.window.showInformationMessage(out.message);
      else if (out.error?.code !== 'CANCELLED') void vscode.window.showErrorMessage(out.message);
      return out.message;
    },

    // The audit of `auth0-cognito resources` (src/engine/resources/audit.ts): the same findings decorate the tree.
    [Commands.resourcesAudit]: async () => {
      const s = await session();
      if (!s) return undefined;
      try {
        const engine = resourcesEngine();
        const audit = await withCancellableProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Auditing the OIDC providers, identity pools and roles of {0}…', view.describeTarget()) },
          (signal, progress) => engine.auditResources(s, { signal, onProgress: (message) => progress.report({ message }) }),
        );
        const byResource = engine.findingsByResource(audit);
        view.setFindings(byResource);
        const c = audit.counts;
        const message = vscode.l10n.t('Audit of {0}: {1} providers, {2} identity pools, {3} roles; {4} errors, {5} warnings, {6} notes. Resources with findings are marked in the tree.',
          view.describeTarget(), audit.providers.length, audit.pools.length, audit.roles.length, c.error, c.warning, c.info);
        log.info('resources', `audit: ${message} Calls: ${Object.entries(audit.calls).map(([k, v]) => `${k} ${v}`).join(', ')}`);
        void (c.error ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
        return { counts: c, findings: Object.fromEntries([...byResource].map(([k, v]) => [k, v.map((f) => f.code)])) };
      } catch (e) {
        showError(e, 'audit');
        return undefined;
      }
    },

    [Commands.resourcesUseInWizard]: async (arg) => {
      const n = await target(arg, 'any', vscode.l10n.t('Use in the setup wizard…'));
      if (!n) return undefined;
      const prev = getWizardSelection(context) ?? {};
      const s = awsSettings();
      const next: WizardSelection = {
        ...prev,
        ...(n.kind === 'provider' ? { providerArn: n.summary.arn } : n.kind === 'pool' ? { poolId: n.summary.id } : { roleArn: n.summary.arn }),
        region: s.region,
        profile: s.profile,
        updatedAt: new Date().toISOString(),
      };
      // The wizard shows it ("Using pool X from the Resources view — Clear").
      await setWizardSelection(context, next);
      log.info('resources', `wizard selection: ${n.id}`);
      const label = view.labelOf(n);
      void vscode.window.showInformationMessage(n.kind === 'provider' ? vscode.l10n.t('The setup wizard will use the IAM OIDC provider {0}.', label)
        : n.kind === 'pool' ? vscode.l10n.t('The setup wizard will use the identity pool {0}.', label)
          : vscode.l10n.t('The setup wizard will use the IAM role {0}.', label));
      return next;
    },
  };

  return handlers;
}

/** Writes a setting where it is set now: the workspace when it overrides the user setting, else the user settings. */
async function writeSetting(machineSettings: readonly string[], key: string, value: string): Promise<void> {
  const cfg = vscode.workspace.getConfiguration(Settings.section);
  // The profile (like the endpoint and the extra CAs) lives in the user settings only.
  if (machineSettings.includes(key)) return cfg.update(key, value, vscode.ConfigurationTarget.Global);
  const i = cfg.inspect(key);
  const target = i?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
    : i?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await cfg.update(key, value, target);
}
