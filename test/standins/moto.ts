/**
 * moto server stand-in for AWS: IAM, Cognito Identity and STS over their real wire
 * protocols (IAM/STS: query + XML; Cognito Identity: JSON 1.1), on 127.0.0.1.
 *
 *   const moto = await startMoto();
 *   const iam = new IAMClient(awsClientConfig(moto));
 *   ...
 *   await moto.reset();   // wipe all state between tests
 *   await moto.stop();
 *
 * moto comes from scripts/install-moto.sh (a venv in the user cache dir, outside the
 * repo; the AWS CLI `aws` that scripts/bench-awscli.ts runs is installed beside it). Set MOTO_SERVER=/path/to/moto_server to use another install: its venv's python
 * (the `python` beside it, else the one on its #! line) is what runs the launcher.
 *
 * The server is not plain moto_server: startMoto() runs
 *   <venv>/bin/python test/standins/moto_plus.py -H 127.0.0.1 -p PORT
 * which imports moto, patches the missing actions into moto's own classes (no fork) and
 * then runs moto_server's main(). Startup, measured here (medians of 10): it answers
 * HTTP ~50 ms later than plain moto_server (517 vs 470 ms: it imports moto's IAM and
 * Cognito modules and botocore's two models up front) and its first IAM + Cognito calls
 * are ~50 ms quicker (118 vs 169 ms), so the same in total (~0.65 s).
 *
 * ─────────────────────────────────────────────────────────────────────────────────────
 * ADDED BY moto_plus.py (moto 5.2.5 lacks them; pinned by tests in
 * test/standins/moto.test.ts):
 *  - Cognito SetIdentityPoolRoles / GetIdentityPoolRoles: Roles and RoleMappings are
 *    stored per pool; Set replaces both (Roles {} clears). Get returns
 *    {IdentityPoolId, Roles, RoleMappings (only when set)}. DescribeIdentityPool does not
 *    show roles (as in AWS). Checked as AWS documents/answers: Roles keys only
 *    authenticated|unauthenticated and at most 2 (ValidationException); a value that is
 *    not a role ARN, e.g. a role NAME -> NotAuthorizedException "Access to Role 'x' is
 *    forbidden." (403); a RoleMappings key that is not a provider of the pool ->
 *    InvalidParameterException "(key) is not a valid RoleMapping ProviderName or is not
 *    a configured provider."; Type Token/Rules without AmbiguousRoleResolution, Rules
 *    without rules or with > 25 -> InvalidParameterException.
 *  - Cognito ListIdentityPools: MaxResults required, 1..60 (ValidationException
 *    otherwise), honoured; NextToken returned while more pools remain (none after the
 *    last full page; AWS may also end with an empty page, so loop until no token) and
 *    accepted back. Items are {IdentityPoolId, IdentityPoolName} only, as in AWS.
 *    Order: creation order (stable across pages; deletions between pages do not skip
 *    pools).
 *  - Cognito unknown pool id: ResourceNotFoundException (HTTP 400, "IdentityPool 'ID'
 *    not found.", AWS's wording) in GetId, UpdateIdentityPool, ListIdentities (moto: HTTP
 *    500 KeyError), Describe/Delete/Set/GetIdentityPoolRoles. An id that does not match
 *    [\w-]+:[0-9a-f-]+ is a ValidationException.
 *  - IAM AddClientIDToOpenIDConnectProvider (idempotent; the 101st ID is LimitExceeded,
 *    409) and RemoveClientIDFromOpenIDConnectProvider (idempotent): NoSuchEntity (404)
 *    for an unknown provider ARN, ValidationError for an ARN shorter than 20 or a client
 *    ID outside 1..255 characters.
 *  Input constraints of these actions come from botocore's copy of the AWS model, with
 *  AWS's "N validation error(s) detected: ..." wording.
 *
 * WHAT THE STAND-IN STILL DOES NOT DO. The extension must make these checks itself, and
 * tests must not expect moto to fail where real AWS would. Each point was read in the
 * installed source (site-packages/moto/...); the ones a test could trip over are pinned
 * by the "gap:" tests in test/standins/moto.test.ts.
 *
 * Cognito Identity (moto/cognitoidentity/models.py, responses.py)
 *  - GetId ignores `Logins` entirely: no issuer/`Logins`-key check, no signature/JWKS
 *    fetch, no `aud`/`azp` check against the IAM provider's client IDs, no `exp` check,
 *    no check that the key names a provider attached to the pool. Any string (even
 *    "not-a-jwt") or no Logins at all gets a fresh IdentityId. Each call makes a NEW
 *    identity (no stable id per user). AccountId is ignored.
 *  - GetCredentialsForIdentity (moto_plus): chooses the role from the pool's roles and
 *    RoleMappings as documented (see choose_role() in moto_plus.py) and returns real moto
 *    STS credentials of it (ASIA..., 1 h; GetCallerIdentity -> assumed-role/ROLE/
 *    CognitoIdentityCredentials). Still lenient: tokens are not verified (only decoded when
 *    a mapping or principal-tag map needs claims); trust policies are not evaluated (except:
 *    tags mapped and no Allow sts:TagSession -> InvalidIdentityPoolConfigurationException);
 *    an unknown role ARN is assumed anyway; no role applicable (none set, or an identity
 *    GetId never issued) -> the old fixed keys "TESTACCESSKEY12345"/"ABCSECRETKEY"/
 *    "ABC12345", valid 90 s, where AWS says InvalidIdentityPoolConfigurationException.
 *  - SetIdentityPoolRoles does not check that the role exists in IAM, or that its trust
 *    policy names the pool (AWS does not check the trust policy either; whether it checks
 *    existence is not documented).
 *  - The exact text of AWS's messages for bad Roles keys, missing AmbiguousRoleResolution
 *    or RulesConfiguration, and a bad NextToken (here InvalidParameterException) is not
 *    documented; moto_plus's wording is its own. Match error NAMES, not messages.
 *  - AllowClassicFlow is neither stored nor returned (Create/Describe/Update).
 *  - UpdateIdentityPool cannot rename a pool (IdentityPoolName stays the old one).
 *    No check that OpenIdConnectProviderARNs exist in IAM, on create or update.
 *  - AllowUnauthenticatedIdentities=false is stored but never enforced.
 *  - Only the pool name is validated on create/update (regex [\w\s+=,.@-]+).
 *  - Successful responses carry Content-Type text/html, not application/x-amz-json-1.1
 *    (the SDK does not care).
 *
 * IAM (moto/iam/models.py, responses.py)
 *  - CreateOpenIDConnectProvider only requires that the URL has a scheme and a host:
 *    http:// is accepted, and so are a port (the ARN becomes
 *    oidc-provider/localhost:PORT) and a query string (silently dropped from the stored
 *    URL and the ARN). Real IAM requires https:// and rejects a port or query.
 *  - Thumbprints: only length > 40 is rejected. Shorter ones and non-hex characters are
 *    accepted; an omitted/empty ThumbprintList is accepted (as in IAM since 2024, but
 *    moto never fetches a thumbprint itself, the list stays empty). More than 5 is
 *    rejected (InvalidInput). UpdateOpenIDConnectProviderThumbprint validates nothing.
 *  - A trailing slash makes a different provider: https://h and https://h/ give the ARNs
 *    oidc-provider/h and oidc-provider/h/ (both accepted).
 *  - Client IDs on create: > 100 rejected (LimitExceeded), > 255 chars rejected; an empty
 *    list or an empty ID is accepted.
 *  - UpdateOpenIDConnectProvider (trusted identity propagation settings) is not
 *    implemented (HTTP 500). The extension does not need it.
 *  - DeleteOpenIDConnectProvider of an unknown ARN succeeds silently. That matches the
 *    IAM API reference ("idempotent; it does not fail ... for a provider that does not
 *    exist"), although its error list also names NoSuchEntity. Get of an unknown ARN
 *    fails (NoSuchEntity).
 *  - CreateRole does not validate the trust policy at all (UpdateAssumeRolePolicy does);
 *    it is stored verbatim. CreateRole and GetRole return it URL-encoded, as real IAM
 *    does: decodeURIComponent before JSON.parse (same code works against both).
 *  - ListRoles sorts by RoleId (random), not by name or creation; Marker is a plain
 *    numeric offset. Pagination itself (Marker/MaxItems/IsTruncated) works.
 *  - No request is authenticated or authorised: any access key works.
 *
 * STS (moto/sts/models.py)
 *  - GetCallerIdentity with credentials moto does not know (e.g. 'testing', or the fixed
 *    Cognito keys) returns Arn arn:aws:sts::123456789012:user/moto. Session tags are not
 *    modelled by moto; moto_plus keeps the Cognito-mapped ones on the AssumedRole
 *    (GET /moto-api/data.json -> sts.AssumedRole[].session_tags).
 *
 * General
 *  - Other unimplemented actions and Python exceptions come back as HTTP 500 with an
 *    HTML body; the SDK retries 500s (3 attempts by default) and then throws a
 *    deserialization error. Use `maxAttempts: 1` on a client that probes them; the
 *    Python traceback is in `moto.logTail()`.
 *  - All state is in memory in the one server process; reset() wipes every service
 *    (pool roles included: they live on the pool).
 * ─────────────────────────────────────────────────────────────────────────────────────
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, waitForPort } from './ports';

export interface MotoCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Moto {
  /** e.g. http://127.0.0.1:41234 — pass as `endpoint` to every SDK v3 client. */
  endpoint: string;
  port: number;
  region: string;
  credentials: MotoCredentials;
  /** The moto_server executable in use (its venv's python runs test/standins/moto_plus.py). */
  executable: string;
  /** Process id of the server (undefined if it could not be spawned). */
  pid: number | undefined;
  /** Last part of moto's stderr (its request log and tracebacks). */
  logTail(maxChars?: number): string;
  /** POST /moto-api/reset: forget every resource in every service. */
  reset(): Promise<void>;
  /** Kill the server and wait for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Port to listen on; a free one by default. */
  port?: number;
  /** Default 'us-east-1'. */
  region?: string;
  /** ms to wait for the server to answer HTTP; default 60 s. */
  startTimeoutMs?: number;
  /** Called with every chunk moto writes to stdout/stderr (request log, tracebacks). */
  onOutput?: (chunk: string) => void;
}

