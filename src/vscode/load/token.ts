/** Loads the token chunk (dist/chunks/token.js, src/engine/chunks/token.ts) on first use; activation never does. */
import type * as Chunk from '../../engine/chunks/token';

let chunk: typeof Chunk | undefined;

export function tokenEngine(): typeof Chunk {
  // A plain require so the bundler keeps it as a runtime load of the chunk (esbuild.mjs, CHUNKS).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  chunk ??= require('../../engine/chunks/token') as typeof Chunk;
  return chunk;
}
