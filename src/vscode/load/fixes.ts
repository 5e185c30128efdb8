/** Loads the fixes chunk (dist/chunks/fixes.js, src/engine/chunks/fixes.ts) on first use; activation never does. */
import type * as Chunk from '../../engine/chunks/fixes';

let chunk: typeof Chunk | undefined;

export function fixesEngine(): typeof Chunk {
  // A plain require so the bundler keeps it as a runtime load of the chunk (esbuild.mjs, CHUNKS).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  chunk ??= require('../../engine/chunks/fixes') as typeof Chunk;
  return chunk;
}
