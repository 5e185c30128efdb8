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
 * moto_server comes from scripts/install-moto.sh (a venv in the user cache dir, outside
 * the repo). Set MOTO_SERVER=/path/to/moto_server to use another one.
 *
 * ─────────────────────────────────────────────────────────────────────────────────────
 * WHAT MOTO (5.2.5) DOES NOT DO. The extension must make these checks itself, and tests
 * must not expect moto to fail where real AWS would. Each point was read in the installed
 * source (site-packages/moto/...); the ones a test could trip over are pinned by the
 * "gap:" tests in test/integration/moto.test.ts.
 *
 * Cognito Identity (moto/cognitoidentity/models.py, responses.py)
 *  - GetId ignores `Logins` entirely: no issuer/`Logins`-key check, no signature/JWKS
 *    fetch, no `aud`/`azp` check against the IAM provider's client IDs, no `exp` check,
 *    no check that the key names a provider attached to the pool. Any string (even
 *    "not-a-jwt") or no Logins at all gets a fresh IdentityId. Each call makes a NEW
 *    identity (no stable id per user). AccountId is ignored. An unknown pool id in the
 *    pool's region fails with an HTTP 500 (Python KeyError), not ResourceNotFoundException.
 *  - GetCredentialsForIdentity ignores `Logins` and the identity id (any id works,
 *    even one GetId never returned), never reads the pool's roles, never evaluates the
 *    role trust policy (aud/amr conditions), and always returns the same fixed
 *    credentials: AccessKeyId "TESTACCESSKEY12345", SecretKey "ABCSECRETKEY",
 *    SessionToken "ABC12345", valid 90 s.
 *  - SetIdentityPoolRoles / GetIdentityPoolRoles are NOT IMPLEMENTED: moto answers
 *    HTTP 500 (NotImplementedError) and the SDK throws. Keep the pool->role mapping
 *    elsewhere when testing against moto.
 *  - ListIdentityPools ignores MaxResults and NextToken: one page with every pool,
 *    no NextToken. Each item carries the whole pool description, not just Id/Name.
 *  - AllowClassicFlow is neither stored nor returned (Create/Describe/Update).
 *  - UpdateIdentityPool cannot rename a pool (IdentityPoolName stays the old one) and an
 *    unknown pool id gives HTTP 500 (KeyError). No check that OpenIdConnectProviderARNs
 *    exist in IAM, on create or update.
 *  - AllowUnauthenticatedIdentities=false is stored but never enforced.
 *  - Only the pool name is validated (regex [\w\s+=,.@-]+).
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
 *  - Client IDs: > 100 rejected (LimitExceeded), > 255 chars rejected; an empty list or
 *    an empty ID is accepted.
 *  - AddClientIDToOpenIDConnectProvider / RemoveClientIDFromOpenIDConnectProvider are NOT
 *    IMPLEMENTED (HTTP 500; the SDK throws). To change the audience list in a moto
 *    test, delete and re-create the provider.
 *  - DeleteOpenIDConnectProvider of an unknown ARN succeeds silently (real IAM:
 *    NoSuchEntity). Get of an unknown ARN does fail (NoSuchEntity).
 *  - CreateRole does not validate the trust policy at all (UpdateAssumeRolePolicy does);
 *    it is stored verbatim. CreateRole and GetRole return it URL-encoded, as real IAM
 *    does: decodeURIComponent before JSON.parse (same code works against both).
 *  - ListRoles sorts by RoleId (random), not by name or creation; Marker is a plain
 *    numeric offset. Pagination itself (Marker/MaxItems/IsTruncated) works.
 *  - No request is authenticated or authorised: any access key works.
 *
 * STS (moto/sts/models.py)
 *  - GetCallerIdentity with credentials moto does not know (e.g. the fixed Cognito
 *    ones above, or 'testing') returns Account 123456789012,
 *    Arn arn:aws:sts::123456789012:user/moto, UserId AKIAIOSFODNN7EXAMPLE: it does not
 *    show an assumed role for Cognito credentials.
 *
 * General
 *  - Unimplemented actions and Python exceptions come back as HTTP 500 with an HTML body;
 *    the SDK retries 500s (3 attempts by default) and then throws a deserialization
 *    error. Use `maxAttempts: 1` on a client that probes them; the Python traceback
 *    is in `moto.logTail()`.
 *  - All state is in memory in the one server process; reset() wipes every service.
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
  /** The moto_server executable in use. */
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

function pinnedVersion(): string | undefined {
  try {
    const m = /^MOTO_VERSION="([^"]+)"/m.exec(fs.readFileSync(INSTALL_SCRIPT, 'utf8'));
    return m?.[1];
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
  const version = pinnedVersion();
  if (version) {
    const dir = path.join(cacheRoot(), `moto-${version}`);
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

/**
 * Linux: start moto_server through the venv's python so that it gets PR_SET_PDEATHSIG
 * (SIGTERM when this node process dies, even by SIGKILL), then exec moto_server.
 */
const PDEATHSIG_WRAPPER = [
  'import ctypes, os, signal, sys',
  'try:',
  '    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)',
  'except Exception:',
  '    pass',
  'if os.getppid() != int(sys.argv[1]):',
  '    sys.exit(0)',
  'os.execv(sys.argv[2], sys.argv[2:])',
].join('\n');

function spawnMoto(exe: string, port: number): ChildProcess {
  const args = ['-H', '127.0.0.1', '-p', String(port)];
  const env = { ...process.env, PYTHONUNBUFFERED: '1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
  const python = path.join(path.dirname(exe), 'python');
  if (process.platform === 'linux' && isExecutable(python)) {
    return spawn(python, ['-c', PDEATHSIG_WRAPPER, String(process.pid), exe, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  return spawn(exe, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Start moto_server on 127.0.0.1 and wait until it answers HTTP. */
export async function startMoto(options: StartMotoOptions = {}): Promise<Moto> {
  const exe = await findOrInstallMoto();
  const region = options.region ?? MOTO_REGION;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  // A port from freePort() can be taken by someone else before moto binds it: retry.
  const attempts = options.port ? 1 : 3;
  let lastError: Error | undefined;
  for (let i = 0; i < attempts; i++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOn(exe, port, region, timeoutMs, options.onOutput);
    } catch (e) {
      lastError = e as Error;
      if (!/address already in use|port .* is in use/i.test(lastError.message)) break;
    }
  }
  throw lastError ?? new Error('moto did not start');
}

async function startOn(
  exe: string,
  port: number,
  region: string,
  timeoutMs: number,
  onOutput: ((chunk: string) => void) | undefined,
): Promise<Moto> {
  installExitHook();
  const endpoint = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawnMoto(exe, port);
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
    new Error(`moto_server (${exe}) on port ${port} ${why}\n--- moto output (tail) ---\n${logTail()}`);
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
