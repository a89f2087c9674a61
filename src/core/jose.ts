// The part of jose that front-channel ID tokens need, loaded on demand by id-token.ts so that the
// code flow never downloads it, and imported statically here so that bundlers tree-shake the rest.
export { createLocalJWKSet, errors, jwtVerify } from 'jose';
