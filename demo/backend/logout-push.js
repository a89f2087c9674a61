// Remote sign-out pushed to the demo's pages: the logout bus and the replay store (Redis when
// `redisUrl` is set, so that several backend instances share them; else in this process), the
// page's logout stream (/api/logout-events), and the ending of this instance's sessions when any
// instance hears a back-channel logout.
import { createClient } from 'redis';
import { CLIENT_ID } from '../op/provider.js';

/**
 * @param {typeof import('../../src/server/index.ts')} server the aq-signin/server module
 * @param {{ issuer: string, redisUrl?: string, identify: (request: Request) => { sub: string, sid?: string } | null,
 *   endSessions: (event: { sub?: string, sid?: string }) => void, say: (...args: unknown[]) => void }} options
 */
export function createLogoutPush(server, { issuer, redisUrl, identify, endSessions, say }) {
  let bus = server.memoryLogoutBus();
  let replayStore;
  const clients = [];
  if (redisUrl) {
    // Retries forever, at most every 2 s: Redis may be down when the demo starts, or restart.
    const publisher = createClient({ url: redisUrl, socket: { reconnectStrategy: (n) => Math.min(100 * 2 ** n, 2000), connectTimeout: 2000 } });
    const subscriber = publisher.duplicate();
    for (const [name, client] of [['publisher', publisher], ['subscriber', subscriber]]) {
      let down = false;
      client.on('error', (err) => {
        if (!down) say(`Redis ${name}: ${err.message || err.code || err}; retrying`);
        down = true;
      });
      client.on('ready', () => {
        if (down) say(`Redis ${name}: connected again`);
        down = false;
      });
      client.connect().catch(() => {}); // retried by node-redis; reported above
      clients.push(client);
    }
    bus = server.redisLogoutBus({ publisher, subscriber });
    replayStore = server.redisReplayStore(publisher);
    say(`logout bus and replay store in Redis at ${redisUrl}`);
  }
  // Whichever instance the OP's back-channel logout reached, every instance ends its sessions.
  bus.subscribe((event) => {
    if (event.iss === issuer) endSessions(event);
  });

  const stream = server.createLogoutStreamHandler({
    issuer,
    // The ID token of the public SPA client proves a browser-only sign-in.
    clientId: CLIENT_ID,
    bus,
    // A page signed in through this backend (backend-url) is known by its session cookie.
    identify: (request) => {
      const s = identify(request);
      return s ? { iss: issuer, sub: s.sub, ...(s.sid ? { sid: s.sid } : {}) } : null;
    },
  });

  return {
    bus,
    replayStore,
    stream,
    close: async () => {
      for (const client of clients) client.destroy();
    },
  };
}