export const MOTO_REGION = 'us-east-1';
export const MOTO_CREDENTIALS: MotoCredentials = Object.freeze({ accessKeyId: 'testing', secretAccessKey: 'testing' });
/** moto's default account id. */
export const MOTO_ACCOUNT_ID = '123456789012';

/** The repo root: the nearest folder up from here with package.json (works from test/standins and from bundles in dist/test). */
const REPO_ROOT = (() => {
  for (let d = __dirname; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json')) && fs.existsSync(path.join(d, 'scripts', 'install-moto.sh'))) return d;
    if (path.dirname(d) === d) return path.resolve(__dirname, '..', '..');
  }
})();
const INSTALL_SCRIPT = path.join(REPO_ROOT, 'scripts', 'install-moto.sh');
const STDERR_KEEP = 64 * 1024;

/** Config for AWS SDK v3 clients (IAM, CognitoIdentity, STS) pointed at moto. */
export function awsClientConfig(moto: Pick<Moto, 'endpoint' | 'region' | 'credentials'>): {
  endpoint: string;
  region: string;
  credentials: MotoCredentials;
} {
  return { endpoint: moto.endpoint, region: moto.region, credentials: { ...moto.credentials } };
}

/** The venv folder scripts/install-moto.sh installs into: keyed by its pinned moto and awscli versions. */
function pinnedInstallDir(): string | undefined {
  try {
    const script = fs.readFileSync(INSTALL_SCRIPT, 'utf8');
    const moto = /^MOTO_VERSION="([^"]+)"/m.exec(script)?.[1];
    const awscli = /^AWSCLI_VERSION="([^"]+)"/m.exec(script)?.[1];
    return moto && awscli ? `moto-${moto}-awscli-${awscli}` : undefined;
  } catch {
    return undefined;
  }
}

