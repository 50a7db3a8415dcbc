// The torture harness's verdicts (main thread of the harness, after the run): per
// workload, linearizability per key (registers, sets) or the list-append anomalies
// (lists), and for every workload the check that no acknowledged write is missing
// from the final reads. A violation comes with the smallest failing piece of that
// key's history (src/tools/checker/minimize.ts) and an SVG timeline of it.
//
// Invariants: a verdict is 'ok' only when every key was checked to the end; a search
// that hit its step limit makes the verdict 'unknown' (never 'ok').

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Operation } from '../checker/history.js';
import { checkLinearizable, type KeyVerdict } from '../checker/linearizability.js';
import { checkListAppend, type ListAnomaly } from '../checker/list-append.js';
import { minimizeViolation, pruneIndeterminate, type Reducer, registerReducer, setReducer } from '../checker/minimize.js';
import { type Model, registerModel, setModel } from '../checker/model.js';
import { timelineSvg } from '../checker/timeline-svg.js';
import type { FaultRecord } from './nemesis.js';
import { type ListWorkload, type RegisterWorkload, setValueStride, type SetWorkload } from './workloads.js';

export type Verdict = 'ok' | 'violation' | 'unknown';

export interface WorkloadVerdict {
  readonly workload: string;
  readonly verdict: Verdict;
  readonly keysChecked: number;
  /** Human-readable findings, one per line. */
  readonly findings: string[];
  /** Keys with acknowledged writes missing from the final reads. */
  readonly lostAcknowledged: number;
  /** SVG files written for violations. */
  readonly files: string[];
}

export interface CheckContext {
  readonly outDir: string;
  readonly faults: readonly FaultRecord[];
  readonly stepsMax: number;
}

export function checkRegisters(w: RegisterWorkload, ctx: CheckContext): WorkloadVerdict {
  const lost: string[] = [];
  const finals = w.finalValues();
  const reducer = registerReducer(setValueStride);
  // No acknowledged write missing: a key some acknowledged write changed must not read nil.
  for (const [key, value] of finals) {
    const acked = w.history.filter((o) => o.key === key && o.input.op !== 'get' && o.returnMs !== undefined);
    if (value === null && acked.length > 0) lost.push(`${key}: final GET is nil after ${acked.length} acknowledged writes (last acknowledged ${describe(acked.at(-1)!)})`);
  }
  return linearizabilityVerdict('register', registerModel, reducer, w.history, lost, ctx);
}

export function checkSets(w: SetWorkload, ctx: CheckContext): WorkloadVerdict {
  const lost: string[] = [];
  for (const [key, members] of w.finalMembers()) {
    const present = new Set(members);
    const missing = w.history.filter((o) => o.key === key && o.input.op === 'add' && o.returnMs !== undefined && !present.has(o.input.value));
    if (missing.length > 0) lost.push(`${key}: ${missing.length} acknowledged SADDs missing from the final SMEMBERS (e.g. ${missing.slice(0, 5).map((o) => (o.input.op === 'add' ? o.input.value : '')).join(', ')})`);
  }
  return linearizabilityVerdict('set', setModel, setReducer, w.history, lost, ctx);
}

type ListInput = { op: 'append'; value: string } | { op: 'read' };

/** Only for drawing: list operations are checked by checkListAppend, not by a search. */
const listView: Model<null, ListInput, readonly string[]> = {
  name: 'list',
  init: () => null,
  step: () => null,
  key: () => '',
  describe(input, output) {
    if (input.op === 'append') return `RPUSH ${input.value}`;
    if (output === undefined) return 'LRANGE -> ?';
    return `LRANGE -> [${output.length > 8 ? `${output.slice(0, 3).join(',')},...(${output.length}),${output.at(-1)}` : output.join(',')}]`;
  },
};

/** The anomaly's operations as a timeline piece. */
function listPiece(w: ListWorkload, key: string, involved: ListAnomaly['involved']): Operation<ListInput, readonly string[]>[] {
  return involved.map((o, id) => {
    if (o === 'final') {
      const t = w.finalReadTimes.get(key) ?? { callMs: 0, returnMs: 0 };
      return { id, client: -1, key, input: { op: 'read' }, callMs: t.callMs, returnMs: t.returnMs, output: w.finalLists.get(key) ?? [] };
    }
    if ('value' in o) return { id, client: id, key, input: { op: 'append', value: o.value }, callMs: o.callMs, returnMs: o.returnMs, output: [] };
    return { id, client: id, key, input: { op: 'read' }, callMs: o.callMs, returnMs: o.returnMs, output: o.values };
  });
}

