import type { RedisServer } from '../scripts/redis-server.mjs';

export interface World {
  redis: RedisServer;
  issuer: string;
  /** Instance A: pages and backend, http://127.0.0.1:port (another site than the OP). */
  a: string;
  /** Instance A again as http://localhost:port: the OP's site, where its session iframe works. */
  aSameSite: string;
  /** Instance B: backend only, http://localhost:port. */
  b: string;
  /** Every logout token the OP sent, with the instance it was forwarded to and its answer. */
  logoutTokens: { path: string; token: string; to: string; status: number }[];
  /** Where the relay forwards the OP's back-channel logouts. */
  forwardTo: string;
  close(): Promise<void>;
}
export declare function startWorld(): Promise<World>;
