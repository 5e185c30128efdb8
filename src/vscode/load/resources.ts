/** Loads the resources chunk (dist/chunks/resources.js, src/engine/chunks/resources.ts) on first use; activation never does. */
import type * as Chunk from '../../engine/chunks/resources';

let chunk: typeof Chunk | undefined;

export function resourcesEngine(): typeof Chunk {
  // A plain require so the bundler keeps it as a runtime load of the chunk (esbuild.mjs, CHUNKS).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  chunk ??= require('../../engine/chunks/resources') as typeof Chunk;
  return chunk;
}
