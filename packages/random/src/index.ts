// @backprop/random: the seeded generator every Backprop package draws from (no dependencies).
export { Rng } from './rng.js';
