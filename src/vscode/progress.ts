import * as vscode from 'vscode';

/** What a task gets to report: a message under the progress title. */
export type ProgressReporter = vscode.Progress<{ message?: string; increment?: number }>;

export interface CancellableProgressOptions {
  /** A notification (with a Cancel button), the status bar, or a view's progress bar (`{ viewId }`). */
  location: vscode.ProgressLocation | { viewId: string };
  title?: string;
  /** Show VS Code's Cancel button (notifications only). Default: true. */
  cancellable?: boolean;
  /** Also abort when this signal aborts (a newer action, the view closing, the view's own Cancel button). */
  signal?: AbortSignal;
}

/** The part of a CancellationToken the bridge needs. */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): { dispose(): unknown };
}

/**
 * Runs `task` with an AbortSignal that aborts when `token` is cancelled or `outer` aborts: the
 * one bridge from VS Code's cancellation to the engine's AbortSignal. Listeners are removed when
 * the task settles.
 */
export async function runWithSignal<T>(token: CancellationLike | undefined, outer: AbortSignal | undefined, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const sub = token?.onCancellationRequested(abort);
  if (token?.isCancellationRequested) abort();
  if (outer?.aborted) abort();
  outer?.addEventListener('abort', abort);
  try {
    return await task(controller.signal);
  } finally {
    sub?.dispose();
    outer?.removeEventListener('abort', abort);
  }
}

/**
 * One progress indicator for one action, and its cancellation as an AbortSignal for the engine:
 * VS Code's Cancel button (and `options.signal`) abort the signal the task gets.
 */
export function withCancellableProgress<T>(
  options: CancellableProgressOptions,
  task: (signal: AbortSignal, progress: ProgressReporter) => Promise<T>,
): Thenable<T> {
  const { signal, cancellable = true, ...rest } = options;
  const location = rest.location;
  // VS Code shows a Cancel button on notifications only.
  const showCancel = cancellable && location === vscode.ProgressLocation.Notification;
  return vscode.window.withProgress({ ...rest, cancellable: showCancel }, (progress, token) =>
    runWithSignal(token, signal, (s) => task(s, progress)));
}