function cacheRoot(): string {
  if (process.env.AUTH0_COGNITO_CACHE) return process.env.AUTH0_COGNITO_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'auth0-cognito-bridge');
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let installing: Promise<string> | undefined;

/**
 * Path of a working moto_server: $MOTO_SERVER, else a finished install in the cache
 * dir, else whatever scripts/install-moto.sh installs (can take a minute or two).
 */
export function findOrInstallMoto(): Promise<string> {
  const explicit = process.env.MOTO_SERVER;
  if (explicit) {
    if (!isExecutable(explicit)) return Promise.reject(new Error(`MOTO_SERVER=${explicit} is not an executable file`));
    return Promise.resolve(explicit);
  }
  const installDir = pinnedInstallDir();
  if (installDir) {
    const dir = path.join(cacheRoot(), installDir);
    const exe = path.join(dir, 'bin', 'moto_server');
    if (fs.existsSync(path.join(dir, '.install-complete')) && isExecutable(exe)) return Promise.resolve(exe);
  }
  installing ??= new Promise<string>((resolve, reject) => {
    execFile('bash', [INSTALL_SCRIPT], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      installing = undefined;
      if (err) {
        reject(new Error(`scripts/install-moto.sh failed: ${err.message}\n${tail(String(stderr), 4000)}`));
        return;
      }
      const lines = String(stdout).trim().split('\n');
      const exe = lines[lines.length - 1]?.trim() ?? '';
      if (!exe || !isExecutable(exe)) {
        reject(new Error(`scripts/install-moto.sh printed no usable moto_server path (got ${JSON.stringify(exe)})\n${tail(String(stderr), 4000)}`));
        return;
      }
      resolve(exe);
    });
  });
  return installing;
}

function tail(s: string, n: number): string {
  return s.length <= n ? s : `…${s.slice(s.length - n)}`;
}

// Kill every server still running when this process exits, whatever the reason.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/** The launcher that adds what moto lacks (see the top of this file) and then runs moto_server's main(). */
const MOTO_PLUS = path.join(REPO_ROOT, 'test', 'standins', 'moto_plus.py');

