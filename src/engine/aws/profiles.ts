/**
 * Profiles from the shared config and credentials files (for the profile picker; no SDK needed).
 */
// node:fs, not node:fs/promises: this file is in dist/extension.js (the Resources view asks at
// activation whether credentials can be found) and node:fs is loaded already.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface AwsProfileInfo {
  name: string;
  /** Where it is defined. */
  sources: ('config' | 'credentials')[];
  kind: 'sso' | 'keys' | 'assume-role' | 'process' | 'web-identity' | 'other';
  region: string | undefined;
}

/** Sections of an INI file: name -> key/value (keys lowercased; indented continuation lines ignored). */
export function parseIni(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) continue;
    const section = /^\s*\[([^\]]+)\]\s*(?:[#;].*)?$/.exec(raw);
    if (section) {
      const name = (section[1] ?? '').trim();
      current = out.get(name) ?? {};
      out.set(name, current);
      continue;
    }
    if (!current || /^\s/.test(raw)) continue; // a sub-setting (e.g. under s3 =)
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(raw);
    if (kv?.[1]) current[kv[1].trim().toLowerCase()] = (kv[2] ?? '').trim();
  }
  return out;
}

/**
 * The profiles of ~/.aws/config ([default], [profile NAME]) and ~/.aws/credentials ([NAME]), or of
 * the files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name. Missing files are no profiles.
 */
export async function listAwsProfiles(opts: { configFile?: string; credentialsFile?: string; env?: NodeJS.ProcessEnv } = {}): Promise<AwsProfileInfo[]> {
  const env = opts.env ?? process.env;
  const home = os.homedir();
  const expand = (p: string) => p.replace(/^~(?=$|[\\/])/, home);
  const configFile = opts.configFile ?? expand(env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'));
  const credentialsFile = opts.credentialsFile ?? expand(env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'));
  const read = (f: string) => new Promise<string>((resolve) => fs.readFile(f, 'utf8', (e, text) => resolve(e ? '' : text)));
  const [config, credentials] = await Promise.all([read(configFile), read(credentialsFile)]);
  const profiles = new Map<string, { sources: Set<'config' | 'credentials'>; values: Record<string, string> }>();
  const add = (name: string, source: 'config' | 'credentials', values: Record<string, string>) => {
    const p = profiles.get(name) ?? { sources: new Set(), values: {} };
    p.sources.add(source);
    Object.assign(p.values, values);
    profiles.set(name, p);
  };
  for (const [section, values] of parseIni(config)) {
    if (section === 'default') add('default', 'config', values);
    else {
      const m = /^profile\s+(.+)$/.exec(section);
      if (m?.[1]) add(m[1].trim(), 'config', values);
    }
  }
  for (const [section, values] of parseIni(credentials)) add(section, 'credentials', values);
  return [...profiles.entries()].map(([name, p]) => {
    const v = p.values;
    const kind: AwsProfileInfo['kind'] = v.sso_session || v.sso_start_url ? 'sso'
      : v.role_arn && v.web_identity_token_file ? 'web-identity'
        : v.role_arn ? 'assume-role'
          : v.credential_process ? 'process'
            : v.aws_access_key_id ? 'keys' : 'other';
    return { name, sources: [...p.sources], kind, region: v.region || undefined };
  }).sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
}
