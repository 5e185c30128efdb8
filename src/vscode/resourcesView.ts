import * as vscode from 'vscode';
import { validateAwsConfig } from '../engine/aws/config';
import { describeError, isCancelled } from '../engine/errors';
import { providerNameFromArn } from '../engine/aws/names';
import { listAwsProfiles } from '../engine/aws/profiles';
import type {
  ResourceSession,
  Lister,
  PoolDetails,
  PoolSummary,
  ProviderSummary,
  RoleSummary,
  ThumbprintCheck,
} from '../engine/resources';
import type { Finding, FindingSeverity } from '../engine/resources/audit';
import { resourcesEngine } from './load/resources';
import { Commands, Views } from '../shared/commands';
import { Settings } from '../shared/settings';
import { awsConfigFromSettings } from './awsConnection';
import { Logger } from './logger';
import { awsSettings } from './settings';

/**
 * The sidebar's resources tree: three groups (OIDC providers, identity pools, roles trusting
 * Cognito) for the configured profile and region, listed a page at a time by the engine's
 * ResourceSession, with details loaded when a node is expanded.
 *
 * Nothing here pops a notification: loading, empty and failed states are nodes (an error node
 * says what failed, retries on click, and offers the log), and one failing group leaves the
 * others usable. When no AWS credentials can be found at all, the tree is empty and VS Code shows
 * the view's welcome content (context key auth0Cognito.resources.state == notConfigured).
 */

export const VIEW_ID = Views.resources;
/** Context key: 'ready' | 'notConfigured'. */
export const STATE_KEY = 'auth0Cognito.resources.state';
/** Set when the user chose the default credential chain although no credentials were found. */
const USE_DEFAULT_CHAIN = 'auth0Cognito.resources.useDefaultChain';
const DECORATION_SCHEME = 'auth0-cognito-resource-status';

export type GroupKind = 'providers' | 'pools' | 'roles';
export type ResourceKind = 'provider' | 'pool' | 'role';

interface Base {
  id: string;
  parent: Node | undefined;
}
export interface GroupNode extends Base { kind: 'group'; group: GroupKind }
export interface ProviderNode extends Base { kind: 'provider'; summary: ProviderSummary }
export interface PoolNode extends Base { kind: 'pool'; summary: PoolSummary }
export interface RoleNode extends Base { kind: 'role'; summary: RoleSummary }
export interface SectionNode extends Base { kind: 'section'; label: string; description?: string; icon?: vscode.ThemeIcon; children: Node[] }
export interface ValueNode extends Base {
  kind: 'value';
  label: string;
  description?: string | undefined;
  tooltip?: string | vscode.MarkdownString | undefined;
  icon?: vscode.ThemeIcon | undefined;
  /** What "Copy" copies. */
  value?: string | undefined;
  command?: vscode.Command | undefined;
}
export interface LoadMoreNode extends Base { kind: 'loadMore'; group: GroupKind }
export interface PlaceholderNode extends Base { kind: 'placeholder'; label: string; loading: boolean }
/** What an error node failed to load: the whole view, a group, a pool's roles, or a node (by its label). */
export type ErrorSubject = { kind: 'root' } | { kind: 'group'; group: GroupKind } | { kind: 'poolRoles' } | { kind: 'node'; label: string };
export interface ErrorNode extends Base { kind: 'error'; what: ErrorSubject; message: string; hint: string }

export type Node = GroupNode | ProviderNode | PoolNode | RoleNode | SectionNode | ValueNode | LoadMoreNode | PlaceholderNode | ErrorNode;
export type ResourceNode = ProviderNode | PoolNode | RoleNode;

/** A group's label, in the display language. */
function groupLabel(group: GroupKind): string {
  switch (group) {
    case 'providers': return vscode.l10n.t('OIDC providers');
    case 'pools': return vscode.l10n.t('Identity pools');
    case 'roles': return vscode.l10n.t('Roles trusting Cognito');
  }
}

/**
 * An error node's label: "Failed to load ...", with " (click to retry)" in the tree; a whole
 * message for each thing that can fail.
 */
function failedLabel(what: ErrorSubject, retry: boolean): string {
  switch (what.kind) {
    case 'root': return retry ? vscode.l10n.t('Failed to load AWS resources (click to retry)') : vscode.l10n.t('Failed to load AWS resources');
    case 'poolRoles': return retry ? vscode.l10n.t('Failed to load the pool\'s roles (click to retry)') : vscode.l10n.t('Failed to load the pool\'s roles');
    case 'node': return retry ? vscode.l10n.t('Failed to load {0} (click to retry)', what.label) : vscode.l10n.t('Failed to load {0}', what.label);
    case 'group':
      switch (what.group) {
        case 'providers': return retry ? vscode.l10n.t('Failed to load OIDC providers (click to retry)') : vscode.l10n.t('Failed to load OIDC providers');
        case 'pools': return retry ? vscode.l10n.t('Failed to load identity pools (click to retry)') : vscode.l10n.t('Failed to load identity pools');
        case 'roles': return retry ? vscode.l10n.t('Failed to load roles trusting Cognito (click to retry)') : vscode.l10n.t('Failed to load roles trusting Cognito');
      }
  }
}
const GROUP_ICONS: Record<GroupKind, string> = { providers: 'key', pools: 'organization', roles: 'shield' };

const warningIcon = () => new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));

/** The icon of an audit finding's severity. */
function severityIcon(sev: FindingSeverity): vscode.ThemeIcon {
  return sev === 'error' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
    : sev === 'warning' ? warningIcon() : new vscode.ThemeIcon('info');
}
/** Outside text (resource names, finding messages) as inert Markdown: the hover's escaping (src/shared/tokenHover.ts). */
function mdEscape(text: string): string {
  return resourcesEngine().escapeMarkdownText(text, 2000);
}

