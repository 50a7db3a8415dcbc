// How engine code (engine worker thread) reaches the control plane that the worker loop
// owns: the shared control area (src/workers/control-area.ts) for busy scripts and for
// the config values the io-mux enforces, and the way out of the process for SHUTDOWN.
// The engine itself stays free of threads and shared memory: the worker installs these
// hooks at start; an engine without them (unit tests, replay tools) simply has no
// busy-script handling and no SHUTDOWN exit.
//
// busy-reply-threshold (alias lua-time-limit) is an ordinary CONFIG parameter in
// config.ts (Config.busyReplyThreshold); busyReplyThresholdOf reads it for the hook.
//
// Invariants: at most one ScriptWatch per thread (one engine per worker); the hooks of
// an engine never change once installed.

import type { Config } from './config.js';

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
  /**
   * Called by the count hook while the script is busy (right after publishBusy, then at
   * every hook): answers the requests queued behind the script (src/workers/busy-pump.ts).
   */
  whileBusy(): void;
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

/** The busy-reply-threshold now, ms (Config.busyReplyThreshold). */
export function busyReplyThresholdOf(config: Config): number {
  return Number(config.busyReplyThreshold);
}
