// What every side-by-side benchmark here shares (benchmark process, main thread): the
// median of its runs, a progress line on stderr, redis-benchmark 7's --csv rows, the
// tools' versions, and the in-process A/B benches' alternating rounds and table. One
// copy, so that every RESULTS.md section means the same by "median" (the mean of the
// two middle values for an even count) and reads the same columns.

import { execFileSync } from 'node:child_process';

/** The median of `xs` (not empty); for an even count, the mean of the two middle values. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The in-process A/B micro-benchmarks' rounds (connection-input, reply-drain): every
 * shape timed on both builds each round, the builds' order alternating so neither
 * always runs second; returns the samples keyed `${shape name} ${build label}`.
 */
export function alternatingRounds<B extends { label: string }, S extends { name: string }>(builds: readonly B[], shapes: readonly S[], rounds: number, time: (build: B, shape: S) => number): Map<string, number[]> {
  const samples = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const s of shapes) {
      for (const b of order) {
        const ns = time(b, s);
        const key = `${s.name} ${b.label}`;
        (samples.get(key) ?? samples.set(key, []).get(key)!).push(ns);
      }
    }
  }
  return samples;
}

/** Prints alternatingRounds' medians for builds 'a' and 'b' as a table: one row a shape, b/a last. */
export function printAbMedians(heading: string, dists: { a: string; b: string }, shapes: readonly { name: string }[], samples: Map<string, number[]>): void {
  console.log(heading);
  console.log(`a: ${dists.a}\nb: ${dists.b}`);
  console.log('| shape | a | b | b/a |\n|---|---:|---:|---:|');
  for (const s of shapes) {
    const a = median(samples.get(`${s.name} a`)!);
    const b = median(samples.get(`${s.name} b`)!);
    console.log(`| ${s.name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(2)} |`);
  }
}

/** The `p` quantile of ascending `sorted` (not empty): the value at floor(length * p), the last for p = 1. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/**
 * Prints one row per name of `values` (ms samples, sorted here; empty ones left out):
 * its p50, p99 and mean, the names padded to `nameWidth`, under a header whose first
 * column is `title`. The per-stage latency benches (hop-trace, latency-breakdown) print so.
 */
export function printLatencyTable(title: string, names: readonly string[], values: Map<string, number[]>, nameWidth: number): void {
  console.log(`${title.padEnd(nameWidth + 2)}p50 ms   p99 ms   mean ms`);
  for (const name of names) {
    const v = values.get(name)!.sort((a, b) => a - b);
    if (v.length === 0) continue;
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    console.log(`${name.padEnd(nameWidth)} ${percentile(v, 0.5).toFixed(3).padStart(7)}  ${percentile(v, 0.99).toFixed(3).padStart(7)}  ${mean.toFixed(3).padStart(7)}`);
  }
}

/** A progress printer: `[tag 12.3s] msg` on stderr, seconds since it was made. */
export function progressLogger(tag: string): (msg: string) => void {
  const t0 = Date.now();
  return (msg) => process.stderr.write(`[${tag} ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
}

/** `cmd --version`'s version number (redis-server prints v=7.0.15, redis-benchmark 7.0.15). */
export function toolVersion(cmd: string): string {
  const out = execFileSync(cmd, ['--version'], { encoding: 'utf8' });
  return /v=(\S+)/.exec(out)?.[1] ?? /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? out.trim();
}

/** One redis-benchmark result: ops/s and its latencies in ms (redis-benchmark's own). */
export interface BenchmarkRow {
  rps: number;
  avgMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * redis-benchmark 7's --csv ("test","rps","avg_latency_ms","min_latency_ms",
 * "p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"): the row of
 * `test`, or the first row without one. Some names carry a description ("LRANGE_100
 * (first 100 elements)") and lrange's fill pass has a row of its own ("LPUSH (needed to
 * benchmark LRANGE)"), so the row is the one named `test` or `test (...)`, never a fill
 * pass. Fields are split on '","' since a custom command's name may hold commas.
 */
export function benchmarkCsvRow(out: string, test?: string): BenchmarkRow {
  const lines = out.split('\n').filter((l) => l.startsWith('"'));
  const header = lines.find((l) => l.startsWith('"test"'));
  const name = test?.toUpperCase();
  const line = lines.find((l) =>
    name === undefined ? !l.startsWith('"test"') : (l.startsWith(`"${name}"`) || l.startsWith(`"${name} (`)) && !l.includes('needed to'),
  );
  if (header === undefined || line === undefined) throw new Error(`no ${test ?? 'result'} row in redis-benchmark output: ${out}`);
  const cols = header.split(',').map((c) => c.replaceAll('"', ''));
  const vals = line.trim().split('","').map((c) => c.replaceAll('"', ''));
  const get = (col: string): number => {
    const i = cols.indexOf(col);
    const v = Number(vals[i]);
    if (i < 0 || !Number.isFinite(v)) throw new Error(`redis-benchmark --csv has no ${col}: ${out}`);
    return v;
  };
  return { rps: get('rps'), avgMs: get('avg_latency_ms'), p50Ms: get('p50_latency_ms'), p99Ms: get('p99_latency_ms'), maxMs: get('max_latency_ms') };
}
