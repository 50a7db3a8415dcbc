// `npm run torture -- ...` (main thread of the harness process): parses the options,
// runs one torture run (run.ts), prints the summary and exits 0 (pass), 1 (violation)
// or 2 (unknown: the search gave up or the system never answered the final reads).
//
//   --time <s>            seconds of faults and load (default 60)
//   --nemesis <list>      kill,pause,partition (default all three; 'none' for no faults)
//   --clients <n>         concurrent clients (default 20)
//   --seed <n>            schedule and client choices (default: from the clock, printed)
//   --canary              server with --journal none, only server kills: must FAIL
//   --workload <list>     register,list,set (default all three)
//   --interval <min,max>  ms between faults (default 5000,10000 for runs of 120 s and
//                         more, else 1000,3000)
//   --out <dir>           summary, histories and SVG timelines (default a new temp dir)
//   --verbose             echo the children's output

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { type NemesisName, nemesisNames } from './nemesis.js';
import { defaultOptions, runTorture } from './run.js';
import { type WorkloadName, workloadNames } from './workloads.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function listOf<T extends string>(allowed: readonly T[], allowNone: boolean) {
  return (value: string): T[] => {
    if (allowNone && value === 'none') return [];
    const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    for (const item of items) {
      if (!allowed.includes(item as T)) throw new InvalidArgumentError(`'${item}' is not one of ${allowed.join(', ')}`);
    }
    if (items.length === 0) throw new InvalidArgumentError(`give one or more of ${allowed.join(', ')}`);
    return items as T[];
  };
}

function interval(value: string): [number, number] {
  const parts = value.split(',').map(Number);
  if (parts.length !== 2 || !parts.every((n) => Number.isInteger(n) && n > 0) || parts[0]! > parts[1]!) {
    throw new InvalidArgumentError('give min,max in ms (positive integers, min <= max)');
  }
  return [parts[0]!, parts[1]!];
}

const program = new Command();
program
  .name('torture')
  .description('Fault-injection run against a real KeelDB (three log nodes + server), with a linearizability check')
  .option('--time <seconds>', 'seconds of load and faults', positiveInt, 60)
  .option('--nemesis <list>', `faults: ${nemesisNames.join(',')} or none`, listOf(nemesisNames, true), [...nemesisNames])
  .option('--clients <n>', 'concurrent clients', positiveInt, 20)
  .option('--seed <n>', 'seed of the schedule and the clients', positiveInt)
  .option('--canary', 'deliberately unsafe: server with --journal none and server kills; must report a violation', false)
  .option('--workload <list>', `workloads: ${workloadNames.join(',')}`, listOf(workloadNames, false), [...workloadNames])
  .option('--interval <min,max>', 'ms between faults', interval)
  .option('--out <dir>', 'where the summary, histories and timelines go')
  .option('--verbose', "echo the children's output", false)
  .action(async (o: { time: number; nemesis: NemesisName[]; clients: number; seed?: number; canary: boolean; workload: WorkloadName[]; interval?: [number, number]; out?: string; verbose: boolean }) => {
    const seed = o.seed ?? (Date.now() % 1_000_000_000) + 1;
    const base = defaultOptions(o.time * 1000);
    const log = (line: string): void => void process.stderr.write(`${line}\n`);
    // exit() runs the cluster's exit hook, which kills the children.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
    const result = await runTorture({
      ...base,
      ...(o.interval === undefined ? {} : { intervalMsMin: o.interval[0], intervalMsMax: o.interval[1] }),
      nemeses: o.nemesis,
      clients: o.clients,
      seed,
      canary: o.canary,
      workloads: o.workload,
      outDir: o.out ?? mkdtempSync(join(tmpdir(), `keeldb-torture-out-${seed}-`)),
      log,
      childLog: o.verbose ? log : undefined,
    });
    process.stdout.write(`${result.summary}\n`);
    process.exit(result.exitCode);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(3);
});
