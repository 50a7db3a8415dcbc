// Redis's LFU access counter (evict.c), kept per key in the keyspace's access stamps
// when maxmemory-policy is an LFU policy (engine worker). As in Redis, one per-key field
// holds either the last access time (LRU policies: unix ms here) or LFU data; switching
// policies at runtime reinterprets it ("will take some time to adjust", Redis says).
//
// LFU stamp = minutes * 256 + counter: the last decrement time in minutes (16 bits,
// wrapping, as LFUGetTimeInMinutes) and a logarithmic 8-bit counter that starts at
// LFU_INIT_VAL and grows with probability 1 / ((counter - 5) * lfu-log-factor + 1).

/** LFU_INIT_VAL: a new key's counter, so that new keys are not evicted at once. */
export const lfuInitCount = 5;
/** lfu-log-factor and lfu-decay-time (minutes): Redis 7.0's defaults. */
export const lfuLogFactor = 10;
export const lfuDecayMinutes = 1;

function minutesOf(nowMs: number): number {
  return Math.floor(nowMs / 60_000) & 65535;
}

/** A stamp holding `counter` as of nowMs (RESTORE ... FREQ). */
export function lfuStamp(nowMs: number, counter: number): number {
  return minutesOf(nowMs) * 256 + counter;
}

/** The stamp of a key created at nowMs. */
export function lfuNewStamp(nowMs: number): number {
  return lfuStamp(nowMs, lfuInitCount);
}

/** LFUDecrAndReturn: the counter after the decay since its last decrement time. */
export function lfuCount(stamp: number, nowMs: number): number {
  const ldt = Math.floor(stamp / 256);
  let counter = stamp & 255;
  const now = minutesOf(nowMs);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = lfuDecayMinutes > 0 ? Math.floor(elapsed / lfuDecayMinutes) : 0;
  if (periods > 0) counter = periods > counter ? 0 : counter - periods;
  return counter;
}

/** updateLFU: decay, then a logarithmic increment, stamped with the current minute. */
export function lfuTouch(stamp: number, nowMs: number, random: () => number): number {
  let counter = lfuCount(stamp, nowMs);
  if (counter < 255) {
    const base = Math.max(0, counter - lfuInitCount);
    if (random() < 1 / (base * lfuLogFactor + 1)) counter++;
  }
  return minutesOf(nowMs) * 256 + counter;
}
