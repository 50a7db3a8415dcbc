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

export interface LatencySeries {
  samples: LatencySample[];
  maxMs: number;
}

export class LatencyMonitor {
  /** Event name -> series, in first-seen order. */
  readonly events = new Map<string, LatencySeries>();

  series(event: string): LatencySeries | undefined {
    return this.events.get(event);
  }

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
    // Redis compares names with strcasecmp here (and only here).
    let n = 0;
    for (const e of events) {
      const lower = e.toLowerCase();
      for (const name of [...this.events.keys()]) {
        if (name.toLowerCase() === lower && this.events.delete(name)) n++;
      }
    }
    return n;
  }
}

// --- LATENCY DOCTOR ------------------------------------------------------------------------

/** What LATENCY DOCTOR needs to know of the configuration. */
export interface LatencyDoctorConfig {
  latencyMonitorThreshold: number;
  slowlogLogSlowerThan: number;
}

/**
 * 7.0's createLatencyReport for the events KeelDB records ("command", "fast-command"),
 * with Redis's texts. Redis also advises on transparent huge pages after reading
 * /proc/self/smaps; KeelDB does not inspect the OS, so that advice never appears.
 */
export function latencyDoctorReport(monitor: LatencyMonitor, config: LatencyDoctorConfig, nowS: number): string {
  if (monitor.events.size === 0 && config.latencyMonitorThreshold === 0) {
    return 'I\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n';
  }
  let report = '';
  let eventnum = 0;
  let advices = 0;
  let slowlogEnabled = false;
  let slowlogTuning = false;
  let slowlogInspect = false;
  let scheduler = false;
  let largeObjects = false;
  for (const [event, series] of monitor.events) {
    eventnum++;
    if (eventnum === 1) report += 'Dave, I have observed latency spikes in this Redis instance. You don\'t mind talking about it, do you Dave?\n\n';
    const samples = series.samples;
    let sum = 0;
    let oldest = 0;
    for (const s of samples) {
      sum += s.latencyMs;
      if (oldest === 0 || s.time < oldest) oldest = s.time;
    }
    const avg = samples.length > 0 ? Math.floor(sum / samples.length) : 0;
    let period = samples.length > 0 ? nowS - oldest : 0;
    if (samples.length > 0 && period === 0) period = 1;
    let dev = 0;
    for (const s of samples) dev += Math.abs(avg - s.latencyMs);
    const mad = samples.length > 0 ? Math.floor(dev / samples.length) : 0;
    report += `${eventnum}. ${event}: ${samples.length} latency spikes (average ${avg}ms, mean deviation ${mad}ms, period ${(period / samples.length).toFixed(2)} sec). Worst all time event ${series.maxMs}ms.`;
    if (event === 'command') {
      if (config.slowlogLogSlowerThan < 0) {
        slowlogEnabled = true;
        advices++;
      } else if (Math.trunc(config.slowlogLogSlowerThan / 1000) > config.latencyMonitorThreshold) {
        slowlogTuning = true;
        advices++;
      }
      slowlogInspect = true;
      largeObjects = true;
      advices += 2;
    }
    if (event === 'fast-command') {
      scheduler = true;
      advices++;
    }
    report += '\n';
  }
  if (eventnum === 0 && advices === 0) {
    return `${report}Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n`;
  }
  if (advices === 0) {
    return `${report}\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n`;
  }
  report += '\nI have a few advices for you:\n\n';
  const threshold = config.latencyMonitorThreshold * 1000;
  if (slowlogEnabled) {
    report += `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${threshold}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
  }
  if (slowlogTuning) {
    report += `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${threshold}'.\n`;
  }
  if (slowlogInspect) {
    report += '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
  }
  if (scheduler) {
    report +=
      '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
      '  1) Lower the system load.\n' +
      '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
      '  3) Check if you have a "noisy neighbour" problem.\n' +
      '  4) Check with \'redis-cli --intrinsic-latency 100\' what is the intrinsic latency in your system.\n' +
      '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n';
  }
  if (largeObjects) {
    report += '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
  }
  return report;
}

// --- LATENCY GRAPH -------------------------------------------------------------------------

const graphColumns = 80;
const graphRows = 4;
/** Sparkline glyphs from low to high within one row (Redis's fill charset). */
const fillGlyphs = '_o#';

/**
 * 7.0's LATENCY GRAPH text for an event with samples: a header, a rule, then a filled
 * sparkline (4 rows of 3 levels each, min to max) with each sample labelled by how
 * long ago it happened (s, m, h, d), printed vertically under it.
 */
export function latencyGraph(event: string, series: { samples: readonly LatencySample[]; maxMs: number }, nowS: number): string {
  const samples = series.samples;
  let min = 0;
  let max = 0;
  const labels: string[] = [];
  samples.forEach((s, i) => {
    if (i === 0) {
      min = max = s.latencyMs;
    } else {
      if (s.latencyMs > max) max = s.latencyMs;
      if (s.latencyMs < min) min = s.latencyMs;
    }
    const ago = nowS - s.time;
    labels.push(ago < 60 ? `${ago}s` : ago < 3600 ? `${Math.trunc(ago / 60)}m` : ago < 86400 ? `${Math.trunc(ago / 3600)}h` : `${Math.trunc(ago / 86400)}d`);
  });
  let out = `${event} - high ${max} ms, low ${min} ms (all time high ${series.maxMs} ms)\n${'-'.repeat(graphColumns)}\n`;
  const values = samples.map((s) => s.latencyMs);
  for (let start = 0; start < values.length; start += graphColumns) {
    if (start !== 0) out += '\n';
    out += sparklineRows(values, labels, start, Math.min(graphColumns, values.length - start));
  }
  return out;
}

/** Rows of one sparkline chunk: the graph rows, one blank spacing row, then the labels. */
function sparklineRows(values: readonly number[], labels: readonly string[], offset: number, len: number): string {
  // Min and max are over the whole sequence, as the chunks share one scale.
  let min = values[0]!;
  let max = values[0]!;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min === 0 ? 1 : max - min;
  const steps = fillGlyphs.length * graphRows;
  let out = '';
  for (let row = 0; ; row++) {
    let any = false;
    const chars = new Array<string>(len).fill(' ');
    for (let j = 0; j < len; j++) {
      let step = Math.trunc(Math.trunc((values[offset + j]! - min) * steps) / range);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < graphRows) {
        any = true;
        const glyph = step - (graphRows - row - 1) * fillGlyphs.length;
        if (glyph >= 0 && glyph < fillGlyphs.length) chars[j] = fillGlyphs[glyph]!;
        else if (glyph >= fillGlyphs.length) chars[j] = '|';
      } else {
        if (labels.length > 0 && row - graphRows < 1) {
          any = true; // the blank row between graph and labels
          chars.fill(' ');
          break;
        }
        const label = labels[offset + j]!;
        const at = row - graphRows - 1;
        if (label.length > at) {
          any = true;
          chars[j] = label[at]!;
        }
      }
    }
    if (!any) break;
    out += `${chars.join('')}\n`;
  }
  return out;
}
