/**
 * Inside a real VS Code: the webview host's handshake (src/vscode/webviewHost.ts) and the one
 * cancellation bridge (src/vscode/progress.ts), with a stand-in page and real cancellation tokens.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runWithSignal, withCancellableProgress } from '../../../src/vscode/progress';
import { BusyRunner, WebviewHost, type BusyState, type WebviewSurface } from '../../../src/vscode/webviewHost';
import type { Logger } from '../../../src/vscode/logger';

/** A page that records what it is sent and lets the test say "ready", hide it, show it and close it. */
function fakePage() {
  const receive = new vscode.EventEmitter<unknown>();
  const visibility = new vscode.EventEmitter<void>();
  const disposed = new vscode.EventEmitter<void>();
  const posted: unknown[] = [];
  let visible = true;
  const webview = {
    options: {},
    html: '',
    cspSource: 'vscode-resource:',
    asWebviewUri: (u: vscode.Uri) => u,
    onDidReceiveMessage: receive.event,
    postMessage: (m: unknown) => {
      posted.push(m);
      return Promise.resolve(true);
    },
  } as unknown as vscode.Webview;
  const surface: WebviewSurface = { webview, get visible() { return visible; }, onDidChangeVisibility: visibility.event, onDidDispose: disposed.event };
  return {
    surface,
    posted,
    say: (m: unknown) => receive.fire(m),
    hide: () => { visible = false; visibility.fire(); },
    show: () => { visible = true; visibility.fire(); },
    close: () => disposed.fire(),
  };
}

const warnings: string[] = [];
const log = { warn: (_t: string, m: string) => warnings.push(m), info: () => undefined, error: () => undefined } as unknown as Logger;

type ViewMsg = { type: 'ready' } | { type: 'ping'; n: number };
const parse = (m: unknown): ViewMsg | undefined => {
  const o = m as { type?: unknown; n?: unknown };
  if (o?.type === 'ready') return { type: 'ready' };
  if (o?.type === 'ping' && typeof o.n === 'number') return { type: 'ping', n: o.n };
  return undefined;
};

describe('WebviewHost (ready handshake, re-post after re-show)', () => {
  it('posts nothing before "ready", the state on "ready", and again when a hidden page says "ready" again', () => {
    const page = fakePage();
    let state = { n: 1 };
    const got: ViewMsg[] = [];
    let closed = 0;
    const host = new WebviewHost<{ n: number }, ViewMsg>({
      extensionUri: vscode.Uri.file('/ext'), script: 'wizard', title: 'T', log, topic: 'test', parse,
      state: () => state, onMessage: (m) => got.push(m), onDidDispose: () => closed++,
    });
    host.attach(page.surface);
    assert.match(page.surface.webview.html, /dist\/webview\/wizard\.js/);
    assert.equal(host.post({ type: 'state', state }), false, 'not ready: nothing sent');
    host.postState();
    assert.deepEqual(page.posted, []);

    page.say({ type: 'ready' });
    assert.equal(host.isReady, true);
    assert.deepEqual(page.posted, [{ type: 'state', state: { n: 1 } }]);
    state = { n: 2 };
    host.postState();
    assert.deepEqual(page.posted.at(-1), { type: 'state', state: { n: 2 } });

    // Hidden: the page is torn down; nothing is posted until it says "ready" again.
    page.hide();
    state = { n: 3 };
    host.postState();
    assert.equal(page.posted.length, 2);
    page.show();
    host.postState();
    assert.equal(page.posted.length, 2, 'shown but not ready yet');
    page.say({ type: 'ready' });
    assert.deepEqual(page.posted.at(-1), { type: 'state', state: { n: 3 } });

    // Messages go through the parser: unknown ones are dropped with a warning.
    const before = warnings.length;
    page.say({ type: 'ping', n: 7 });
    page.say({ type: 'rm -rf' });
    assert.deepEqual(got, [{ type: 'ping', n: 7 }]);
    assert.equal(warnings.length, before + 1);

    page.close();
    assert.equal(closed, 1);
    assert.equal(host.attached, false);
    host.postState();
    assert.equal(page.posted.length, 3, 'nothing posted after the page closed');
  });

  it('uses the given state message (the thumbprint panel posts { type: "show" })', () => {
    const page = fakePage();
    const host = new WebviewHost<string, ViewMsg, { type: 'show'; result: string }>({
      extensionUri: vscode.Uri.file('/ext'), script: 'thumbprint', title: 'T', log, topic: 'test', parse,
      state: () => 'r', stateMessage: (result) => ({ type: 'show', result }), onMessage: () => undefined,
    });
    host.attach(page.surface);
    page.say({ type: 'ready' });
    assert.deepEqual(page.posted, [{ type: 'show', result: 'r' }]);
    host.dispose();
  });
});

