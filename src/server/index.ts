// aq-signin/server: backend helpers for the `backend-url` hand-off, on the Fetch API
// (Request -> Response), for Node 20 and any runtime with fetch and WebCrypto. The node:http
// adapter lives apart in ./node.ts so that this entry stays free of Node-only imports.
export { createCodeHandler, parseCodeHandoff } from './code-handler.js';
export type { CodeHandlerOptions, CodeHandoff, Profile, SignInResult } from './code-handler.js';
export { BACKCHANNEL_LOGOUT_EVENT, createBackchannelLogoutHandler } from './backchannel-logout.js';
export type { BackchannelLogoutOptions, LogoutEvent } from './backchannel-logout.js';
export { actionStateDecision, verifyAccessToken, verifyActionState } from './action-state.js';
export type { ActionDecision, ActionState, VerifyAccessTokenOptions, VerifyActionStateOptions } from './action-state.js';
export { createApiTokenVerifier } from './api-token.js';
export type { ApiTokenResult, ApiTokenVerifier, ApiTokenVerifierOptions, DPoPNonceSource } from './api-token.js';
export { ASYMMETRIC_ALGORITHMS } from './algorithms.js';
export { AqServerError } from './errors.js';
export type { AqServerErrorCode } from './errors.js';
export { clearIssuerCache } from './issuer.js';
export { createFormPostHandler } from './form-post.js';
export type { FormPostOptions } from './form-post.js';
export { createLogoutStreamHandler } from './logout-stream.js';
export type { LogoutStreamOptions, StreamSession } from './logout-stream.js';
export { memoryLogoutBus } from './logout-bus.js';
export type { LogoutBus, SessionEnded } from './logout-bus.js';
export { redisLogoutBus } from './redis-bus.js';
export type { RedisLogoutBusOptions } from './redis-bus.js';
export { redisReplayStore } from './redis-store.js';
export type { RedisReplayStoreOptions } from './redis-store.js';
export type { RedisCommands, RedisSubscriber } from './redis-client.js';
export { memoryReplayStore } from './replay-store.js';
export type { ReplayStore } from './replay-store.js';
