// Reads a logout stream's Server-Sent Events from a Response body in the tests: each call of
// next() resolves with the next event (comments, i.e. heartbeats, counted apart).
export interface SseEvent {
  event: string;
  data: unknown;
}

export interface SseReader {
  next(timeoutMs?: number): Promise<SseEvent>;
  /** Resolves true when the stream has ended (the server closed it). */
  ended(timeoutMs?: number): Promise<boolean>;
  comments: number;
  cancel(): Promise<void>;
}

export function readSse(response: Response): SseReader {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;
  const queue: SseEvent[] = [];
  // A read outlives a timeout: dropping it would lose the chunk it resolves with.
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  const self: SseReader = {
    comments: 0,
    async next(timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (!queue.length) {
        if (done) throw new Error('stream ended');
        await pump(deadline - Date.now());
      }
      return queue.shift()!;
    },
    async ended(timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (!done && Date.now() < deadline) await pump(deadline - Date.now()).catch(() => undefined);
      return done;
    },
    cancel: () => reader.cancel(),
  };
  async function pump(ms: number) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no event in time')), Math.max(ms, 1))));
    try {
      pending ??= reader.read();
      const { value, done: end } = await Promise.race([pending, timeout]);
      pending = undefined;
      if (end) done = true;
      else buffer += decoder.decode(value, { stream: true });
    } finally {
      clearTimeout(timer);
    }
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (block.startsWith(':')) {
        self.comments += 1;
        continue;
      }
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      queue.push({ event, data: data === undefined ? undefined : JSON.parse(data) });
    }
  }
  return self;
}
