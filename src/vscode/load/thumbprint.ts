/** Loads the thumbprint chunk (dist/chunks/thumbprint.js, src/engine/chunks/thumbprint.ts) on first use; activation never does. */
import type * as Chunk from '../../engine/chunks/thumbprint';

let chunk: typeof Chunk | undefined;

export function thumbprintEngine(): typeof Chunk {
  // A plain require so the bundler keeps it as a runtime load of the chunk (esbuild.mjs, CHUNKS).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  chunk ??= require('../../engine/chunks/thumbprint') as typeof Chunk;
  return chunk;
}
