/** Loads the inspect chunk (dist/chunks/inspect.js, src/engine/chunks/inspect.ts) on first use; activation never does. */
import type * as Chunk from '../../engine/chunks/inspect';

let chunk: typeof Chunk | undefined;

export function inspectEngine(): typeof Chunk {
  // A plain require so the bundler keeps it as a runtime load of the chunk (esbuild.mjs, CHUNKS).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  chunk ??= require('../../engine/chunks/inspect') as typeof Chunk;
  return chunk;
}