export class ResourcesView implements vscode.TreeDataProvider<Node>, vscode.FileDecorationProvider, vscode.Disposable {
  readonly view: vscode.TreeView<Node>;
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly decorationsChanged = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly groups: Record<GroupKind, GroupNode> = {
    providers: { kind: 'group', id: 'group:providers', parent: undefined, group: 'providers' },
    pools: { kind: 'group', id: 'group:pools', parent: undefined, group: 'pools' },
    roles: { kind: 'group', id: 'group:roles', parent: undefined, group: 'roles' },
  };
  /** The canonical node of each listed resource (TreeView.reveal needs the very object getChildren returned). */
  private readonly items = new Map<string, ResourceNode>();
  private readonly groupErrors = new Map<GroupKind, { message: string; hint: string }>();
  private readonly checks = new Map<string, ThumbprintCheck | { error: string }>();
  /** The last audit's findings (issue 10: `auth0-cognito resources`'s engine), by provider ARN, pool id and role ARN. */
  private readonly findings = new Map<string, Finding[]>();
  private current: { session: ResourceSession; controller: AbortController } | { error: { message: string; hint: string } } | undefined;
  private starting: Promise<void> | undefined;
  /** Bumped by a full refresh: a session started for older settings is dropped. */
  private generation = 0;
  private state: 'ready' | 'notConfigured' | undefined;

