/** Loads the trust chunk (dist/chunks/trust.js, src/engine/chunks/trust.ts) on first use; activation never does. */
import type * as Chunk from '../../engine/chunks/trust';

let chunk: typeof Chunk | undefined;

export function trustEngine(): typeof Chunk {
  // A plain require so the bundler keeps it as a runtime load of the chunk (esbuild.mjs, CHUNKS).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  chunk ??= require('../../engine/chunks/trust') as typeof Chunk;
  return chunk;
}
