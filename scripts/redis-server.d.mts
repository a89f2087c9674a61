export declare const REDIS_SERVER: string;
export declare function requireRedisServer(): void;
export interface RedisServer {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}
export declare function startRedis(options?: { port?: number }): Promise<RedisServer>;