  constructor(private readonly context: vscode.ExtensionContext, readonly log: Logger) {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      this.decorationsChanged,
      vscode.window.registerFileDecorationProvider(this),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${Settings.section}.aws`) || e.affectsConfiguration(`${Settings.section}.${Settings.extraCaCertificates}`)
          || e.affectsConfiguration(`${Settings.section}.${Settings.timeoutSeconds}`)) {
          this.refresh();
        }
      }),
    );
    this.updateDescription();
    // The palette's item commands and the welcome content depend on the state: know it without
    // waiting for the view to be shown (reads the settings and ~/.aws file names only; no SDK).
    this.isConfigured().then(async (ok) => {
      if (!this.state) await this.setState(ok ? 'ready' : 'notConfigured');
    }).then(undefined, () => undefined);
  }

  // ---- session ----------------------------------------------------------------------------------

  /** The session for the current settings (created on first use and after a full refresh). */
  async session(): Promise<ResourceSession | undefined> {
    while (!this.current) {
      const gen = this.generation;
      if (!this.starting) {
        const p: Promise<void> = this.start(gen).finally(() => {
          if (this.starting === p) this.starting = undefined;
        });
        this.starting = p;
      }
      await this.starting;
      if (gen === this.generation) break; // else the settings changed meanwhile: start again
    }
    return this.current && 'session' in this.current ? this.current.session : undefined;
  }

  private async start(gen: number): Promise<void> {
    this.updateDescription();
    const configured = await this.isConfigured();
    if (gen !== this.generation) return;
    await this.setState(configured ? 'ready' : 'notConfigured');
    if (!configured) return;
    let current: NonNullable<typeof this.current>;
    try {
      const cfg = await awsConfigFromSettings();
      validateAwsConfig(cfg);
      current = { session: new (resourcesEngine().ResourceSession)(cfg), controller: new AbortController() };
      this.log.info('resources', `listing for ${this.describeTarget()}`);
    } catch (e) {
      const d = describeError(e);
      this.log.error('resources', `cannot list resources: ${d.message}`);
      current = { error: { message: d.message, hint: d.hint } };
    }
    if (gen === this.generation) this.current = current;
  }

  /** Credentials can be found: a profile or endpoint setting, AWS_* variables, or a profile in the shared files. */
  private async isConfigured(): Promise<boolean> {
    const s = awsSettings();
    if (s.profile || s.endpoint || this.context.globalState.get<boolean>(USE_DEFAULT_CHAIN)) return true;
    const env = process.env;
    if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return true;
    try {
      return (await listAwsProfiles()).length > 0;
    } catch {
      return false;
    }
  }

  async useDefaultChain(on: boolean): Promise<void> {
    await this.context.globalState.update(USE_DEFAULT_CHAIN, on || undefined);
  }

  private async setState(state: 'ready' | 'notConfigured'): Promise<void> {
    if (this.state === state) return;
    this.state = state;
    await vscode.commands.executeCommand('setContext', STATE_KEY, state);
  }

  describeTarget(): string {
    const s = awsSettings();
    let endpoint = '';
    if (s.endpoint) {
      try {
        endpoint = ` · ${new URL(s.endpoint).host}`;
      } catch {
        endpoint = ` · ${s.endpoint}`;
      }
    }
    return `${s.profile ?? vscode.l10n.t('default')} · ${s.region}${endpoint}`;
  }

  private updateDescription(): void {
    this.view.description = this.describeTarget();
  }

  // ---- refresh ----------------------------------------------------------------------------------

  /** Everything (no node: a new session from the current settings), one group, or one node's details. */
  refresh(node?: Node): void {
    if (!node) {
      if (this.current && 'controller' in this.current) this.current.controller.abort();
      this.current = undefined;
      this.starting = undefined;
      this.generation++;
      this.items.clear();
      this.groupErrors.clear();
      this.checks.clear();
      this.findings.clear();
      this.updateDescription();
      this.changed.fire(undefined);
      return;
    }
    if (node.kind === 'error' || node.kind === 'placeholder' || node.kind === 'value' || node.kind === 'section' || node.kind === 'loadMore') {
      this.refresh(node.parent);
      return;
    }
    const s = this.current && 'session' in this.current ? this.current.session : undefined;
    if (node.kind === 'group') {
      this.groupErrors.delete(node.group);
      s?.resetList(node.group);
      for (const [k, v] of this.items) if (v.parent === node) this.items.delete(k);
    } else {
      s?.forget(resourceId(node));
    }
    this.changed.fire(node);
  }

  /** Loads the next page of a group ("Load more"), showing "Loading more…" meanwhile. */
  async loadMore(group: GroupKind): Promise<void> {
    const s = await this.session();
    if (!s) return;
    const g = this.groups[group];
    const p = this.loadPage(s, g);
    this.changed.fire(g);
    await p;
    this.changed.fire(g);
  }

  private lister(s: ResourceSession, group: GroupKind): Lister<ProviderSummary> | Lister<PoolSummary> | Lister<RoleSummary> {
    return group === 'providers' ? s.providers : group === 'pools' ? s.pools : s.roles;
  }

  private async loadPage(s: ResourceSession, g: GroupNode): Promise<void> {
    const lister = this.lister(s, g.group);
    const before = s.stats.calls;
    const t0 = Date.now();
    try {
      const page = await lister.next(this.signal());
      this.groupErrors.delete(g.group);
      this.log.info('resources', `${g.group}: ${page.length} more, ${lister.items.length} loaded${lister.done ? ' (all)' : ''}${g.group === 'roles' ? `, ${s.rolesScanned} roles scanned` : ''}; ${s.stats.calls - before} AWS call(s), ${Date.now() - t0} ms`);
    } catch (e) {
      if (isCancelled(e)) return;
      const d = describeError(e);
      this.groupErrors.set(g.group, { message: d.message, hint: d.hint });
      this.log.error('resources', `${g.group}: ${d.message}`, d.code === 'INTERNAL' ? e : undefined);
    }
  }

  private signal(): AbortSignal | undefined {
    return this.current && 'controller' in this.current ? this.current.controller.signal : undefined;
  }

  // ---- TreeDataProvider -------------------------------------------------------------------------

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  getChildren(node?: Node): Promise<Node[]> {
    return this.children(node);
  }

  private async children(node?: Node): Promise<Node[]> {
    try {
      if (!node) {
        const s = await this.session();
        if (this.state === 'notConfigured') return [];
        if (!s) {
          const err = this.current && 'error' in this.current ? this.current.error : { message: vscode.l10n.t('The AWS settings could not be read.'), hint: vscode.l10n.t('See the log.') };
          return [errorNode(undefined, 'root', { kind: 'root' }, err)];
        }
        return [this.groups.providers, this.groups.pools, this.groups.roles];
      }
      switch (node.kind) {
        case 'group':
          return await this.groupChildren(node);
        case 'provider':
          return [...this.findingNodes(node), ...(await this.providerChildren(node))];
        case 'pool':
          return [...this.findingNodes(node), ...(await this.poolChildren(node))];
        case 'role':
          return [...this.findingNodes(node), ...this.roleChildren(node), ...(await this.selectedBy(node))];
        case 'section':
          return node.children;
        default:
          return [];
      }
    } catch (e) {
      // Never a notification from here: the failure becomes the node's only child.
      const d = describeError(e);
      if (!isCancelled(e)) this.log.error('resources', `${node ? node.id : 'root'}: ${d.message}`, d.code === 'INTERNAL' ? e : undefined);
      return [errorNode(node, node?.id ?? 'root', node ? { kind: 'node', label: this.labelOf(node) } : { kind: 'root' }, d)];
    }
  }

  private async groupChildren(g: GroupNode): Promise<Node[]> {
    const s = await this.session();
    if (!s) return [];
    const lister = this.lister(s, g.group);
    // Never fire a change for this group from here: VS Code (1.100) then drops the handles of the
    // children it is being given and their expansion fails ("No tree item with id ... found").
    if (!lister.items.length && !lister.done && !this.groupErrors.has(g.group)) await this.loadPage(s, g);
    const out: Node[] = lister.items.map((x) => this.itemNode(g, x));
    const err = this.groupErrors.get(g.group);
    if (err) out.push(errorNode(g, g.id, { kind: 'group', group: g.group }, err));
    else if (lister.loading) out.push({ kind: 'placeholder', id: `${g.id}/loading`, parent: g, label: out.length ? vscode.l10n.t('Loading more…') : vscode.l10n.t('Loading…'), loading: true });
    else if (!lister.done) out.push({ kind: 'loadMore', id: `${g.id}/more`, parent: g, group: g.group });
    else if (!out.length) out.push({ kind: 'placeholder', id: `${g.id}/empty`, parent: g, label: this.emptyText(g.group, s), loading: false });
    return out;
  }

  private emptyText(group: GroupKind, s: ResourceSession): string {
    switch (group) {
      case 'providers': return vscode.l10n.t('No IAM OIDC providers in this account');
      case 'pools': return vscode.l10n.t('No identity pools in {0}', s.region);
      case 'roles': return vscode.l10n.t('None of the {0} roles trusts cognito-identity.amazonaws.com', s.rolesScanned);
    }
  }

  /** The canonical node of a listed resource. */
  private itemNode(g: GroupNode, x: ProviderSummary | PoolSummary | RoleSummary): ResourceNode {
    const id = g.group === 'providers' ? `provider:${(x as ProviderSummary).arn}` : g.group === 'pools' ? `pool:${(x as PoolSummary).id}` : `role:${(x as RoleSummary).name}`;
    let n = this.items.get(id);
    if (!n) {
      n = g.group === 'providers' ? { kind: 'provider', id, parent: g, summary: x as ProviderSummary }
        : g.group === 'pools' ? { kind: 'pool', id, parent: g, summary: x as PoolSummary }
          : { kind: 'role', id, parent: g, summary: x as RoleSummary };
      this.items.set(id, n);
    }
    return n;
  }

  private async providerChildren(n: ProviderNode): Promise<Node[]> {
    const s = await this.session();
    if (!s) return [];
    const p = await s.providerDetails(n.summary.arn, this.signal());
    const check = this.checks.get(n.summary.arn);
    const current = check && !('error' in check) ? check.current : undefined;
    const out: Node[] = [];
    const ids: SectionNode = { kind: 'section', id: `${n.id}/clientIds`, parent: n, label: vscode.l10n.t('Client IDs'), description: String(p.clientIds.length), icon: new vscode.ThemeIcon('symbol-key'), children: [] };
    ids.children = p.clientIds.length
      ? p.clientIds.map((c) => value(ids, `clientId:${c}`, c, { value: c, icon: new vscode.ThemeIcon('symbol-key'), tooltip: vscode.l10n.t('Client ID (audience) {0}', c) }))
      : [value(ids, 'none', vscode.l10n.t('(none: no application\'s tokens are accepted)'))];
    const tps: SectionNode = { kind: 'section', id: `${n.id}/thumbprints`, parent: n, label: vscode.l10n.t('Thumbprints'), description: String(p.thumbprints.length), icon: new vscode.ThemeIcon('verified'), children: [] };
    tps.children = p.thumbprints.length
      ? p.thumbprints.map((t) => value(tps, `thumbprint:${t}`, t, {
        value: t,
        icon: new vscode.ThemeIcon('verified'),
        description: current ? (t.toLowerCase() === current ? vscode.l10n.t('current') : vscode.l10n.t('not presented now')) : undefined,
      }))
      : [value(tps, 'none', vscode.l10n.t('(none: IAM validates the host through its trusted root CAs)'))];
    out.push(ids, tps);
    if (p.createDate) out.push(value(n, 'created', vscode.l10n.t('Created'), { description: p.createDate.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'), icon: new vscode.ThemeIcon('calendar'), value: p.createDate }));
    if (check) {
      out.push('error' in check
        ? value(n, 'check', vscode.l10n.t('Thumbprint check failed'), { description: check.error, tooltip: check.error, icon: new vscode.ThemeIcon('error') })
        : value(n, 'check', vscode.l10n.t('Thumbprint check'), {
          description: check.status === 'drift' ? vscode.l10n.t('drift: {0} presents {1}', check.target, check.current)
            : check.status === 'current' ? vscode.l10n.t('current') : vscode.l10n.t('no thumbprints listed'),
          tooltip: check.message,
          icon: check.status === 'drift' ? warningIcon() : new vscode.ThemeIcon('pass'),
          value: check.current,
        }));
    }
    const tags = Object.entries(p.tags);
    if (tags.length) {
      const t: SectionNode = { kind: 'section', id: `${n.id}/tags`, parent: n, label: vscode.l10n.t('Tags'), description: String(tags.length), icon: new vscode.ThemeIcon('tag'), children: [] };
      t.children = tags.map(([k, v]) => value(t, `tag:${k}`, k, { description: v, value: `${k}=${v}` }));
      out.push(t);
    }
    return out;
  }

  private async poolChildren(n: PoolNode): Promise<Node[]> {
    const s = await this.session();
    if (!s) return [];
    const d: PoolDetails = await s.poolDetails(n.summary.id, this.signal());
    const pool = d.pool;
    const out: Node[] = [];
    const providers: SectionNode = { kind: 'section', id: `${n.id}/providers`, parent: n, label: vscode.l10n.t('OIDC providers'), description: String(pool.openIdConnectProviderArns.length), icon: new vscode.ThemeIcon('key'), children: [] };
    providers.children = pool.openIdConnectProviderArns.length
      ? pool.openIdConnectProviderArns.map((arn) => value(providers, `provider:${arn}`, providerNameFromArn(arn) ?? arn, {
        description: arn,
        value: arn,
        icon: new vscode.ThemeIcon('key'),
        tooltip: vscode.l10n.t('{0}\nClick to show it under "OIDC providers".', arn),
        command: { command: Commands.resourcesReveal, title: vscode.l10n.t('Show the provider'), arguments: ['provider', arn] },
      }))
      : [value(providers, 'none', vscode.l10n.t('(none: no OpenID Connect provider can sign in)'), { icon: warningIcon() })];
    out.push(providers);
    const others: ValueNode[] = [];
    const otherSection: SectionNode = { kind: 'section', id: `${n.id}/otherProviders`, parent: n, label: vscode.l10n.t('Other identity providers'), icon: new vscode.ThemeIcon('link'), children: [] };
    for (const [k, v] of Object.entries(pool.supportedLoginProviders)) others.push(value(otherSection, `login:${k}`, k, { description: v, value: v }));
    for (const c of pool.cognitoIdentityProviders) others.push(value(otherSection, `cup:${c.ProviderName ?? ''}:${c.ClientId ?? ''}`, c.ProviderName ?? vscode.l10n.t('Cognito user pool'), { description: vscode.l10n.t('client {0}', c.ClientId ?? '?'), value: c.ProviderName }));
    for (const arn of pool.samlProviderArns) others.push(value(otherSection, `saml:${arn}`, arn, { description: 'SAML', value: arn }));
    if (pool.developerProviderName) others.push(value(otherSection, 'developer', pool.developerProviderName, { description: vscode.l10n.t('developer provider'), value: pool.developerProviderName }));
    if (others.length) {
      otherSection.children = others;
      otherSection.description = String(others.length);
      out.push(otherSection);
    }
    if (d.roles) {
      for (const which of ['authenticated', 'unauthenticated'] as const) {
        const arn = d.roles.roles[which];
        const label = which === 'authenticated' ? vscode.l10n.t('Authenticated role') : vscode.l10n.t('Unauthenticated role');
        out.push(arn
          ? value(n, `role:${which}`, label, {
            description: arn.slice(arn.lastIndexOf('/') + 1),
            value: arn,
            tooltip: vscode.l10n.t('{0}\nClick to show it under "Roles trusting Cognito" (or its details).', arn),
            icon: new vscode.ThemeIcon('shield'),
            command: { command: Commands.resourcesReveal, title: vscode.l10n.t('Show the role'), arguments: ['role', arn] },
          })
          : value(n, `role:${which}`, label, {
            description: vscode.l10n.t('(none)'),
            icon: which === 'authenticated' ? warningIcon() : new vscode.ThemeIcon('circle-slash'),
            tooltip: which === 'authenticated' ? vscode.l10n.t('Without an authenticated role Cognito answers "Invalid identity pool configuration".') : undefined,
          }));
      }
      // Roles by user (issue 13): each provider's role mapping, rule by rule.
      const engine = resourcesEngine();
      for (const [key, raw] of Object.entries(d.roles.roleMappings).slice(0, 20)) {
        const m = engine.fromAwsRoleMapping(raw);
        const sec: SectionNode = { kind: 'section', id: `${n.id}/mapping:${key}`, parent: n, label: vscode.l10n.t('Role mapping: {0}', key), icon: new vscode.ThemeIcon('references'), children: [] };
        if (!m) {
          sec.description = vscode.l10n.t('not readable');
          sec.children = [value(sec, 'raw', vscode.l10n.t('As Cognito returns it'), { description: JSON.stringify(raw).slice(0, 300), icon: warningIcon() })];
        } else {
          sec.description = mappingSummary(m.type === 'Rules' ? m.rules.length : undefined, m.ambiguousRoleResolution === 'Deny');
          sec.children = m.type === 'Rules'
            ? m.rules.map((r, i) => value(sec, `rule:${i}`, `${i + 1}. ${r.claim} ${r.matchType} ${JSON.stringify(r.value)}`, {
              description: r.roleArn.slice(r.roleArn.lastIndexOf('/') + 1),
              value: r.roleArn,
              icon: new vscode.ThemeIcon('shield'),
              tooltip: vscode.l10n.t('Rule {0} (first match wins): {1} -> {2}', i + 1, `${r.claim} ${r.matchType} ${JSON.stringify(r.value)}`, r.roleArn),
              command: { command: Commands.resourcesReveal, title: vscode.l10n.t('Show the role'), arguments: ['role', r.roleArn] },
            }))
            : [value(sec, 'token', vscode.l10n.t('cognito:preferred_role, or the one role in cognito:roles'), { icon: new vscode.ThemeIcon('symbol-key') })];
        }
        out.push(sec);
      }
      // Attributes for access control: each OIDC provider's claim -> session tag map.
      for (const arn of pool.openIdConnectProviderArns.slice(0, 10)) {
        const name = providerNameFromArn(arn) ?? arn;
        try {
          const tags = await s.principalTags(pool.poolId, name, this.signal());
          if (!tags) continue;
          const sec: SectionNode = { kind: 'section', id: `${n.id}/tags:${name}`, parent: n, label: vscode.l10n.t('Session tags: {0}', name), description: tags.useDefaults ? vscode.l10n.t('defaults') : String(Object.keys(tags.principalTags).length), icon: new vscode.ThemeIcon('tag'), children: [] };
          const map = tags.useDefaults && !Object.keys(tags.principalTags).length ? { client: 'aud', username: 'sub' } : tags.principalTags;
          sec.children = Object.entries(map).slice(0, 50).map(([tag, claim]) => value(sec, `tag:${tag}`, tag, { description: vscode.l10n.t('from the claim {0}', claim), value: claim, icon: new vscode.ThemeIcon('tag') }));
          out.push(sec);
        } catch (e) {
          if (isCancelled(e)) throw e;
          out.push(value(n, `tags:${name}`, vscode.l10n.t('Session tags: {0}', name), { description: describeError(e).message, icon: warningIcon() }));
        }
      }
    } else {
      out.push(errorNode(n, `${n.id}/roles`, { kind: 'poolRoles' }, {
        message: d.rolesError ?? vscode.l10n.t('GetIdentityPoolRoles failed.'),
        hint: vscode.l10n.t('Grant cognito-identity:GetIdentityPoolRoles, then refresh.'),
      }));
    }
    out.push(value(n, 'guests', vscode.l10n.t('Unauthenticated (guest) access'), {
      description: pool.allowUnauthenticated ? vscode.l10n.t('on') : vscode.l10n.t('off'),
      icon: pool.allowUnauthenticated ? warningIcon() : new vscode.ThemeIcon('lock'),
      tooltip: pool.allowUnauthenticated ? vscode.l10n.t('Anyone can get guest credentials from this pool, without signing in.') : vscode.l10n.t('Only signed-in identities get credentials.'),
    }));
    out.push(value(n, 'classic', vscode.l10n.t('Basic (classic) flow'), {
      description: pool.allowClassicFlow === undefined ? vscode.l10n.t('not reported') : pool.allowClassicFlow ? vscode.l10n.t('on') : vscode.l10n.t('off'),
      icon: new vscode.ThemeIcon(pool.allowClassicFlow ? 'unlock' : 'lock'),
      tooltip: vscode.l10n.t('AllowClassicFlow: GetOpenIdToken + STS AssumeRoleWithWebIdentity instead of GetCredentialsForIdentity.'),
    }));
    return out;
  }

  /** Roles by user: the rules (of the pools its trust names) that give signed-in users this role. */
  private async selectedBy(n: RoleNode): Promise<Node[]> {
    const s = await this.session();
    if (!s) return [];
    const out: Node[] = [];
    for (const poolId of n.summary.trust.audPools.slice(0, 10)) {
      try {
        const d = await s.poolDetails(poolId, this.signal());
        if (d.roles?.roles.authenticated === n.summary.arn) {
          out.push(value(n, `selected:${poolId}:auth`, vscode.l10n.t('Authenticated role of'), { description: d.pool.poolName || poolId, value: poolId, icon: new vscode.ThemeIcon('organization') }));
        }
        for (const [key, raw] of Object.entries(d.roles?.roleMappings ?? {})) {
          const m = resourcesEngine().fromAwsRoleMapping(raw);
          if (m?.type !== 'Rules') continue;
          m.rules.forEach((r, i) => {
            if (r.roleArn !== n.summary.arn) return;
            out.push(value(n, `selected:${poolId}:${key}:${i}`, vscode.l10n.t('Selected by rule {0}', i + 1), {
              description: `${r.claim} ${r.matchType} ${JSON.stringify(r.value)} (${d.pool.poolName || poolId}, ${key})`,
              icon: new vscode.ThemeIcon('references'),
              command: { command: Commands.resourcesReveal, title: vscode.l10n.t('Show the pool'), arguments: ['pool', poolId] },
            }));
          });
        }
      } catch (e) {
        if (isCancelled(e)) throw e;
        // The pool is not readable here (another account, deleted): its trust names it, nothing more to say.
      }
    }
    return out;
  }

  private roleChildren(n: RoleNode): Node[] {
    const r = n.summary;
    const out: Node[] = [value(n, 'arn', 'ARN', { description: r.arn, value: r.arn, icon: new vscode.ThemeIcon('symbol-string') })];
    out.push(value(n, 'trust', vscode.l10n.t('Trusted by'), { description: r.trust.summary, icon: new vscode.ThemeIcon('shield'), value: r.trust.summary }));
    for (const w of r.trust.warnings) out.push(value(n, `warning:${w.kind}`, w.kind === 'noAud' ? vscode.l10n.t('No aud condition') : w.kind === 'noAmr' ? vscode.l10n.t('No amr condition') : w.kind === 'audWildcard' ? vscode.l10n.t('Wildcard aud condition') : vscode.l10n.t('Trust policy not readable'), { description: w.message, tooltip: w.message, icon: warningIcon() }));
    for (const pool of r.trust.audPools) {
      out.push(value(n, `pool:${pool}`, vscode.l10n.t('Identity pool (aud)'), {
        description: pool,
        value: pool,
        icon: new vscode.ThemeIcon('organization'),
        command: { command: Commands.resourcesReveal, title: vscode.l10n.t('Show the pool'), arguments: ['pool', pool] },
      }));
    }
    if (r.createDate) out.push(value(n, 'created', vscode.l10n.t('Created'), { description: r.createDate.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'), icon: new vscode.ThemeIcon('calendar'), value: r.createDate }));
    if (r.path && r.path !== '/') out.push(value(n, 'path', vscode.l10n.t('Path'), { description: r.path, value: r.path }));
    if (r.description) out.push(value(n, 'description', vscode.l10n.t('Description'), { description: r.description, value: r.description }));
    return out;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(groupLabel(node.group), C.Collapsed);
        item.id = node.id;
        item.contextValue = 'group';
        item.iconPath = new vscode.ThemeIcon(GROUP_ICONS[node.group]);
        const s = this.current && 'session' in this.current ? this.current.session : undefined;
        const l = s ? this.lister(s, node.group) : undefined;
        if (l && l.items.length) item.description = `${l.items.length}${l.done ? '' : '+'}`;
        return item;
      }
      case 'provider': {
        const p = node.summary;
        const item = new vscode.TreeItem(p.url, C.Collapsed);
        item.id = node.id;
        item.contextValue = 'provider';
        const check = this.checks.get(p.arn);
        const badge = check ? `${'error' in check ? vscode.l10n.t('thumbprint check failed') : check.status === 'drift' ? `⚠ ${vscode.l10n.t('thumbprint drift')}` : check.status === 'current' ? `✓ ${vscode.l10n.t('thumbprint current')}` : vscode.l10n.t('no thumbprints')} · ` : '';
        item.description = `${badge}${p.arn}`;
        item.iconPath = check && !('error' in check) && check.status === 'drift' ? warningIcon() : new vscode.ThemeIcon('key');
        item.resourceUri = vscode.Uri.from({ scheme: DECORATION_SCHEME, path: `/provider/${encodeURIComponent(p.arn)}` });
        const md = new vscode.MarkdownString(`**${vscode.l10n.t('IAM OIDC provider')}** \`https://${p.url}\`\n\n${p.arn}`);
        if (check) md.appendMarkdown(`\n\n${'error' in check ? vscode.l10n.t('Thumbprint check failed: {0}', check.error) : check.message}`);
        item.tooltip = md;
        return this.withFindings(item, p.arn);
      }
      case 'pool': {
        const item = new vscode.TreeItem(node.summary.name || node.summary.id, C.Collapsed);
        item.id = node.id;
        item.contextValue = 'pool';
        item.description = node.summary.id;
        item.iconPath = new vscode.ThemeIcon('organization');
        item.tooltip = new vscode.MarkdownString(`**${vscode.l10n.t('Identity pool')}** ${mdEscape(node.summary.name)}\n\n\`${node.summary.id}\``);
        return this.withFindings(item, node.summary.id);
      }
      case 'role': {
        const r = node.summary;
        const item = new vscode.TreeItem(r.name, C.Collapsed);
        item.id = node.id;
        item.contextValue = 'role';
        const warned = r.trust.warnings.length > 0;
        item.description = `${warned ? `⚠ ${r.trust.warnings.map((w) => (w.kind === 'noAud' ? vscode.l10n.t('no aud') : w.kind === 'noAmr' ? vscode.l10n.t('no amr') : w.kind === 'audWildcard' ? 'aud *' : vscode.l10n.t('unreadable'))).join(', ')} · ` : ''}${r.trust.summary}`;
        item.iconPath = warned ? warningIcon() : new vscode.ThemeIcon('shield');
        const md = new vscode.MarkdownString(`**${vscode.l10n.t('IAM role')}** ${r.name}\n\n${r.arn}\n\n${vscode.l10n.t('Trusted by: {0}', r.trust.summary)}`);
        for (const w of r.trust.warnings) md.appendMarkdown(`\n\n$(warning) ${w.message}`);
        md.supportThemeIcons = true;
        item.tooltip = md;
        return this.withFindings(item, r.arn);
      }
      case 'section': {
        const item = new vscode.TreeItem(node.label, C.Expanded);
        item.id = node.id;
        item.contextValue = 'section';
        item.description = node.description;
        item.iconPath = node.icon;
        return item;
      }
      case 'value': {
        const item = new vscode.TreeItem(node.label, C.None);
        item.id = node.id;
        item.contextValue = node.value !== undefined ? 'value' : 'info';
        item.description = node.description;
        item.tooltip = node.tooltip ?? (node.description ? `${node.label}: ${node.description}` : undefined);
        item.iconPath = node.icon;
        item.command = node.command;
        return item;
      }
      case 'loadMore': {
        const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), C.None);
        item.id = node.id;
        item.contextValue = 'loadMore';
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        const s = this.current && 'session' in this.current ? this.current.session : undefined;
        const l = s ? this.lister(s, node.group) : undefined;
        item.description = node.group === 'roles' && s ? vscode.l10n.t('{0} found in {1} roles scanned', l?.items.length ?? 0, s.rolesScanned) : vscode.l10n.t('{0} shown', l?.items.length ?? 0);
        item.command = { command: Commands.resourcesLoadMore, title: vscode.l10n.t('Load more'), arguments: [node.group] };
        return item;
      }
      case 'placeholder': {
        const item = new vscode.TreeItem(node.label, C.None);
        item.id = node.id;
        item.contextValue = 'placeholder';
        item.iconPath = new vscode.ThemeIcon(node.loading ? 'loading~spin' : 'info');
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(failedLabel(node.what, true), C.None);
        item.id = node.id;
        item.contextValue = 'error';
        item.description = node.message;
        item.tooltip = `${node.message}\n${node.hint}`.trim();
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.command = { command: Commands.resourcesRefresh, title: vscode.l10n.t('Retry'), arguments: [node] };
        return item;
      }
    }
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== DECORATION_SCHEME || !uri.path.startsWith('/provider/')) return undefined;
    const check = this.checks.get(decodeURIComponent(uri.path.slice('/provider/'.length)));
    if (!check) return undefined;
    if ('error' in check) return new vscode.FileDecoration('?', vscode.l10n.t('Thumbprint check failed: {0}', check.error));
    if (check.status === 'drift') return new vscode.FileDecoration('!', vscode.l10n.t('Thumbprint drift: the host presents a thumbprint the provider does not list'), new vscode.ThemeColor('list.warningForeground'));
    return new vscode.FileDecoration('✓', check.status === 'current' ? vscode.l10n.t('The provider lists the current thumbprint') : vscode.l10n.t('No thumbprints: IAM trusts the root CA'));
  }

  // ---- for the commands ---------------------------------------------------------------------------

  labelOf(node: Node): string {
    switch (node.kind) {
      case 'group': return groupLabel(node.group);
      case 'provider': return node.summary.url;
      case 'pool': return node.summary.name || node.summary.id;
      case 'role': return node.summary.name;
      case 'section': case 'value': case 'placeholder': return node.label;
      case 'loadMore': return vscode.l10n.t('Load more');
      case 'error': return failedLabel(node.what, false);
    }
  }

  /** Records a thumbprint check and redraws the provider (description, badge, child). */
  setThumbprintCheck(arn: string, check: ThumbprintCheck | { error: string }): void {
    this.checks.set(arn, check);
    const node = this.items.get(`provider:${arn}`);
    this.decorationsChanged.fire([vscode.Uri.from({ scheme: DECORATION_SCHEME, path: `/provider/${encodeURIComponent(arn)}` })]);
    if (node) this.changed.fire(node);
  }

  /** Records an audit's findings (replacing the last audit's) and redraws the tree. */
  setFindings(byResource: ReadonlyMap<string, Finding[]>): void {
    this.findings.clear();
    for (const [k, v] of byResource) this.findings.set(k, v);
    this.changed.fire(undefined);
  }

  /** The last audit's findings of a resource (provider ARN, pool id, role ARN). */
  findingsOf(id: string): readonly Finding[] {
    return this.findings.get(id) ?? [];
  }

  /** A resource's item with its audit findings: the worst severity's icon, a count, the messages in the tooltip. */
  private withFindings(item: vscode.TreeItem, id: string): vscode.TreeItem {
    const fs = this.findings.get(id);
    const sev = fs && resourcesEngine().worstSeverity(fs);
    if (!fs || !sev) return item;
    item.iconPath = severityIcon(sev);
    const count = fs.length === 1 ? vscode.l10n.t('1 finding') : vscode.l10n.t('{0} findings', fs.length);
    item.description = `${sev === 'info' ? 'ⓘ' : '⚠'} ${count} · ${typeof item.description === 'string' ? item.description : ''}`;
    const md = item.tooltip instanceof vscode.MarkdownString ? item.tooltip : new vscode.MarkdownString(typeof item.tooltip === 'string' ? mdEscape(item.tooltip) : '');
    md.supportThemeIcons = true;
    for (const f of fs) md.appendMarkdown(`\n\n$(${f.severity === 'info' ? 'info' : f.severity}) **${f.code}**: ${mdEscape(f.message)}`);
    item.tooltip = md;
    return item;
  }

  /** A resource's audit findings as the first children of its node. */
  private findingNodes(n: ResourceNode): Node[] {
    return this.findingsOf(findingKey(n)).map((f, i) =>
      value(n, `finding:${i}`, f.code, { description: f.message, tooltip: `${f.severity}: ${f.message}`, icon: severityIcon(f.severity) }));
  }

  thumbprintCheck(arn: string): ThumbprintCheck | { error: string } | undefined {
    return this.checks.get(arn);
  }

  /** A listed resource's node by its tree id (provider:ARN, pool:ID, role:NAME). */
  findNode(id: string): ResourceNode | undefined {
    return this.items.get(id);
  }

  /** Listed resources of the given kinds (for the palette's pickers). */
  loadedResources(kinds: readonly ResourceKind[]): ResourceNode[] {
    return [...this.items.values()].filter((n) => kinds.includes(n.kind));
  }

  /** Makes sure each group has its first page (for pickers run from the palette before the view was opened). */
  async loadFirstPages(groups: readonly GroupKind[]): Promise<void> {
    const s = await this.session();
    if (!s) return;
    await Promise.all(groups.map(async (group) => {
      const g = this.groups[group];
      const l = this.lister(s, group);
      if (!l.items.length && !l.done) await this.loadPage(s, g);
      for (const x of l.items) this.itemNode(g, x);
    }));
  }

  /**
   * Shows a resource's node in the tree (TreeView.reveal, which walks getParent). Providers are
   * all known after one call; pools and roles are searched in what the tree has loaded (plus the
   * first page). Returns false when the resource is not in the tree.
   */
  async reveal(kind: ResourceKind, idOrArn: string, expand = false): Promise<boolean> {
    const s = await this.session();
    if (!s) return false;
    const group = kind === 'provider' ? 'providers' : kind === 'pool' ? 'pools' : 'roles';
    const g = this.groups[group];
    const lister = this.lister(s, group);
    const key = kind === 'role' ? idOrArn.slice(idOrArn.lastIndexOf('/') + 1) : idOrArn;
    const match = (x: ProviderSummary | PoolSummary | RoleSummary) => (kind === 'provider' ? (x as ProviderSummary).arn : kind === 'pool' ? (x as PoolSummary).id : (x as RoleSummary).name) === key;
    const before = lister.items.length;
    if (!lister.items.length && !lister.done) await this.loadPage(s, g);
    // Providers come from one call: later pages cost nothing, so page until found.
    while (kind === 'provider' && !lister.items.some(match) && !lister.done && !this.groupErrors.has(group)) await this.loadPage(s, g);
    const found = lister.items.find(match);
    if (!found) return false;
    const node = this.itemNode(g, found);
    // Redraw the group only when it got new items (a refresh drops the handles of its expanded children).
    if (lister.items.length !== before) this.changed.fire(g);
    await this.view.reveal(node, { select: true, focus: true, expand });
    return true;
  }

  dispose(): void {
    if (this.current && 'controller' in this.current) this.current.controller.abort();
    for (const d of this.disposables) d.dispose();
  }
}