describe('withCancellableProgress (the one cancellation -> AbortSignal bridge)', () => {
  it('aborts the signal when the token is cancelled, and lets go of the token after', async () => {
    const source = new vscode.CancellationTokenSource();
    let seen: AbortSignal | undefined;
    const p = runWithSignal(source.token, undefined, (signal) => {
      seen = signal;
      return new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('aborted')));
    });
    assert.equal(seen?.aborted, false);
    source.cancel();
    assert.equal(await p, 'aborted');
    assert.equal(seen?.aborted, true);
    source.dispose();
  });

  it('aborts when the outer signal aborts (a newer action, the view closing), and starts aborted when it already is', async () => {
    const outer = new AbortController();
    const p = runWithSignal(undefined, outer.signal, (signal) => new Promise<boolean>((resolve) => signal.addEventListener('abort', () => resolve(signal.aborted))));
    outer.abort();
    assert.equal(await p, true);
    assert.equal(await runWithSignal(undefined, outer.signal, async (signal) => signal.aborted), true);
    const cancelled = new vscode.CancellationTokenSource();
    cancelled.cancel();
    assert.equal(await runWithSignal(cancelled.token, undefined, async (signal) => signal.aborted), true);
  });

  it('runs the task under one progress indicator and returns its value; the outer signal cancels it', async () => {
    assert.equal(await withCancellableProgress({ location: vscode.ProgressLocation.Window, title: 'test' }, async (signal) => (signal.aborted ? 'no' : 'yes')), 'yes');
    const outer = new AbortController();
    const p = withCancellableProgress({ location: vscode.ProgressLocation.Notification, title: 'test', signal: outer.signal },
      (signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))));
    outer.abort();
    await assert.rejects(Promise.resolve(p), /aborted/);
  });
});

describe('BusyRunner (one action at a time)', () => {
  it('a new action aborts the running one; the state shows busy, then the error of a failure', async () => {
    const state: BusyState = { busy: undefined, error: undefined };
    const posts: (string | undefined)[] = [];
    const runner = new BusyRunner({ state: () => state, post: () => posts.push(state.busy), log, topic: 'test' });
    let firstAborted = false;
    const first = runner.run('first', { location: vscode.ProgressLocation.Window }, (signal) => new Promise<void>((resolve) => {
      signal.addEventListener('abort', () => { firstAborted = true; resolve(); });
    }));
    assert.equal(state.busy, 'first');
    let fail: ((e: Error) => void) | undefined;
    const second = runner.run('second', { location: vscode.ProgressLocation.Window }, () => new Promise<void>((_r, reject) => { fail = reject; }));
    await first;
    assert.equal(firstAborted, true);
    assert.equal(state.busy, 'second', 'the replaced action does not clear the running one\'s label');
    while (!fail) await new Promise((r) => setTimeout(r, 10));
    fail(new Error('boom'));
    await second;
    assert.equal(state.busy, undefined);
    assert.equal(state.error?.message.includes('boom'), true, JSON.stringify(state.error));
    assert.deepEqual(posts.slice(0, 2), ['first', 'second']);
  });
});
