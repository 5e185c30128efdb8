/**
 * Run the moto stand-in by hand (or from a script) until SIGINT/SIGTERM:
 *
 *   npx tsx test/standins/serve-moto.ts [--port N] [--out FILE]
 *
 * Prints (or writes to FILE, atomically) one JSON object:
 *   {"endpoint":"http://127.0.0.1:N","region":"us-east-1","accessKeyId":"testing","secretAccessKey":"testing"}
 * e.g. for `aws --endpoint-url "$endpoint" iam list-open-id-connect-providers`.
 * FILE is removed again on exit. moto's own log goes to stderr with --verbose.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startMoto } from './moto';

interface Args {
  port?: number;
  out?: string;
  verbose: boolean;
}

function usage(msg?: string): never {
  if (msg) process.stderr.write(`serve-moto: ${msg}\n`);
  process.stderr.write('usage: npx tsx test/standins/serve-moto.ts [--port N] [--out FILE] [--verbose]\n');
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) usage(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const n = Number(value());
        if (!Number.isInteger(n) || n <= 0 || n > 65535) usage('--port must be 1..65535');
        args.port = n;
        break;
      }
      case '--out':
        args.out = path.resolve(value());
        break;
      case '--verbose':
        args.verbose = true;
        break;
      case '-h':
      case '--help':
        usage();
        break;
      default:
        usage(`unknown argument ${a}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const moto = await startMoto({
    ...(args.port ? { port: args.port } : {}),
    ...(args.verbose ? { onOutput: (chunk: string) => void process.stderr.write(chunk) } : {}),
  });
  const info = {
    endpoint: moto.endpoint,
    region: moto.region,
    accessKeyId: moto.credentials.accessKeyId,
    secretAccessKey: moto.credentials.secretAccessKey,
  };
  const json = `${JSON.stringify(info)}\n`;

  let shuttingDown = false;
  const shutdown = async (code: number): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (args.out) fs.rmSync(args.out, { force: true });
    await moto.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));

  if (args.out) {
    const tmp = `${args.out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, json);
    fs.renameSync(tmp, args.out);
    process.stderr.write(`serve-moto: moto on ${moto.endpoint}, details in ${args.out}; Ctrl-C to stop\n`);
  } else {
    process.stdout.write(json);
    process.stderr.write(`serve-moto: moto on ${moto.endpoint}; Ctrl-C to stop\n`);
  }

  // Notice if moto dies on its own.
  const timer = setInterval(() => {
    void fetch(`${moto.endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(5000) })
      .then((r) => r.arrayBuffer())
      .catch(() => {
        if (shuttingDown) return;
        process.stderr.write(`serve-moto: moto stopped answering\n${moto.logTail()}\n`);
        void shutdown(1);
      });
  }, 5000);
  timer.unref();
  // Keep the process alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

main().catch((e: unknown) => {
  process.stderr.write(`serve-moto: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
