import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Settings } from '../shared/settings';
import type { TrustSettings } from '../engine/trust';
import { trustEngine } from './load/trust';

export interface AwsSettings {
  region: string;
  profile: string | undefined;
  endpoint: string | undefined;
}

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(Settings.section);
}

/**
 * Settings a repository must not be able to set: where AWS calls (and the user's ID token, in
 * `Logins`) go, which CA the extension trusts, and which credentials it uses. package.json gives
 * them `machine` scope and lists them in `restrictedConfigurations`, so VS Code ignores workspace
 * values; they are read here from the user (or remote machine) settings only, whatever VS Code
 * hands back, and a workspace value is reported in the log once.
 */
export const MACHINE_SETTINGS: readonly string[] = [Settings.awsEndpoint, Settings.extraCaCertificates, Settings.awsProfile];

type WarnSink = (message: string) => void;
let warnSink: WarnSink | undefined;
const warned = new Set<string>();
/** Machine settings (full ids) found in the workspace's settings files by the last scan. */
let inWorkspaceFiles: string[] = [];

function warnOnce(id: string, message: string): void {
  if (warned.has(id)) return;
  warned.add(id);
  warnSink?.(message);
}

function ignoredMessage(setting: string, where: string): string {
  return `ignoring ${setting} in ${where}: it is read from the user settings only, so a repository cannot redirect `
    + 'the AWS calls (and the ID token), pick the AWS credentials, or add a trusted CA';
}

/** Where warnings about ignored workspace values go (the extension's log). */
export function reportIgnoredSettingsTo(sink: WarnSink): void {
  warnSink = sink;
}

/** The machine settings (full ids) that this workspace sets, and that are therefore ignored. */
export function ignoredWorkspaceSettings(): string[] {
  const c = cfg();
  const fromApi = MACHINE_SETTINGS.filter((key) => {
    const i = c.inspect(key);
    return i !== undefined && (i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined);
  }).map((key) => `${Settings.section}.${key}`);
  return [...new Set([...fromApi, ...inWorkspaceFiles])].sort();
}

/** The machine settings a settings file's text names (comments and all: this is only for a warning). */
export function machineSettingsNamedIn(text: string): string[] {
  return MACHINE_SETTINGS.map((key) => `${Settings.section}.${key}`)
    .filter((id) => new RegExp(`"${id.replace(/\./g, '\\.')}"\\s*:`).test(text));
}

/**
 * VS Code does not hand workspace values of `machine` settings to the extension at all, so the
 * workspace's settings files are read to say so: once in the log per setting and file, and in the
 * wizard. Scans now, and again when a settings file or the folders change; `onChange` is called
 * after each scan.
 */
export function watchWorkspaceSettings(onChange: () => void): vscode.Disposable {
  let generation = 0;
  const scan = async (): Promise<void> => {
    const mine = ++generation;
    const files: vscode.Uri[] = (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'));
    const wsFile = vscode.workspace.workspaceFile;
    if (wsFile && wsFile.scheme !== 'untitled') files.push(wsFile);
    const found = new Set<string>();
    for (const uri of files) {
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue; // no such file
      }
      for (const id of machineSettingsNamedIn(text)) {
        found.add(id);
        warnOnce(`${id}@${uri.toString()}`, ignoredMessage(id, uri.scheme === 'file' ? uri.fsPath : uri.toString()));
      }
    }
    if (mine !== generation) return;
    inWorkspaceFiles = [...found].sort();
    onChange();
  };
  const rescan = (): void => { void scan(); };
  const watcher = vscode.workspace.createFileSystemWatcher('**/{.vscode/settings.json,*.code-workspace}');
  const subs = [
    watcher,
    watcher.onDidCreate(rescan),
    watcher.onDidChange(rescan),
    watcher.onDidDelete(rescan),
    vscode.workspace.onDidChangeWorkspaceFolders(rescan),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(Settings.section)) rescan(); }),
  ];
  rescan();
  return vscode.Disposable.from(...subs);
}

/** A value of a machine setting from the user/remote settings only; workspace values are ignored (and logged once). */
function userValue<T>(key: string, fallback: T): T {
  const i = cfg().inspect<T>(key);
  if (!i) return fallback;
  const ignored = [i.workspaceValue, i.workspaceFolderValue].find((v) => v !== undefined);
  if (ignored !== undefined) warnOnce(`${key}=${JSON.stringify(ignored)}`, ignoredMessage(`${Settings.section}.${key}`, 'the workspace settings'));
  return i.globalValue ?? i.defaultValue ?? fallback;
}

export function timeoutMs(): number {
  const s = cfg().get<number>(Settings.timeoutSeconds, 15);
  return Math.min(300, Math.max(1, Number.isFinite(s) ? s : 15)) * 1000;
}

export function awsSettings(): AwsSettings {
  const c = cfg();
  return {
    region: c.get<string>(Settings.awsRegion, 'us-east-1').trim() || 'us-east-1',
    profile: str(userValue<unknown>(Settings.awsProfile, '')) || undefined,
    endpoint: str(userValue<unknown>(Settings.awsEndpoint, '')) || undefined,
  };
}

/**
 * The extra CA certificate files, `~` expanded. Relative paths are resolved against the home
 * directory, not the workspace: a repository must not be able to supply a CA file either.
 */
export function extraCaPaths(): string[] {
  const raw = userValue<unknown>(Settings.extraCaCertificates, []);
  const list = Array.isArray(raw) ? raw : [];
  return list.filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => {
    const t = p.trim().replace(/^~(?=$|[\\/])/, os.homedir());
    return path.isAbsolute(t) ? t : path.join(os.homedir(), t);
  });
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/** Trust settings for engine calls: the extra CA files, read fresh each time (they are small). */
export async function trustSettings(): Promise<TrustSettings> {
  // No extra CA files (the usual case): nothing to read, and the trust chunk stays unloaded.
  const paths = extraCaPaths();
  return { extraCaPems: paths.length > 0 ? await trustEngine().loadCaFiles(paths) : [] };
}
