import * as vscode from 'vscode';
import { redact } from '../engine/redact';

/**
 * The extension's one logger: a LogOutputChannel ("Auth0 Cognito"), component tags,
 * everything passed through redact() so no token, secret or credential is ever printed.
 */
export class Logger implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor(name = 'Auth0 Cognito') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  info(component: string, message: string): void {
    this.channel.info(`[${component}] ${redact(message)}`);
  }

  warn(component: string, message: string): void {
    this.channel.warn(`[${component}] ${redact(message)}`);
  }

  error(component: string, message: string, e?: unknown): void {
    const detail = e instanceof Error ? ` (${e.name}: ${e.message})` : e !== undefined ? ` (${String(e)})` : '';
    this.channel.error(`[${component}] ${redact(message + detail)}`);
  }

  debug(component: string, message: string): void {
    this.channel.debug(`[${component}] ${redact(message)}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
