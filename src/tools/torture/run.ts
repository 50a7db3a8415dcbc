// One torture run (main thread of the harness process): start a real KeelDB (three log
// nodes and the server, through proxies; cluster.ts), run the workloads' clients while
// the nemesis injects faults, stop the faults and heal, keep the clients going a little
// while the system recovers, stop them, wait for the server, read every key, check, and
// write the summary, the histories and any SVG timelines to `outDir`.
//
// --canary runs the server with `--journal none` and kills only the server: every
// acknowledged write since the last kill vanishes, so the run must end in a violation.
//
// Invariants: the cluster is stopped and its temp dir removed whatever happens; the
// verdict is 'ok' only if every workload's verdict is.

import { mkdirSync, writeFileSync } from 'node:fs';
import { type CheckContext, checkLists, checkRegisters, checkSets, type Verdict, type WorkloadVerdict } from './check.js';
import { Cluster, serverName } from './cluster.js';
import { type FaultRecord, Nemesis, type NemesisName } from './nemesis.js';
import { Rng } from './rng.js';
import { ListWorkload, RegisterWorkload, SetWorkload, sleep, type Workload, type WorkloadContext, type WorkloadName } from './workloads.js';

export interface TortureOptions {
  readonly timeMs: number;
  readonly nemeses: readonly NemesisName[];
  readonly clients: number;
  readonly seed: number;
  readonly canary: boolean;
  readonly workloads: readonly WorkloadName[];
  readonly outDir: string;
  /** A client gives up on an operation after this (it is then indeterminate). */
  readonly opTimeoutMs: number;
  /** The server's --journal-commit-timeout-ms. */
  readonly commitTimeoutMs: number;
  readonly intervalMsMin: number;
  readonly intervalMsMax: number;
  readonly holdMsMin: number;
  readonly holdMsMax: number;
  /** Keys rotate this often (see workloads.ts). */
  readonly generationMs: number;
  readonly thinkMsMax: number;
  /** Clients keep running this long after the faults are healed. */
  readonly recoveryMs: number;
  /** The final reads must succeed within this after the clients stop. */
  readonly settleMs: number;
  /** Linearizability search steps per key before 'unknown'. */
  readonly stepsMax: number;
  /** Progress lines. */
  readonly log: (line: string) => void;
  /** Child process output lines (default: dropped). */
  readonly childLog?: (line: string) => void;
}

export interface TortureResult {
  readonly verdict: Verdict;
  readonly summary: string;
  readonly verdicts: readonly WorkloadVerdict[];
  readonly faults: readonly FaultRecord[];
  /** 0 ok, 1 violation, 2 unknown (search limit or the system never answered the final reads). */
  readonly exitCode: number;
}

export function defaultOptions(timeMs: number): Omit<TortureOptions, 'nemeses' | 'clients' | 'seed' | 'canary' | 'workloads' | 'outDir' | 'log'> {
  const long = timeMs >= 120_000;
  const commitTimeoutMs = 3_000;
  return {
    timeMs,
    opTimeoutMs: 1_500,
    commitTimeoutMs,
    // The issue's target: a fault every 5 to 10 s in long runs; denser in short ones.
    intervalMsMin: long ? 5_000 : 1_000,
    intervalMsMax: long ? 10_000 : 3_000,
    holdMsMin: 500,
    holdMsMax: 3_000,
    generationMs: 2_000,
    thinkMsMax: 10,
    recoveryMs: 2_000,
    settleMs: 60_000,
    stepsMax: 2_000_000,
  };
}

