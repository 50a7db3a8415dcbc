// The torture harness end to end, short enough for CI (about 45 s on a loaded 2-core
// machine): real log nodes and a real server (dist/, through bin/keeldb.js) behind the
// fault-injecting proxies.
// - The canary (--journal none, the server killed): acknowledged writes vanish, and the
//   harness must say so, with a non-zero exit code and a timeline. A checker that
//   cannot fail is a defect.
// - A safe run with all three nemeses (kill, pause, partition): no anomaly.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultOptions, runTorture, type TortureOptions } from '../../../src/tools/torture/run.js';

const outDirs: string[] = [];
afterAll(() => {
  for (const d of outDirs) rmSync(d, { recursive: true, force: true });
});

function options(timeMs: number, extra: Partial<TortureOptions>): TortureOptions {
  const outDir = mkdtempSync(join(tmpdir(), 'keeldb-torture-test-'));
  outDirs.push(outDir);
  return {
    ...defaultOptions(timeMs),
    intervalMsMin: 800,
    intervalMsMax: 1_500,
    holdMsMin: 300,
    holdMsMax: 1_200,
    recoveryMs: 1_000,
    settleMs: 30_000,
    nemeses: ['kill', 'pause', 'partition'],
    clients: 8,
    seed: 20261126,
    canary: false,
    workloads: ['register', 'list', 'set'],
    outDir,
    log: () => undefined,
    ...extra,
  };
}

describe('torture harness', () => {
  it('reports the canary (no journal, server killed) as a violation with a timeline', async () => {
    const result = await runTorture(options(7_000, { canary: true, clients: 6 }));
    expect(result.faults.length).toBeGreaterThan(0);
    expect(result.faults.every((f) => f.description.startsWith('kill -9 server'))).toBe(true);
    expect(result.verdict).toBe('violation');
    expect(result.exitCode).toBe(1);
    expect(result.summary).toContain('FAIL (violation)');
    const register = result.verdicts.find((v) => v.workload === 'register')!;
    expect(register.verdict).toBe('violation');
    expect(register.lostAcknowledged).toBeGreaterThan(0);
    expect(register.files.length).toBeGreaterThan(0);
    expect(readFileSync(register.files[0]!, 'utf8')).toContain('<svg');
    const list = result.verdicts.find((v) => v.workload === 'list')!;
    expect(list.verdict).toBe('violation');
    expect(list.lostAcknowledged).toBeGreaterThan(0);
    expect(readFileSync(list.files[0]!, 'utf8')).toContain('RPUSH');
    expect(result.verdicts.find((v) => v.workload === 'set')!.verdict).toBe('violation');
  });

  it('finds no anomaly in a short safe run under kill, pause and partition', async () => {
    const opts = options(16_000, {});
    const result = await runTorture(opts);
    expect(existsSync(join(opts.outDir, 'summary.txt'))).toBe(true);
    expect([...new Set(result.faults.map((f) => f.nemesis))].sort()).toEqual(['kill', 'partition', 'pause']);
    expect(result.faults.every((f) => Number.isFinite(f.endMs) && f.endMs >= f.startMs)).toBe(true);
    expect(result.summary).not.toContain('VIOLATION');
    expect(result.verdict, result.summary).toBe('ok');
    expect(result.exitCode).toBe(0);
  });
});
