/** What one tab of the app tells the others about the user of one issuer and client. */
export type TabMessage = { type: 'signed-out' } | { type: 'signed-in' };

/**
 * The app's tabs agree on sign-out (and, with shared storage, on sign-in) over a same-origin
 * BroadcastChannel: only pages of this origin can post to it, and a tab never hears itself.
 */
export class TabSync {
  #channel?: BroadcastChannel;

  constructor(issuer: string, clientId: string, onMessage: (message: TabMessage) => void) {
    if (typeof BroadcastChannel !== 'function') return;
    this.#channel = new BroadcastChannel(`aq-signin:tabs:${issuer}|${clientId}`);
    this.#channel.onmessage = (e: MessageEvent) => {
      const type = (e.data as TabMessage | null)?.type;
      if (type === 'signed-out' || type === 'signed-in') onMessage({ type });
    };
  }

  post(message: TabMessage): void {
    this.#channel?.postMessage(message);
  }

  close(): void {
    this.#channel?.close();
    this.#channel = undefined;
  }
}
