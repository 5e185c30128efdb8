/**
 * Benchmark: the CLI's `thumbprint` as a whole process (`node dist/cli.js thumbprint`) against a
 * local TLS server, next to `node -e 0` (issue 11: target <= 1.5x), and the TCP connections the
 * server saw per run (must be 1). Prints numbers; asserts nothing. After `node esbuild.mjs --production`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { generateCertChain, removeCertChain } from '../test/standins/certs';

const run = (args: string[]): Promise<number> => new Promise((resolve, reject) => {
  const t0 = process.hrtime.bigint();
  execFile(process.execPath, args, { encoding: 'utf8' }, (e, _out, err) => (e ? reject(new Error(`${e.message} ${err}`)) : resolve(Number(process.hrtime.bigint() - t0) / 1e6)));
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const cli = join(__dirname, '..', 'dist', 'cli.js');
  if (!existsSync(cli)) {
    console.log('CLI thumbprint: dist/cli.js is missing; run `node esbuild.mjs --production` first.');
    return;
  }
  const chain = await generateCertChain();
  const srv = tls.createServer({ key: chain.leafKeyPem, cert: [chain.leafPem, chain.intermediatePem].join('') }, (s) => s.end());
  let connections = 0;
  srv.on('connection', () => { connections++; });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const host = `localhost:${(srv.address() as AddressInfo).port}`;
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  const base: number[] = [];
  const thumb: number[] = [];
  const conns: number[] = [];
  try {
    for (let i = 0; i < 2; i++) await run([cli, 'thumbprint', host]); // warm the file cache
    for (let i = 0; i < runs; i++) {
      base.push(await run(['-e', '0']));
      const before = connections;
      thumb.push(await run([cli, 'thumbprint', host]));
      conns.push(connections - before);
    }
  } finally {
    await new Promise<void>((r) => srv.close(() => r()));
    await removeCertChain(chain);
  }
  const b = median(base);
  const t = median(thumb);
  console.log(`\n== CLI thumbprint, whole process (median of ${runs}; target <= 1.5x node -e 0) ==`);
  console.log(`node -e 0                                   ${b.toFixed(1).padStart(7)} ms`);
  console.log(`node dist/cli.js thumbprint localhost:PORT  ${t.toFixed(1).padStart(7)} ms  (${(t / b).toFixed(2)}x node -e 0)`);
  console.log(`TLS connections per thumbprint              ${[...new Set(conns)].join(', ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
