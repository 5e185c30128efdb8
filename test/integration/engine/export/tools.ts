/**
 * What the export tests run besides the engine: the linters (cfn-lint, checkov, python-hcl2 from
 * scripts/install-lint-tools.sh, a venv in the cache outside the repo, installed on first use as
 * the moto launcher installs moto), the AWS CLI beside moto_server, and a counting proxy in
 * front of moto that records every request's action (so a run of the AWS CLI or of the CLI in
 * another client can be counted on the wire).
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findOrInstallMoto, type Moto } from '../../../standins/moto';
import { isWrite } from '../../../helpers/awsCalls';
import { startAwsProxy, type AwsProxy, type ProxiedRequest } from '../../../helpers/awsProxy';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const INSTALL = path.join(REPO, 'scripts', 'install-lint-tools.sh');

let installing: Promise<string> | undefined;

/** The bin dir of the lint venv (cfn-lint, checkov, python-hcl2), installing it when missing. */
export function findLintTools(): Promise<string> {
  installing ??= new Promise<string>((resolve, reject) => {
    execFile('bash', [INSTALL], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        installing = undefined;
        reject(new Error(`scripts/install-lint-tools.sh failed: ${err.message}\n${String(stderr).slice(-4000)}`));
        return;
      }
      const bin = String(stdout).trim().split('\n').pop()?.trim() ?? '';
      if (!bin || !fs.existsSync(path.join(bin, 'cfn-lint'))) {
        installing = undefined;
        reject(new Error(`scripts/install-lint-tools.sh printed no usable bin dir (got ${JSON.stringify(bin)})`));
        return;
      }
      resolve(bin);
    });
  });
  return installing;
}

/** `aws` (AWS CLI v1) beside moto_server in moto's venv. */
export async function findAwsCli(): Promise<string> {
  const aws = path.join(path.dirname(await findOrInstallMoto()), 'aws');
  fs.accessSync(aws, fs.constants.X_OK);
  return aws;
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    // A command that exits without reading its stdin (bash -n) closes the pipe first: not an error.
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** A CloudFormation template as cfn-lint reads it (short forms become {"Ref": ...}, {"Fn::GetAtt": ...}). */
export async function decodeCfn(bin: string, file: string): Promise<Record<string, any>> {
  const r = await run(path.join(bin, 'python'), ['-c', [
    'import json, sys',
    'from cfnlint.decode import decode',
    'tpl, matches = decode(sys.argv[1])',
    'assert not matches, [str(m) for m in matches]',
    'print(json.dumps(tpl, default=str))',
  ].join('\n'), file]);
  if (r.code !== 0) throw new Error(`cfn-lint could not read ${file}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, any>;
}

/**
 * A Terraform file as python-hcl2 parses it, made comparable: python-hcl2 8 keeps the quotes of
 * string literals and keys ("\"x\""), which are undone here, and a jsonencode({...}) argument is
 * parsed as HCL too ({ jsonencode: <object> }). References stay "${...}" strings.
 */
export async function parseHcl(bin: string, file: string): Promise<Record<string, any>> {
  const r = await run(path.join(bin, 'python-hcl2'), ['-c', [
    'import json, sys, hcl2',
    'def unq(s):',
    '    if isinstance(s, str) and len(s) >= 2 and s[0] == \'"\' and s[-1] == \'"\':',
    '        return json.loads(s).replace("$${", "${").replace("%%{", "%{")',
    '    return s',
    'def norm(v):',
    '    if isinstance(v, dict):',
    '        return {unq(k): norm(x) for k, x in v.items() if k != "__is_block__"}',
    '    if isinstance(v, list):',
    '        return [norm(x) for x in v]',
    '    if isinstance(v, str) and v.startswith("${jsonencode(") and v.endswith(")}"):',
    '        return {"jsonencode": norm(hcl2.loads("x = " + v[len("${jsonencode("):-2])["x"])}',
    '    return unq(v)',
    'with open(sys.argv[1]) as f: print(json.dumps(norm(hcl2.load(f))))',
  ].join('\n'), file]);
  if (r.code !== 0) throw new Error(`python-hcl2 could not parse ${file}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, any>;
}

export type Request = Pick<ProxiedRequest, 'service' | 'action'>;

/** The shared recording proxy (test/helpers/awsProxy.ts) in front of moto, with its URL as `endpoint`. */
export type CountingProxy = AwsProxy & { endpoint: string };

/** A write: anything but STS and Get/List/Describe calls. */
export const isWriteRequest = (r: Request): boolean => isWrite(r);

/** Forwards everything to moto and records each request's service and action. */
export async function startCountingProxy(moto: Pick<Moto, 'port'>): Promise<CountingProxy> {
  const p = await startAwsProxy(`http://127.0.0.1:${moto.port}`);
  return Object.assign(p, { endpoint: p.url });
}
