// The latency monitor (engine worker): Redis 7.0's latency.c, reduced to what KeelDB
// measures. Events are named as Redis names them ("command", "fast-command"); each
// keeps a ring of its last 160 samples, one per second at most (a second sample in
// the same second keeps the larger latency), plus the all-time maximum.
//
// Nothing is recorded unless latency-monitor-threshold > 0 and a sample reaches it
// (Redis's latencyAddSampleIfNeeded), so the monitor costs one comparison per command.
//
// Invariants: a series holds at most latencyHistoryCount samples, oldest first;
// sample times are unix seconds and non-decreasing within a series.

/** LATENCY_TS_LEN: samples kept per event. */
export const latencyHistoryCount = 160;

export interface LatencySample {
  /** Unix seconds. */
  time: number;
  /** Milliseconds. */
  latencyMs: number;
}

interface LatencySeries {
  samples: LatencySample[];
  maxMs: number;
}

export class LatencyMonitor {
  /** Event name -> series, in first-seen order. */
  readonly events = new Map<string, LatencySeries>();

  /** Records `latencyMs` for `event` at `nowMs` if it reaches `thresholdMs` (> 0). */
  addSampleIfNeeded(event: string, latencyMs: number, thresholdMs: number, nowMs: number): void {
    if (thresholdMs <= 0 || latencyMs < thresholdMs) return;
    this.addSample(event, latencyMs, Math.floor(nowMs / 1000));
  }

  addSample(event: string, latencyMs: number, time: number): void {
    let series = this.events.get(event);
    if (series === undefined) {
      series = { samples: [], maxMs: 0 };
      this.events.set(event, series);
    }
    if (latencyMs > series.maxMs) series.maxMs = latencyMs;
    const last = series.samples[series.samples.length - 1];
    if (last !== undefined && last.time === time) {
      if (latencyMs > last.latencyMs) last.latencyMs = latencyMs;
      return;
    }
    series.samples.push({ time, latencyMs });
    if (series.samples.length > latencyHistoryCount) series.samples.shift();
  }

  /** LATENCY LATEST rows: [event, time, latest ms, max ms]. */
  latest(): Array<[string, number, number, number]> {
    const out: Array<[string, number, number, number]> = [];
    for (const [name, s] of this.events) {
      const last = s.samples[s.samples.length - 1];
      if (last !== undefined) out.push([name, last.time, last.latencyMs, s.maxMs]);
    }
    return out;
  }

  history(event: string): readonly LatencySample[] {
    return this.events.get(event)?.samples ?? [];
  }

  /** Resets the named events (all when none are named); returns how many existed. */
  reset(events: readonly string[]): number {
    if (events.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const e of events) if (this.events.delete(e)) n++;
    return n;
  }
}
