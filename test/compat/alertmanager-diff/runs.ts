/**
 * Size of the differential runs: small in npm test, larger with
 * LOOKOUT_AM_DIFF_SCALE=<factor> (e.g. 10). The seed is fixed, so a failure
 * reproduces; LOOKOUT_AM_DIFF_SEED explores other seeds.
 */
export const SCALE = Math.max(1, Number(process.env.LOOKOUT_AM_DIFF_SCALE ?? 1) || 1);
export const SEED = Number(process.env.LOOKOUT_AM_DIFF_SEED ?? 15_2026) || 15_2026;
