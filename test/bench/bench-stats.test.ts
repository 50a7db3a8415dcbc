// The benchmarks' shared helpers (bench/endpoint/bench-stats.ts): every RESULTS.md
// section's medians and redis-benchmark figures go through them.

import { describe, expect, it } from 'vitest';
import { benchmarkCsvRow, median } from '../../bench/endpoint/bench-stats.js';

// redis-benchmark 7.0.15's --csv for `-t lpush,lrange_100` (values from a real run,
// shortened): the fill pass for LRANGE has a row of its own.
const csv = [
  '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"',
  '"LPUSH","401606.44","1.867","0.264","1.759","2.815","3.495","7.615"',
  '"LPUSH (needed to benchmark LRANGE)","395256.91","1.891","0.240","1.791","2.791","3.367","5.071"',
  '"LRANGE_100 (first 100 elements)","61050.06","12.767","1.704","12.447","16.559","18.639","25.839"',
  '',
].join('\n');

describe('bench-stats', () => {
  it('median: the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(/no values/);
  });

  it('benchmarkCsvRow picks the named test, not a fill pass, and a described name', () => {
    expect(benchmarkCsvRow(csv, 'lpush')).toEqual({ rps: 401606.44, avgMs: 1.867, p50Ms: 1.759, p99Ms: 3.495, maxMs: 7.615 });
    expect(benchmarkCsvRow(csv, 'lrange_100').p99Ms).toBe(18.639);
    expect(benchmarkCsvRow(csv).rps).toBe(401606.44);
    expect(() => benchmarkCsvRow(csv, 'get')).toThrow(/no get row/);
    expect(() => benchmarkCsvRow('"test","rps"\n"GET","x"\n', 'get')).toThrow(/has no rps/);
  });
});
