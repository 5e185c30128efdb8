import * as vscode from 'vscode';
import { describeError, isCancelled } from '../engine/errors';
import type { Logger } from './logger';
import { withCancellableProgress, type CancellableProgressOptions } from './progress';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** What the host needs of a webview panel or a sidebar webview view. */
export interface WebviewSurface {
  readonly webview: vscode.Webview;
  readonly visible: boolean;
  readonly onDidChangeVisibility: vscode.Event<unknown>;
  readonly onDidDispose: vscode.Event<void>;
}

export function panelSurface(panel: vscode.WebviewPanel): WebviewSurface {
  return { webview: panel.webview, get visible() { return panel.visible; }, onDidChangeVisibility: panel.onDidChangeViewState, onDidDispose: panel.onDidDispose };
}

export function viewSurface(view: vscode.WebviewView): WebviewSurface {
  return { webview: view.webview, get visible() { return view.visible; }, onDidChangeVisibility: view.onDidChangeVisibility, onDidDispose: view.onDidDispose };
}

export interface WebviewHostOptions<State, ViewMsg extends { type: string }, HostMsg> {
  extensionUri: vscode.Uri;
  /** The page's script (dist/webview/<script>.js) and title. */
  script: string;
  title: string;
  log: Logger;
  /** The log topic ("wizard", "inspector", ...). */
  topic: string;
  /** The protocol's parser for this view's messages (src/shared/protocol.ts): anything else is ignored. */
  parse: (raw: unknown) => ViewMsg | undefined;
  /** What the page shows now; posted whenever the page says "ready" (first load, and after it was hidden and shown again). */
  state: () => State | undefined;
  /** The message that carries the state (default `{ type: 'state', state }`). */
  stateMessage?: (state: State) => HostMsg;
  /** Every parsed message but "ready". */
  onMessage: (m: Exclude<ViewMsg, { type: 'ready' }>) => void;
  /** The panel or view went away (closed by the user, or disposed). */
  onDidDispose?: () => void;
}

/**
 * The host side of one webview (a panel or a sidebar view): sets the HTML, waits for the page's
 * "ready", posts only to a page that is ready, posts the state again when a hidden page (torn
 * down: no retainContextWhenHidden) says "ready" again, parses every message with the
 * protocol's parser, and cleans up.
 */
export class WebviewHost<State, ViewMsg extends { type: string }, HostMsg = { type: 'state'; state: State }> implements vscode.Disposable {
  private surface: WebviewSurface | undefined;
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private subs: vscode.Disposable[] = [];

  constructor(private readonly o: WebviewHostOptions<State, ViewMsg, HostMsg>) {}

  /** True while a page is attached and has said "ready" since it was last shown. */
  get isReady(): boolean {
    return this.ready;
  }

  get attached(): boolean {
    return this.surface !== undefined;
  }

  /** Opens the panel (or reveals the one already open) and attaches to it. */
  showPanel(viewType: string, title: string, show: { viewColumn: vscode.ViewColumn; preserveFocus?: boolean } = { viewColumn: vscode.ViewColumn.Active }): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(viewType, title, show, webviewOptions(this.o.extensionUri));
    this.attach(panelSurface(panel));
    this.panel = panel;
    return panel;
  }

  /** Takes over a page: sets its options and HTML; it is not ready until it says so. */
  attach(surface: WebviewSurface): void {
    this.detach();
    this.surface = surface;
    this.ready = false;
    surface.webview.options = webviewOptions(this.o.extensionUri);
    surface.webview.html = webviewHtml(surface.webview, this.o.extensionUri, this.o.script, this.o.title);
    this.subs.push(
      surface.webview.onDidReceiveMessage((m: unknown) => this.receive(surface, m)),
      // A hidden page is torn down; it says "ready" again when shown, and gets the state then.
      surface.onDidChangeVisibility(() => { if (this.surface === surface && !surface.visible) this.ready = false; }),
      surface.onDidDispose(() => {
        if (this.surface !== surface) return;
        this.detach();
        this.o.onDidDispose?.();
      }),
    );
  }

  /** Posts the current state, if the page is ready (else it gets it when it says "ready"). */
  postState(): void {
    const s = this.o.state();
    if (s === undefined) return;
    this.post(this.o.stateMessage ? this.o.stateMessage(s) : ({ type: 'state', state: s } as HostMsg));
  }

  /** Posts `m` to a ready page; false (nothing sent) otherwise. */
  post(m: HostMsg): boolean {
    if (!this.surface || !this.ready) return false;
    void this.surface.webview.postMessage(m);
    return true;
  }

  private receive(surface: WebviewSurface, raw: unknown): void {
    if (this.surface !== surface) return;
    const m = this.o.parse(raw);
    if (!m) {
      this.o.log.warn(this.o.topic, 'ignored an unexpected message from the webview');
      return;
    }
    if (m.type === 'ready') {
      this.ready = true;
      this.postState();
      return;
    }
    this.o.onMessage(m as Exclude<ViewMsg, { type: 'ready' }>);
  }

  private detach(): void {
    this.surface = undefined;
    this.panel = undefined;
    this.ready = false;
    while (this.subs.length) this.subs.pop()?.dispose();
  }

  /** Closes the panel (a sidebar view stays; only the host lets go of it). */
  dispose(): void {
    const panel = this.panel;
    const had = this.surface !== undefined;
    this.detach();
    panel?.dispose();
    if (had) this.o.onDidDispose?.();
  }
}

/** A view state that shows what the host is doing and the last error. */
export interface BusyState {
  busy: string | undefined;
  error: { message: string; hint: string } | undefined;
}

/**
 * One action at a time for a webview host: a new action aborts the running one; the state says
 * what runs (`busy`) and what failed (`error`, a message with a hint); one progress indicator
 * per action, whose Cancel button (and cancel()) aborts the action's signal.
 */
export class BusyRunner {
  private running: AbortController | undefined;

  constructor(private readonly o: { state: () => BusyState | undefined; post: () => void; log: Logger; topic: string }) {}

  /** Aborts the running action, if any. */
  cancel(): void {
    this.running?.abort();
  }

  async run(label: string, progress: Omit<CancellableProgressOptions, 'title' | 'signal'>, fn: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const s = this.o.state();
    if (!s) return;
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    s.busy = label;
    s.error = undefined;
    this.o.post();
    try {
      await withCancellableProgress({ ...progress, title: label, signal: controller.signal }, (signal) => fn(signal));
    } catch (e) {
      if (!isCancelled(e)) {
        const d = describeError(e);
        s.error = { message: d.message, hint: d.hint };
        this.o.log.error(this.o.topic, d.message, d.code === 'INTERNAL' ? e : undefined);
      }
    } finally {
      // An action that a newer one replaced leaves the newer one's label alone.
      if (this.running === controller) {
        this.running = undefined;
        s.busy = undefined;
      }
      this.o.post();
    }
  }
}