/** The key of a resource in the audit's findings: provider ARN, pool id, role ARN. */
function findingKey(n: ResourceNode): string {
  return n.kind === 'pool' ? n.summary.id : n.summary.arn;
}

function resourceId(n: ResourceNode): string {
  return n.kind === 'provider' ? n.summary.arn : n.kind === 'pool' ? n.summary.id : n.summary.name;
}

/**
 * A role mapping's description: how many rules (undefined: the token's role) and what happens
 * when none matches; a whole message for each.
 */
function mappingSummary(rules: number | undefined, deny: boolean): string {
  if (rules === undefined) return deny ? vscode.l10n.t('the token\'s role, else deny the sign-in') : vscode.l10n.t('the token\'s role, else the authenticated role');
  if (rules === 1) return deny ? vscode.l10n.t('1 rule, else deny the sign-in') : vscode.l10n.t('1 rule, else the authenticated role');
  return deny ? vscode.l10n.t('{0} rules, else deny the sign-in', rules) : vscode.l10n.t('{0} rules, else the authenticated role', rules);
}

function value(parent: Node, key: string, label: string, o: Omit<Partial<ValueNode>, 'kind' | 'id' | 'parent' | 'label'> = {}): ValueNode {
  return { kind: 'value', id: `${parent.id}/${key}`, parent, label, ...o };
}

function errorNode(parent: Node | undefined, key: string, what: ErrorSubject, e: { message: string; hint: string }): ErrorNode {
  return { kind: 'error', id: `${key}/error`, parent, what, message: e.message, hint: e.hint };
}