export function checkLists(w: ListWorkload, ctx: CheckContext): WorkloadVerdict {
  const anomalies = checkListAppend(w.appends, w.reads, w.finalLists);
  // One line per key and kind: a count and the first few details.
  const groups = new Map<string, string[]>();
  for (const a of anomalies) {
    const k = `${a.key}: ${a.kind}`;
    let list = groups.get(k);
    if (list === undefined) groups.set(k, (list = []));
    list.push(a.detail);
  }
  const findings = [...groups].slice(0, 12).map(([k, details]) => `${k} x${details.length}: ${details.slice(0, 2).join('; ')}${details.length > 2 ? '; ...' : ''}`);
  if (groups.size > 12) findings.push(`... and ${groups.size - 12} more keys/kinds with anomalies`);
  const lostAcknowledged = new Set(anomalies.filter((a) => a.kind === 'lost').map((a) => a.key)).size;
  // The first anomaly of the first few keys, drawn: its operations are its failing piece.
  const files: string[] = [];
  const drawn = new Set<string>();
  for (const a of anomalies) {
    if (drawn.has(a.key) || drawn.size >= 3) continue;
    drawn.add(a.key);
    const file = join(ctx.outDir, `torture-list-${a.key.replace(/[^A-Za-z0-9_-]/g, '_')}.svg`);
    const piece = listPiece(w, a.key, a.involved);
    writeFileSync(file, timelineSvg(listView, piece, { title: `list ${a.key}: ${a.kind}: ${a.detail}`, stuckId: piece.at(-1)?.id, faults: ctx.faults.map((f) => ({ startMs: f.startMs, endMs: f.endMs, label: f.description })) }));
    files.push(file);
    findings.push(`${a.key}: smallest failing piece: ${piece.map((o) => listView.describe(o.input, o.output)).join(' then ')}; timeline: ${file}`);
  }
  return { workload: 'list', verdict: anomalies.length === 0 ? 'ok' : 'violation', keysChecked: w.finalLists.size, findings, lostAcknowledged, files };
}

function linearizabilityVerdict<S, I, O>(
  name: string,
  model: Model<S, I, O>,
  reducer: Reducer<I, O>,
  history: readonly Operation<I, O>[],
  lost: string[],
  ctx: CheckContext,
): WorkloadVerdict {
  const byKey = new Map<string, Operation<I, O>[]>();
  for (const op of history) {
    let list = byKey.get(op.key);
    if (list === undefined) byKey.set(op.key, (list = []));
    list.push(op);
  }
  const findings: string[] = [...lost];
  const files: string[] = [];
  let unknown = false;
  let violations = 0;
  for (const [key, ops] of byKey) {
    const pruned = pruneIndeterminate(reducer, ops);
    const result = checkLinearizable(model, pruned, { stepsMax: ctx.stepsMax });
    const verdict = result.keys[0]!;
    if (verdict.result === 'unknown') {
      unknown = true;
      findings.push(`${key}: search gave up after ${ctx.stepsMax} steps (${pruned.length} operations, ${pruned.filter((o) => o.returnMs === undefined).length} indeterminate)`);
      continue;
    }
    if (verdict.result === 'ok') continue;
    violations++;
    if (violations > 3) continue; // the first few are enough to read; all count
    findings.push(...explain(name, model, reducer, key, pruned, verdict, ctx, files));
  }
  if (violations > 3) findings.push(`... ${violations - 3} more keys not linearizable`);
  const verdict: Verdict = violations > 0 || lost.length > 0 ? 'violation' : unknown ? 'unknown' : 'ok';
  return { workload: name, verdict, keysChecked: byKey.size, findings, lostAcknowledged: lost.length, files };
}

function explain<S, I, O>(
  name: string,
  model: Model<S, I, O>,
  reducer: Reducer<I, O>,
  key: string,
  ops: readonly Operation<I, O>[],
  full: KeyVerdict<I, O>,
  ctx: CheckContext,
  files: string[],
): string[] {
  const piece = minimizeViolation(model, reducer, ops, { stepsMax: ctx.stepsMax, checksMax: 2000 });
  const again = checkLinearizable(model, piece, { stepsMax: ctx.stepsMax }).keys[0];
  const verdict = again !== undefined && again.result === 'violation' ? again : full;
  const lines = [`${key}: not linearizable (${ops.length} operations; smallest failing piece: ${piece.length})`];
  const d = (o: Operation<I, O>): string =>
    `    process ${o.client}: ${model.describe(o.input, o.returnMs === undefined ? undefined : o.output)} [${o.callMs.toFixed(1)}, ${o.returnMs === undefined ? '?' : o.returnMs.toFixed(1)}] ms`;
  for (const o of [...piece].sort((a, b) => a.callMs - b.callMs)) lines.push(`${d(o)}${o.id === verdict.stuckAt?.id ? '   <-- cannot be linearized' : ''}`);
  const file = join(ctx.outDir, `torture-${name}-${key.replace(/[^A-Za-z0-9_-]/g, '_')}.svg`);
  writeFileSync(
    file,
    timelineSvg(model, piece, {
      title: `${name} ${key}: not linearizable`,
      stuckId: verdict.stuckAt?.id,
      linearizedIds: verdict.linearized?.map((o) => o.id),
      faults: ctx.faults.map((f) => ({ startMs: f.startMs, endMs: f.endMs, label: f.description })),
    }),
  );
  files.push(file);
  lines.push(`    timeline: ${file}`);
  return lines;
}

function describe(o: Operation<unknown, unknown>): string {
  return `${JSON.stringify(o.input)} at ${o.returnMs?.toFixed(1)} ms`;
}
