import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Settings } from '../shared/commands';
import { loadCaFiles, TrustSettings } from '../engine/trust';

export interface AwsSettings {
  region: string;
  profile: string | undefined;
  endpoint: string | undefined;
}

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(Settings.section);
}

export function timeoutMs(): number {
  const s = cfg().get<number>(Settings.timeoutSeconds, 15);
  return Math.min(300, Math.max(1, Number.isFinite(s) ? s : 15)) * 1000;
}

export function awsSettings(): AwsSettings {
  const c = cfg();
  return {
    region: c.get<string>(Settings.awsRegion, 'us-east-1').trim() || 'us-east-1',
    profile: c.get<string>(Settings.awsProfile, '').trim() || undefined,
    endpoint: c.get<string>(Settings.awsEndpoint, '').trim() || undefined,
  };
}

/** Resolves `~` and workspace-relative paths of the extra CA certificates setting. */
export function extraCaPaths(): string[] {
  const raw = cfg().get<string[]>(Settings.extraCaCertificates, []) ?? [];
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return raw.filter((p) => typeof p === 'string' && p.trim()).map((p) => {
    const t = p.trim().replace(/^~(?=$|[\\/])/, os.homedir());
    return path.isAbsolute(t) || !base ? t : path.join(base, t);
  });
}

/** Trust settings for engine calls: the extra CA files, read fresh each time (they are small). */
export async function trustSettings(): Promise<TrustSettings> {
  return { extraCaPems: await loadCaFiles(extraCaPaths()) };
}