/**
 * The python that runs `exe` (moto_server): the venv's python beside it, else the
 * interpreter named on its #! line.
 */
function pythonFor(exe: string): string {
  const beside = path.join(path.dirname(exe), 'python');
  if (isExecutable(beside)) return beside;
  try {
    const first = fs.readFileSync(exe, 'utf8').split('\n', 1)[0] ?? '';
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
    // `#!/usr/bin/env python3` names the interpreter in the second word.
    const interp = m?.[1]?.endsWith('/env') ? m[2] : m?.[1];
    if (interp && (path.isAbsolute(interp) ? isExecutable(interp) : true)) return interp;
  } catch {
    /* fall through */
  }
  throw new Error(`no python found for ${exe}: expected ${beside} or a #! line naming one`);
}

/**
 * `<venv>/bin/python test/standins/moto_plus.py -H 127.0.0.1 -p PORT`. On Linux
 * MOTO_PLUS_PARENT_PID makes it ask for PR_SET_PDEATHSIG, so it gets SIGTERM when this
 * node process dies, even by SIGKILL.
 */
function spawnMoto(python: string, port: number): ChildProcess {
  const args = [MOTO_PLUS, '-H', '127.0.0.1', '-p', String(port)];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PYTHONUNBUFFERED: '1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  };
  if (process.platform === 'linux') env.MOTO_PLUS_PARENT_PID = String(process.pid);
  else delete env.MOTO_PLUS_PARENT_PID;
  return spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function httpReady(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Start moto on 127.0.0.1 (through moto_plus.py, with the venv's python) and wait until
 * it answers HTTP.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<Moto> {
  const exe = await findOrInstallMoto();
  if (!fs.existsSync(MOTO_PLUS)) throw new Error(`${MOTO_PLUS} is missing (repo root found: ${REPO_ROOT})`);
  const python = pythonFor(exe);
  const region = options.region ?? MOTO_REGION;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  // A port from freePort() can be taken by someone else before moto binds it: retry.
  const attempts = options.port ? 1 : 3;
  let lastError: Error | undefined;
  for (let i = 0; i < attempts; i++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOn(exe, python, port, region, timeoutMs, options.onOutput);
    } catch (e) {
      lastError = e as Error;
      if (!/address already in use|port .* is in use/i.test(lastError.message)) break;
    }
  }
  throw lastError ?? new Error('moto did not start');
}

async function startOn(
  exe: string,
  python: string,
  port: number,
  region: string,
  timeoutMs: number,
  onOutput: ((chunk: string) => void) | undefined,
): Promise<Moto> {
  installExitHook();
  const endpoint = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawnMoto(python, port);
  running.add(child);
  const append = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    log += text;
    onOutput?.(text);
    if (log.length > STDERR_KEEP * 2) log = log.slice(log.length - STDERR_KEEP);
  };
  child.stderr?.on('data', append);
  child.stdout?.on('data', append);
  const logTail = (maxChars = 4000): string => tail(log, maxChars);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      append(Buffer.from(`\n[spawn error] ${err.message}\n`));
      if (!exited) exited = { code: null, signal: null };
      running.delete(child);
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!exited) child.kill('SIGKILL');
    }, 5000);
    await exitPromise;
    clearTimeout(timer);
  };

  // Wait for the port, then for an HTTP answer; give up if the process dies.
  const deadline = Date.now() + timeoutMs;
  const failed = (why: string): Error =>
    new Error(`moto_server (${MOTO_PLUS} on ${python}) on port ${port} ${why}\n--- moto output (tail) ---\n${logTail()}`);
  try {
    const died = exitPromise.then(() => {
      throw failed(`exited early (code ${exited?.code}, signal ${exited?.signal})`);
    });
    died.catch(() => undefined);
    await Promise.race([waitForPort(port, '127.0.0.1', timeoutMs), died]);
    for (;;) {
      if (exited) throw failed(`exited early (code ${exited.code}, signal ${exited.signal})`);
      // Something else may hold the port and never answer: stop waiting if moto dies.
      if (await Promise.race([httpReady(endpoint), exitPromise.then(() => false)])) break;
      if (Date.now() > deadline) throw failed(`did not answer HTTP within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    const err = e as Error;
    throw err.message.includes('--- moto output') ? err : failed(err.message);
  }

  return {
    endpoint,
    port,
    region,
    credentials: { ...MOTO_CREDENTIALS },
    executable: exe,
    pid: child.pid,
    logTail,
    async reset() {
      if (exited) throw failed('is not running');
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
      const body = await res.text();
      if (!res.ok) throw failed(`reset answered HTTP ${res.status}: ${body}`);
    },
    stop,
  };
}
