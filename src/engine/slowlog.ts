// SLOWLOG (engine worker): Redis 7.0's slowlog.c. Also feeds the latency monitor, since
// both hear about every command's duration through the same hook.
//
// HOW THE ENGINE CALLS IT: construct one per engine and install it as the engine's
// slowlog hook, e.g. in Engine's constructor
//     this.slowlog = new Slowlog(this.config, (name) => this.table.lookup(name));
// then, after each command that is not flagged skip_slowlog (as engine.ts does now):
//     this.slowlog?.maybeRecord(client, argv, durationUs, this.nowMs);
// The SLOWLOG and LATENCY handlers (commands/server.ts) find it with slowlogOf(engine),
// which installs one on first use if the engine has not (then commands before that
// first use are not recorded).
//
// Entries keep what Redis keeps: at most 32 arguments (the last replaced by
// "... (N more arguments)"), each at most 128 bytes (then "... (N more bytes)"),
// passwords replaced by "(redacted)", copied, never views of the request ring.
//
// Invariants: entries are newest first; ids increase by one per entry and are never
// reused (SLOWLOG RESET does not reset them); the list is trimmed to slowlog-max-len
// when an entry is added, as Redis does.

import { eqi } from './args.js';
import type { Client } from './client.js';
import type { CommandSpec, EngineServices } from './command.js';
import type { Config } from './config.js';
import { LatencyMonitor } from './latency.js';

/** SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
export const slowlogEntryArgCountMax = 32;
export const slowlogEntryArgBytesMax = 128;

export interface SlowlogEntry {
  readonly id: number;
  /** Unix seconds. */
  readonly time: number;
  readonly durationUs: number;
  /** latin1 strings (one char per byte). */
  readonly argv: readonly string[];
  readonly peer: string;
  readonly clientName: string;
}

export class Slowlog {
  /** Newest first. */
  entries: SlowlogEntry[] = [];
  private nextId = 0;
  readonly latency = new LatencyMonitor();

  constructor(
    private readonly config: Config,
    private readonly lookupCommand?: (name: string) => CommandSpec | undefined,
  ) {}

  maybeRecord(client: Client, argv: readonly Buffer[], durationUs: number, nowMs: number): void {
    const threshold = this.config.latencyMonitorThreshold;
    if (threshold > 0) {
      const ms = Math.floor(durationUs / 1000);
      if (ms >= threshold) {
        const spec = this.lookupCommand?.(argv[0]!.latin1Slice(0, argv[0]!.length).toLowerCase());
        const event = spec !== undefined && spec.flags.includes('fast') ? 'fast-command' : 'command';
        this.latency.addSampleIfNeeded(event, ms, threshold, nowMs);
      }
    }
    const slower = this.config.slowlogLogSlowerThan;
    if (slower < 0 || durationUs < slower) return;
    this.entries.unshift({
      id: this.nextId++,
      time: Math.floor(nowMs / 1000),
      durationUs,
      argv: trimArgv(argv),
      peer: client.addr,
      clientName: client.name,
    });
    while (this.entries.length > this.config.slowlogMaxLen) this.entries.pop();
  }

  reset(): void {
    this.entries = [];
  }
}

/**
 * Arguments Redis 7.0 redacts before logging (redactClientCommandArgument): AUTH's
 * arguments, HELLO's AUTH username and password, and the value CONFIG SET gives a
 * sensitive parameter (requirepass).
 */
function redactedIndexes(argv: readonly Buffer[]): Set<number> | null {
  const name = argv[0]!;
  if (eqi(name, 'auth')) {
    const out = new Set<number>();
    for (let j = 1; j < argv.length; j++) out.add(j);
    return out;
  }
  if (eqi(name, 'hello')) {
    let out: Set<number> | null = null;
    for (let j = 2; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      if (eqi(argv[j]!, 'auth') && more >= 2) {
        out ??= new Set();
        out.add(j + 1);
        out.add(j + 2);
        j += 2;
      } else if (eqi(argv[j]!, 'setname') && more >= 1) {
        j++;
      } else {
        break;
      }
    }
    return out;
  }
  if (eqi(name, 'config') && argv.length >= 4 && eqi(argv[1]!, 'set')) {
    let out: Set<number> | null = null;
    for (let j = 2; j + 1 < argv.length; j += 2) {
      if (eqi(argv[j]!, 'requirepass')) {
        out ??= new Set();
        out.add(j + 1);
      }
    }
    return out;
  }
  return null;
}

function trimArgv(argv: readonly Buffer[]): string[] {
  const redacted = redactedIndexes(argv);
  const argc = argv.length;
  const n = Math.min(argc, slowlogEntryArgCountMax);
  const out: string[] = new Array(n);
  for (let j = 0; j < n; j++) {
    if (n !== argc && j === n - 1) {
      out[j] = `... (${argc - n + 1} more arguments)`;
      continue;
    }
    const a = argv[j]!;
    if (redacted !== null && redacted.has(j)) {
      out[j] = '(redacted)';
    } else if (a.length > slowlogEntryArgBytesMax) {
      out[j] = `${a.latin1Slice(0, slowlogEntryArgBytesMax)}... (${a.length - slowlogEntryArgBytesMax} more bytes)`;
    } else {
      out[j] = a.latin1Slice(0, a.length);
    }
  }
  return out;
}

/** The engine's Slowlog, installing one if the engine has none yet. */
export function slowlogOf(engine: EngineServices): Slowlog {
  const holder = engine as EngineServices & { slowlog?: unknown };
  if (holder.slowlog instanceof Slowlog) return holder.slowlog;
  const created = new Slowlog(engine.config, (name) => engine.lookupCommand(name));
  holder.slowlog = created;
  return created;
}
