/**
 * Runs the Auth0 stand-in tenant until SIGINT/SIGTERM.
 *
 *   npx tsx test/standins/serve-tenant.ts [--port N] [--out FILE] [--callback URL]...
 *        [--alg HS256|RS256|RS512|PS256] [--scopes "read:clients update:clients"] [--extra-name NAME]...
 *
 * Writes a JSON description (see TenantDescription) to FILE (atomically, mode 0600; removed on
 * exit) or, without --out, to stdout as one line. One line per request ("GET /authorize 302")
 * goes to stderr; nothing secret is logged there.
 *
 * To stop it, signal the `pid` from the description (the process that runs the server), or run
 * it as `node_modules/.bin/tsx test/standins/serve-tenant.ts` and signal tsx (it relays).
 * Signalling an `npx tsx ...` parent is NOT enough: npx exits and leaves tsx running.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { CLIENT_SIGNING_ALGS, startTenant, type ClientSigningAlg } from './tenant';

export interface TenantDescription {
  issuer: string;
  domain: string;
  baseUrl: string;
  port: number;
  /** Root CA file to trust (e.g. the extension's "extra CA certificates" setting). */
  caPath: string;
  /** SHA-1 fingerprints (40 lowercase hex) of the presented chain and the root. */
  fingerprints: { root: string; intermediate: string; leaf: string };
  app: { clientId: string; clientSecret: string; alg: string; callbacks: string[] };
  m2m: { clientId: string; clientSecret: string; audience: string; scopes: string[] };
  user: { sub: string; email: string; name: string };
  pid: number;
}

interface Args {
  port?: number;
  out?: string;
  callbacks: string[];
  alg?: ClientSigningAlg;
  scopes?: string[];
  extraNames: string[];
}

function usage(message?: string): never {
  if (message) process.stderr.write(`serve-tenant: ${message}\n`);
  process.stderr.write(
    'usage: serve-tenant [--port N] [--out FILE] [--callback URL]... [--alg HS256|RS256|RS512|PS256] [--scopes "a b"] [--extra-name NAME]...\n',
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { callbacks: [], extraNames: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 65535) usage('bad --port');
        args.port = n;
        break;
      }
      case '--out':
        args.out = value();
        break;
      case '--callback':
        args.callbacks.push(value());
        break;
      case '--alg': {
        const a = value();
        if (!CLIENT_SIGNING_ALGS.includes(a as ClientSigningAlg)) usage(`bad --alg ${a}`);
        args.alg = a as ClientSigningAlg;
        break;
      }
      case '--scopes':
        args.scopes = value().split(/[\s,]+/).filter(Boolean);
        break;
      case '--extra-name':
        args.extraNames.push(value());
        break;
      case '-h':
      case '--help':
        usage();
        break;
      default:
        usage(`unknown argument ${flag}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const tenant = await startTenant({
    port: args.port,
    extraNames: args.extraNames,
    app: {
      callbacks: args.callbacks,
      ...(args.alg ? { jwt_configuration: { alg: args.alg } } : {}),
    },
    m2m: args.scopes ? { scopes: args.scopes } : undefined,
    log: (line) => process.stderr.write(`[tenant] ${line}\n`),
  });

  const description: TenantDescription = {
    issuer: tenant.issuer,
    domain: tenant.domain,
    baseUrl: tenant.baseUrl,
    port: tenant.port,
    caPath: tenant.certs.rootPath,
    fingerprints: tenant.certs.fingerprints,
    app: {
      clientId: tenant.app.client_id,
      clientSecret: tenant.app.client_secret,
      alg: tenant.app.jwt_configuration.alg,
      callbacks: tenant.app.callbacks,
    },
    m2m: {
      clientId: tenant.mgmt.clientId,
      clientSecret: tenant.mgmt.clientSecret,
      audience: tenant.mgmt.audience,
      scopes: tenant.mgmt.scopes,
    },
    user: { sub: tenant.user.sub, email: tenant.user.email, name: tenant.user.name },
    pid: process.pid,
  };
  const json = JSON.stringify(description, null, 2);

  let outPath: string | undefined;
  if (args.out) {
    outPath = path.resolve(args.out);
    await fs.mkdir(path.dirname(outPath), { recursive: true });
    const tmp = `${outPath}.${process.pid}.tmp`;
    await fs.writeFile(tmp, `${json}\n`, { mode: 0o600 });
    await fs.rename(tmp, outPath);
    process.stderr.write(`[tenant] ${tenant.issuer} ready; description in ${outPath}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(description)}\n`);
    process.stderr.write(`[tenant] ${tenant.issuer} ready\n`);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[tenant] ${signal}: stopping\n`);
    void (async () => {
      await tenant.stop();
      if (outPath) await fs.rm(outPath, { force: true });
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`serve-tenant: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
