export interface HostileOp {
  /** `http://localhost:${port}` */
  issuer: string;
  /** Picks what the next answers get wrong (a name of CASES in cases.js); also undoes rotateKeys(). */
  setCase(name: string): void;
  /** key-rotation: from now on only the second key is published and signs. */
  rotateKeys(): void;
  /** Token requests that reached /token-elsewhere by following the token-redirect case's 307. */
  readonly redirectedTokenRequests: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

export function startHostileOp(options?: { port?: number; rpOrigin?: string }): Promise<HostileOp>;
