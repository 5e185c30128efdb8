/**
 * Commands for the in-host tests only: the wizard's state and the resources tree as plain data.
 *
 * Not part of the product: src/vscode/commands.ts registers them only when
 * `process.env.A0C_TEST_HOOKS === '1'`, which esbuild.mjs defines as "1" in development builds
 * (what the in-host and UI tests run) and as "0" in production builds, where the minifier then
 * drops this module entirely (test/unit/package/bundle.test.ts checks the production bundle for these names).
 */
import * as vscode from 'vscode';
import type { ResourceSession } from '../engine/resources';
import type { Node, ResourcesView } from './resourcesView';
import type { WizardView } from './wizard';

/** The test-only command ids (not contributed in package.json). */
export const TestCommands = {
  /** The wizard's state, as the webview gets it. */
  wizardState: 'auth0Cognito.wizard.debugState',
  /** Calls one of the wizard's public actions and returns what it returns (what a webview message would start), awaited. */
  wizardCall: 'auth0Cognito.wizard.debugCall',
  /** The resources tree as plain data; argument `{ expand: string[] }` (node ids whose children to include). */
  resourcesSnapshot: 'auth0Cognito.resources.debugSnapshot',
} as const;

/** A tree node as plain data. */
export interface SnapshotNode {
  id: string;
  kind: Node['kind'];
  label: string;
  description?: string | undefined;
  tooltip?: string | undefined;
  contextValue?: string | undefined;
  command?: { command: string; arguments?: unknown[] } | undefined;
  icon?: string | undefined;
  children?: SnapshotNode[] | undefined;
}

export interface ResourcesSnapshot {
  description: string | undefined;
  state: string | undefined;
  stats: unknown;
  selection: string[];
  /** How often VS Code itself (not the snapshot) asked for a node's children, by node id ('root' for the groups). */
  fetchedByVsCode: Record<string, number>;
  nodes: SnapshotNode[];
}

/** What the hooks read of the views' private state (TypeScript's `private` is compile-time only). */
interface ResourcesInternals {
  state: string | undefined;
  current: { session: ResourceSession } | { error: unknown } | undefined;
  children(node?: Node): Promise<Node[]>;
}

const text = (v: string | vscode.MarkdownString | undefined) => (typeof v === 'string' ? v : v?.value);

/** The test-only commands' handlers, by id (src/vscode/commands.ts registers them in development builds). */
export function testHookCommands(views: { wizard: WizardView; resources: ResourcesView }): Record<string, (...args: unknown[]) => unknown> {
  const { wizard, resources } = views;
  const internals = resources as unknown as ResourcesInternals;
  // Count VS Code's own calls: the tree view calls the provider's getChildren at call time.
  const fetchedByVsCode = new Map<string, number>();
  const getChildren = resources.getChildren.bind(resources);
  resources.getChildren = (node?: Node) => {
    const key = node?.id ?? 'root';
    fetchedByVsCode.set(key, (fetchedByVsCode.get(key) ?? 0) + 1);
    return getChildren(node);
  };

  const snapshot = async (expand: readonly string[]): Promise<ResourcesSnapshot> => {
    const walk = async (nodes: Node[], depth: number): Promise<SnapshotNode[]> => Promise.all(nodes.map(async (n) => {
      const item = resources.getTreeItem(n);
      const open = n.kind === 'group' || n.kind === 'section' || expand.includes(n.id);
      const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
      return {
        id: n.id,
        kind: n.kind,
        label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
        description: typeof item.description === 'string' ? item.description : undefined,
        tooltip: text(item.tooltip),
        contextValue: item.contextValue,
        command: item.command ? { command: item.command.command, arguments: item.command.arguments } : undefined,
        icon,
        children: open && depth < 6 ? await walk(await internals.children(n), depth + 1) : undefined,
      };
    }));
    const nodes = await walk(await internals.children(undefined), 0);
    const cur = internals.current;
    const s = cur && 'session' in cur ? cur.session : undefined;
    return {
      description: resources.view.description,
      state: internals.state,
      stats: s ? { ...s.stats, byAction: { ...s.stats.byAction } } : undefined,
      selection: resources.view.selection.map((n) => n.id),
      fetchedByVsCode: Object.fromEntries(fetchedByVsCode),
      nodes,
    };
  };

  return {
    [TestCommands.wizardState]: () => wizard.controller().state,
    [TestCommands.wizardCall]: async (method: unknown, ...args: unknown[]) => {
      const allowed = ['useToken', 'addRule', 'removeRule', 'setMappingType', 'setAmbiguous', 'setDefaultTags', 'plan', 'apply', 'openActionCode', 'checkAll'] as const;
      if (typeof method !== 'string' || !(allowed as readonly string[]).includes(method)) throw new Error(`not a wizard action: ${String(method)}`);
      const ctl = wizard.controller();
      const fn = (ctl as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!;
      const r = await fn.apply(ctl, args);
      // Documents (the Action code) as their text: a TextDocument does not cross the command boundary.
      return r && typeof r === 'object' && 'getText' in r ? { languageId: (r as vscode.TextDocument).languageId, text: (r as vscode.TextDocument).getText() } : r;
    },
    [TestCommands.resourcesSnapshot]: (opts?: unknown) => {
      const expand = typeof opts === 'object' && opts !== null && Array.isArray((opts as { expand?: unknown }).expand)
        ? ((opts as { expand: unknown[] }).expand.filter((x): x is string => typeof x === 'string')) : [];
      return snapshot(expand);
    },
  };
}
