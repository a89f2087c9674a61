// Side-effect free: importing this registers nothing. Import 'aq-signin/define' for <aq-signin>.
export { AqSignin, setAqSigninDefaults } from './element/aq-signin.js';
export { defineAqSignin } from './define-aq-signin.js';
export { AqClient, createClient } from './core/client.js';
export { AqError } from './errors.js';
export type { AqErrorCode, AqErrorOptions } from './errors.js';
export type { AqClientOptions, AqConfig } from './core/config.js';
export type { SignOutOptions } from './core/client.js';
export type { AqAddress, AqProfile, SignedInRecord } from './core/store.js';
export type { AqEventDetail, AqEventMap, AqLogoutReason } from './events.js';
