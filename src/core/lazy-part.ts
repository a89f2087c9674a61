import { AqError } from '../errors.js';

/**
 * An import() of a part only some pages need (a chunk of its own, docs/size-and-speed.md). A load
 * that fails (the network, a deploy that replaced the chunk, `script-src`) is `AQ_LOAD_FAILED`
 * naming the part, not a TypeError that the flow needing it would report as something else. Each
 * call imports again: after a failure the next one retries.
 */
export function lazyPart<T>(part: string, load: () => Promise<T>): () => Promise<T> {
  return () =>
    load().catch((cause: unknown) => {
      throw new AqError('AQ_LOAD_FAILED', `the ${part} script could not be loaded`, { cause });
    });
}
