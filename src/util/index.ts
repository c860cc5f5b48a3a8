/** @module util: small pure helpers shared by every layer (errors, clock, durations). */
export * from './errors.ts';
export * from './clock.ts';
export * from './duration.ts';
export * from './ids.ts';
export * from './prng.ts';
