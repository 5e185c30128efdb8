/** Loads the plan chunk (dist/chunks/plan.js, src/engine/chunks/plan.ts) on first use; activation never does. */
import type * as Chunk from '../../engine/chunks/plan';

let chunk: typeof Chunk | undefined;

export function planEngine(): typeof Chunk {
  // A plain require so the bundler keeps it as a runtime load of the chunk (esbuild.mjs, CHUNKS).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  chunk ??= require('../../engine/chunks/plan') as typeof Chunk;
  return chunk;
}
