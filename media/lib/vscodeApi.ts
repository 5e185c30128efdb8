/** The webview side of the VS Code API (typed). */
export interface VsCodeApi<State, Out> {
  postMessage(message: Out): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State, Out>(): VsCodeApi<State, Out>;

export function vscodeApi<State, Out>(): VsCodeApi<State, Out> {
  return acquireVsCodeApi<State, Out>();
}

/** Builds an element: h('div', {class: 'x'}, 'text', child). Text is always set as text, never as HTML. */
export function h(tag: string, attrs: Record<string, string | undefined> = {}, ...children: Array<Node | string | undefined>): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  for (const c of children) if (c !== undefined) el.append(c);
  return el;
}
