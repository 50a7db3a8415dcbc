// The list-append checker (test tooling), in the spirit of Jepsen's Elle for lists:
// clients RPUSH unique values to a few keys and read whole lists (LRANGE inside
// MULTI). For each key it finds:
// - lost: an acknowledged append missing from the final read;
// - duplicated: a value present twice in any read;
// - phantom: a value in a read that no client ever tried to append;
// - reordered: two reads that are not prefixes of one another (a list only grows at
//   its tail), or an append acknowledged before another was called but placed after it;
// - stale: a read that misses an append acknowledged before the read was called.
// Indeterminate appends may or may not appear, but never twice and never out of order.
// Each anomaly names the operations that show it: that is its smallest failing piece.

export interface AppendOp {
  readonly key: string;
  readonly value: string;
  readonly callMs: number;
  /** undefined: indeterminate. */
  readonly returnMs?: number;
}

export interface ReadOp {
  readonly key: string;
  readonly callMs: number;
  readonly returnMs: number;
  readonly values: readonly string[];
}

export interface ListAnomaly {
  readonly key: string;
  readonly kind: 'lost' | 'duplicated' | 'phantom' | 'reordered' | 'stale';
  readonly detail: string;
  /** The operations that show it (the smallest failing piece); `final` stands for the final read. */
  readonly involved: readonly (AppendOp | ReadOp | 'final')[];
}

export function checkListAppend(
  appends: readonly AppendOp[],
  reads: readonly ReadOp[],
  finalReads: ReadonlyMap<string, readonly string[]>,
): ListAnomaly[] {
  const anomalies: ListAnomaly[] = [];
  const keys = new Set<string>([...appends.map((a) => a.key), ...finalReads.keys()]);
  for (const key of keys) {
    const keyAppends = appends.filter((a) => a.key === key);
    const byValue = new Map(keyAppends.map((a) => [a.value, a]));
    const finalRead = finalReads.get(key) ?? [];
    const allReads: { values: readonly string[]; callMs: number; label: string; op: ReadOp | 'final' }[] = reads
      .filter((r) => r.key === key)
      .map((r) => ({ values: r.values, callMs: r.callMs, label: `read at ${r.callMs.toFixed(1)}ms`, op: r }));
    allReads.push({ values: finalRead, callMs: Infinity, label: 'final read', op: 'final' });

    for (const r of allReads) {
      const seen = new Set<string>();
      for (const v of r.values) {
        if (seen.has(v)) anomalies.push({ key, kind: 'duplicated', detail: `${v} twice in ${r.label}`, involved: [r.op] });
        seen.add(v);
        if (!byValue.has(v)) anomalies.push({ key, kind: 'phantom', detail: `${v} in ${r.label} was never appended`, involved: [r.op] });
      }
      for (const a of keyAppends) {
        if (a.returnMs !== undefined && a.returnMs < r.callMs && !seen.has(a.value)) {
          anomalies.push({
            key,
            kind: r.callMs === Infinity ? 'lost' : 'stale',
            detail: `${a.value} acknowledged at ${a.returnMs.toFixed(1)}ms is missing from ${r.label}`,
            involved: [a, r.op],
          });
        }
      }
    }
    const sorted = [...allReads].sort((a, b) => a.values.length - b.values.length);
    for (let i = 1; i < sorted.length; i++) {
      const shorter = sorted[i - 1]!;
      const longer = sorted[i]!;
      for (let j = 0; j < shorter.values.length; j++) {
        if (shorter.values[j] !== longer.values[j]) {
          anomalies.push({
            key,
            kind: 'reordered',
            detail: `${shorter.label} is not a prefix of ${longer.label} at position ${j}`,
            involved: [shorter.op, longer.op],
          });
          break;
        }
      }
    }
    const position = new Map(finalRead.map((v, i) => [v, i]));
    for (const a of keyAppends) {
      if (a.returnMs === undefined) continue;
      const pa = position.get(a.value);
      if (pa === undefined) continue;
      for (const b of keyAppends) {
        const pb = position.get(b.value);
        if (pb !== undefined && b.callMs > a.returnMs && pb < pa) {
          anomalies.push({
            key,
            kind: 'reordered',
            detail: `${a.value} was acknowledged before ${b.value} was called but comes after it`,
            involved: [a, b, 'final'],
          });
        }
      }
    }
  }
  return anomalies;
}