export async function runTorture(opts: TortureOptions): Promise<TortureResult> {
  mkdirSync(opts.outDir, { recursive: true });
  const rng = new Rng(opts.seed);
  opts.log(`torture: starting three log nodes and the server (journal ${opts.canary ? 'none: CANARY' : 'quorum'})`);
  const cluster = await Cluster.start({ journal: opts.canary ? 'none' : 'quorum', commitTimeoutMs: opts.commitTimeoutMs, log: opts.childLog });
  try {
    const t0 = performance.now();
    const now = (): number => performance.now() - t0;
    let running = true;
    let processIds = 0;
    let uniques = 0;
    const ctx: WorkloadContext = {
      port: cluster.serverPort,
      opTimeoutMs: opts.opTimeoutMs,
      thinkMsMax: opts.thinkMsMax,
      generationMs: opts.generationMs,
      now,
      running: () => running,
      newProcessId: () => processIds++,
      nextUnique: () => ++uniques,
    };
    const workloads: Workload[] = opts.workloads.map((name) =>
      name === 'register' ? new RegisterWorkload(ctx) : name === 'list' ? new ListWorkload(ctx) : new SetWorkload(ctx),
    );
    const nemesisRng = rng.fork();
    const nemesis = new Nemesis(
      cluster,
      nemesisRng,
      {
        nemeses: opts.nemeses,
        intervalMsMin: opts.intervalMsMin,
        intervalMsMax: opts.intervalMsMax,
        holdMsMin: opts.holdMsMin,
        holdMsMax: opts.holdMsMax,
        pauseMsMin: Math.max(opts.opTimeoutMs, opts.commitTimeoutMs) + 1_000,
        canary: opts.canary,
      },
      now,
      opts.log,
    );
    opts.log(`torture: ${opts.clients} clients on ${opts.workloads.join(',')} for ${opts.timeMs / 1000} s, nemesis ${opts.canary ? 'kill (canary: server only)' : opts.nemeses.join(',')}, seed ${opts.seed}`);
    const clients: Promise<void>[] = [];
    for (let i = 0; i < opts.clients; i++) clients.push(workloads[i % workloads.length]!.runClient(rng.fork()));
    const faults = opts.nemeses.length > 0 || opts.canary ? nemesis.run(opts.timeMs) : Promise.resolve();
    await sleep(opts.timeMs);
    nemesis.stop();
    await faults;
    await nemesis.heal();
    opts.log(`torture: faults stopped and healed at ${now().toFixed(0)} ms; recovering`);
    await sleep(opts.recoveryMs);
    running = false;
    await Promise.all(clients);
    const settleDeadline = now() + opts.settleMs;
    await Promise.race([cluster.supervisor.whenReady(serverName), sleep(opts.settleMs)]);
    let answered = true;
    for (const w of workloads) answered = (await w.finalReads(settleDeadline)) && answered;
    opts.log(`torture: final reads ${answered ? 'done' : 'NOT answered'} at ${now().toFixed(0)} ms; checking`);

    const checkCtx: CheckContext = { outDir: opts.outDir, faults: nemesis.faults, stepsMax: opts.stepsMax };
    const verdicts: WorkloadVerdict[] = workloads.map((w) =>
      w instanceof RegisterWorkload ? checkRegisters(w, checkCtx) : w instanceof SetWorkload ? checkSets(w, checkCtx) : checkLists(w as ListWorkload, checkCtx),
    );
    const anyViolation = verdicts.some((v) => v.verdict === 'violation');
    // A workload that never completed an operation proves nothing.
    const idle = workloads.filter((w) => w.counts.ok === 0).map((w) => w.name);
    const verdict: Verdict = anyViolation ? 'violation' : !answered || idle.length > 0 || verdicts.some((v) => v.verdict === 'unknown') ? 'unknown' : 'ok';
    const lines: string[] = [];
    lines.push(`KeelDB torture: seed ${opts.seed}, ${opts.timeMs / 1000} s, ${opts.clients} clients, workloads ${opts.workloads.join(',')}, nemesis ${opts.nemeses.join(',') || 'none'}${opts.canary ? ', CANARY (--journal none, server kills)' : ''}`);
    lines.push(`faults injected: ${nemesis.faults.length}`);
    for (const f of nemesis.faults) lines.push(`  ${(f.startMs / 1000).toFixed(2).padStart(8)} s .. ${(f.endMs / 1000).toFixed(2).padStart(8)} s  ${f.description}`);
    lines.push('operations:');
    for (const w of workloads) {
      const c = w.counts;
      const errors = [...c.errors].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([t, n]) => `${n}x '${t}'`).join(', ');
      lines.push(`  ${w.name.padEnd(8)} ok ${c.ok}, failed ${c.fail}, indeterminate ${c.info}${errors === '' ? '' : `  (${errors})`}`);
    }
    const gap = longestGap(workloads);
    lines.push(`availability: longest time without a completed operation ${(gap.ms / 1000).toFixed(1)} s (from ${(gap.fromMs / 1000).toFixed(1)} s)`);
    if (cluster.unexpectedExits.length > 0) lines.push(`CRASHES (children that died unkilled): ${cluster.unexpectedExits.join('; ')}`);
    if (!answered) lines.push('final reads: the server did not answer every final read within the settle time');
    if (idle.length > 0) lines.push(`no operation completed for: ${idle.join(', ')}`);
    lines.push('verdicts:');
    for (const v of verdicts) {
      lines.push(`  ${v.workload.padEnd(8)} ${v.verdict === 'ok' ? 'ok' : v.verdict.toUpperCase()} (${v.keysChecked} keys, ${v.lostAcknowledged} with acknowledged writes lost)`);
      for (const f of v.findings) lines.push(`    ${f}`);
    }
    lines.push(`result: ${verdict === 'ok' ? 'PASS' : verdict === 'violation' ? 'FAIL (violation)' : 'UNKNOWN'}; output in ${opts.outDir}`);
    const summary = lines.join('\n');
    writeFileSync(`${opts.outDir}/summary.txt`, `${summary}\n`);
    writeFileSync(
      `${opts.outDir}/history.json`,
      JSON.stringify({
        seed: opts.seed,
        faults: nemesis.faults,
        workloads: workloads.map((w) =>
          w instanceof RegisterWorkload || w instanceof SetWorkload ? { name: w.name, history: w.history }
          : { name: w.name, appends: (w as ListWorkload).appends, reads: (w as ListWorkload).reads, final: Object.fromEntries((w as ListWorkload).finalLists) },
        ),
      }),
    );
    return { verdict, summary, verdicts, faults: nemesis.faults, exitCode: verdict === 'ok' ? 0 : verdict === 'violation' ? 1 : 2 };
  } finally {
    await cluster.stop();
  }
}

/** The longest stretch with no operation returning ok, across every workload (a liveness hint, not a verdict). */
function longestGap(workloads: readonly Workload[]): { ms: number; fromMs: number } {
  const returns: number[] = [];
  for (const w of workloads) {
    if (w instanceof RegisterWorkload || w instanceof SetWorkload) {
      for (const op of w.history) if (op.returnMs !== undefined) returns.push(op.returnMs);
    } else {
      for (const op of (w as ListWorkload).appends) if (op.returnMs !== undefined) returns.push(op.returnMs);
    }
  }
  returns.sort((a, b) => a - b);
  let best = { ms: 0, fromMs: 0 };
  for (let i = 1; i < returns.length; i++) {
    const d = returns[i]! - returns[i - 1]!;
    if (d > best.ms) best = { ms: d, fromMs: returns[i - 1]! };
  }
  return best;
}
