/** Shared timing for synchronous benchmarks. */

/** Calls fn repeatedly for `seconds` and returns calls per second (after a JIT warm-up). */
export function timeLoop(fn: () => void, seconds: number): number {
  for (let i = 0; i < 50; i++) fn();
  let n = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - started) / 1e9);
}
