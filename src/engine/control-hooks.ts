// How engine code (engine worker thread) reaches the control plane that the worker loop
// owns: the shared control area (src/workers/control-area.ts) for busy scripts and for
// the config values the io-mux enforces, and the way out of the process for SHUTDOWN.
// The engine itself stays free of threads and shared memory: the worker installs these
// hooks at start; an engine without them (unit tests, replay tools) simply has no
// busy-script handling and no SHUTDOWN exit.
//
// Also holds busy-reply-threshold (alias lua-time-limit), a CONFIG parameter that only
// this plane uses, kept beside the engine's Config (Redis 7.0: long long ms, 0 to
// LLONG_MAX, default 5000).
//
// Invariants: at most one ScriptWatch per thread (one engine per worker); the hooks of
// an engine never change once installed.

import { string2ll } from './args.js';
import type { Config, ConfigParam } from './config.js';
import { busyReplyThresholdMs } from '../limits.js';

/** What the Lua VM needs while a script runs (installed by the engine worker). */
export interface ScriptWatch {
  /** busy-reply-threshold now, ms. */
  thresholdMs(): number;
  /** Is this redis.call argv a write command (Redis sets SCRIPT_WRITE_DIRTY before running it)? */
  isWrite(argv: readonly Buffer[]): boolean;
  /** The running script passed the threshold: publish BUSY (and what the io-mux needs). */
  publishBusy(generation: number, isFunction: boolean, dirty: boolean): void;
  /** The busy script is about to write: false if it was killed first (it must not write). */
  markDirty(): boolean;
  /** Has the io-mux killed the busy script? */
  killed(): boolean;
  /** The busy script ended. */
  endBusy(): void;
}

let scriptWatch: ScriptWatch | null = null;

export function installScriptWatch(watch: ScriptWatch | null): void {
  scriptWatch = watch;
}

export function currentScriptWatch(): ScriptWatch | null {
  return scriptWatch;
}

/** Per-engine hooks for commands (CONFIG SET, SHUTDOWN). */
export interface EngineControlHooks {
  /** CONFIG SET changed parameters: publish what the io-mux enforces. */
  configChanged(): void;
  /** SHUTDOWN: stop executing, answer nothing more, and exit cleanly. */
  shutdown(): void;
}

const hooks = new WeakMap<object, EngineControlHooks>();

export function setControlHooks(engine: object, h: EngineControlHooks): void {
  hooks.set(engine, h);
}

export function controlHooksOf(engine: object): EngineControlHooks | undefined {
  return hooks.get(engine);
}

// --- busy-reply-threshold / lua-time-limit -------------------------------------------

const thresholds = new WeakMap<Config, number>();

export function busyReplyThresholdOf(config: Config): number {
  return thresholds.get(config) ?? busyReplyThresholdMs;
}

const LLONG_MAX = 9223372036854775807n;

const busyReplyThresholdParam: ConfigParam = {
  name: 'busy-reply-threshold',
  alias: 'lua-time-limit',
  kind: 'special',
  get: (c) => String(busyReplyThresholdOf(c)),
  set: (c, v) => {
    const n = string2ll(v);
    if (n === null) return 'argument couldn\'t be parsed into an integer';
    if (n < 0n || n > LLONG_MAX) return `argument must be between 0 and ${LLONG_MAX} inclusive`;
    thresholds.set(c, Number(n));
    return null;
  },
};

/** CONFIG parameters of the control plane, by every name they answer to. */
const controlParams = new Map<string, ConfigParam>([
  ['busy-reply-threshold', busyReplyThresholdParam],
  ['lua-time-limit', busyReplyThresholdParam],
]);

export const controlConfigNames: readonly string[] = [...controlParams.keys()];

export function lookupControlConfig(name: string): ConfigParam | undefined {
  return controlParams.get(name.toLowerCase());
}
