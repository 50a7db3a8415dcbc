// Counters behind INFO stats / commandstats / errorstats / latencystats, LATENCY
// HISTOGRAM and CONFIG RESETSTAT (engine worker). The engine counts calls, rejections
// and error replies; handlers count keyspace hits and misses (lookupKeyRead in
// commands/strings.ts).
//
// Per-command latency is a histogram of power-of-two microsecond buckets (bucket k
// holds durations in [2^(k-1), 2^k), bucket 0 holds 0 us): one array increment per
// call, where Redis keeps an HDR histogram. Percentiles are reported as the bucket's
// upper bound, so they are coarser than Redis's (3 significant digits).

/** Buckets of the per-command latency histogram: up to 2^31 us (about 36 minutes). */
export const latencyBucketCount = 32;

export interface CommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
  /** Calls per power-of-two duration bucket (see the file comment). */
  readonly latencyBuckets: Uint32Array;
}

/** The bucket of a duration in microseconds. */
export function latencyBucket(usec: number): number {
  if (usec < 1) return 0;
  const b = 32 - Math.clz32(Math.min(usec, 2 ** 31 - 1));
  return b < latencyBucketCount ? b : latencyBucketCount - 1;
}

/** The upper bound (us) of a bucket. */
export function latencyBucketUpperUs(bucket: number): number {
  return bucket === 0 ? 1 : 2 ** bucket;
}

/** The bucket upper bound below which `fraction` of the calls fall (0 when no calls). */
export function latencyPercentileUs(s: CommandStat, fraction: number): number {
  let total = 0;
  for (let i = 0; i < latencyBucketCount; i++) total += s.latencyBuckets[i]!;
  if (total === 0) return 0;
  const want = Math.max(1, Math.ceil(total * fraction));
  let seen = 0;
  for (let i = 0; i < latencyBucketCount; i++) {
    seen += s.latencyBuckets[i]!;
    if (seen >= want) return latencyBucketUpperUs(i);
  }
  return latencyBucketUpperUs(latencyBucketCount - 1);
}

export class Stats {
  totalConnectionsReceived = 0;
  totalCommandsProcessed = 0;
  expiredKeys = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  rejectedConnections = 0;
  totalErrorReplies = 0;
  readonly commands = new Map<string, CommandStat>();
  /** Error replies by their code (first word: ERR, WRONGTYPE...), for INFO errorstats. */
  readonly errorCodes = new Map<string, number>();
  /** INFO's instantaneous_ops_per_sec, sampled at INFO time (see sampleOps). */
  private opsSampleMs = -1;
  private opsSampleCount = 0;
  private opsPerSec = 0;

  /** Counts one error reply by its code (optional: the engine may call it per error). */
  recordErrorCode(message: string): void {
    const space = message.indexOf(' ');
    const code = space < 0 ? message : message.slice(0, space);
    this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
  }

  /**
   * Commands per second between the previous sample and now. Redis samples every
   * 100 ms from its cron; we have no cron here, so INFO takes the samples: a call
   * within 100 ms of the last sample returns the last rate.
   */
  sampleOps(nowMs: number): number {
    if (this.opsSampleMs < 0) {
      this.opsSampleMs = nowMs;
      this.opsSampleCount = this.totalCommandsProcessed;
      return 0;
    }
    const elapsed = nowMs - this.opsSampleMs;
    if (elapsed >= 100) {
      this.opsPerSec = Math.round(((this.totalCommandsProcessed - this.opsSampleCount) * 1000) / elapsed);
      this.opsSampleMs = nowMs;
      this.opsSampleCount = this.totalCommandsProcessed;
    }
    return this.opsPerSec;
  }

  /**
   * recordCall's one-entry cache: the last command's name and its stat (a pipeline
   * mostly repeats one command; a name compare costs less than the map lookup).
   * Cleared with the map (reset).
   */
  private lastCallName = '';
  private lastCallStat: CommandStat | undefined = undefined;

  /** Records one executed command (name lower case, 'config|get' for subcommands). */
  recordCall(name: string, usec: number, failed: boolean): void {
    let s = name === this.lastCallName ? this.lastCallStat : this.commands.get(name);
    if (s === undefined) {
      s = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0, latencyBuckets: new Uint32Array(latencyBucketCount) };
      this.commands.set(name, s);
    }
    this.lastCallName = name;
    this.lastCallStat = s;
    s.calls++;
    s.usec += usec;
    s.latencyBuckets[latencyBucket(usec)]!++;
    if (failed) s.failedCalls++;
    this.totalCommandsProcessed++;
  }

  /** Records a command rejected before it ran (unknown, arity, NOAUTH...). */
  recordRejected(name: string): void {
    const s = this.commands.get(name);
    if (s !== undefined) s.rejectedCalls++;
    this.totalErrorReplies++;
  }

  reset(): void {
    this.totalConnectionsReceived = 0;
    this.totalCommandsProcessed = 0;
    this.expiredKeys = 0;
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
    this.rejectedConnections = 0;
    this.totalErrorReplies = 0;
    this.commands.clear();
    this.lastCallName = '';
    this.lastCallStat = undefined;
    this.errorCodes.clear();
    this.opsSampleMs = -1;
    this.opsPerSec = 0;
  }
}
