/** Loads the setup chunk (dist/chunks/setup.js, src/engine/chunks/setup.ts) on first use; activation never does. */
import type * as Chunk from '../../engine/chunks/setup';

let chunk: typeof Chunk | undefined;

export function setupEngine(): typeof Chunk {
  // A plain require so the bundler keeps it as a runtime load of the chunk (esbuild.mjs, CHUNKS).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  chunk ??= require('../../engine/chunks/setup') as typeof Chunk;
  return chunk;
}
