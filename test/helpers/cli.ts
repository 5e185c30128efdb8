import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';

/** Runs the CLI's main() in-process with captured stdout/stderr and, optionally, a stdin text. */
export async function runCli(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => { o += d.toString(); });
  err.on('data', (d: Buffer) => { e += d.toString(); });
  let restore: (() => void) | undefined;
  if (stdin !== undefined) {
    const fake = new PassThrough();
    const desc = Object.getOwnPropertyDescriptor(process, 'stdin')!;
    Object.defineProperty(process, 'stdin', { value: fake, configurable: true });
    restore = () => Object.defineProperty(process, 'stdin', desc);
    fake.end(stdin);
  }
  try {
    const code = await main(args, out, err);
    return { code, out: o, err: e };
  } finally {
    restore?.();
  }
}
