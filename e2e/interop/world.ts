// Where the interop suite's servers listen (none of the default suite's ports: 3100, 5174, 3300)
// and what the global setup tells the tests.
export const PORTS = { rp: 5610, op9: 3610, llng: 3620, glewlwyd: 3630 } as const;
export const RP = `http://localhost:${PORTS.rp}`;
export const PAGE = '/e2e/pages/signin.html';

export type OpName = 'oidc-provider-9' | 'lemonldap' | 'glewlwyd';
export interface InteropWorld {
  state: string;
  ops: Partial<Record<OpName, { issuer?: string; skip?: string; /** a test page on the OP's own origin */ page?: string }>>;
}

export function world(): InteropWorld {
  const raw = process.env.AQ_INTEROP;
  if (!raw) throw new Error('AQ_INTEROP is not set: run the interop suite with `npm run test:interop`');
  return JSON.parse(raw);
}
