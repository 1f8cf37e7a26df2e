/** Demo data for Camden and Islington: plain, deterministic data; the server's `seed` command stores it. */
export { demoUsers } from './users.js';
export { loadWards, type Ward } from './wards.js';
