// The supervisor with real child processes: log nodes started through bin/keeldb.js
// (from dist/, built by `npm test`), one killed with SIGKILL and restarted.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Supervisor } from '../../src/main/supervisor.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('Supervisor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keeldb-supervisor-'));
  let sup: Supervisor | null = null;
  afterAll(async () => {
    await sup?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts children, restarts one killed with SIGKILL, and stops them all', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const lines: string[] = [];
    sup = new Supervisor(
      [1, 2, 3].map((id) => ({
        name: `log-node-${id}`,
        args: ['log-node', '--id', String(id), '--port', String(ports[id - 1]), '--dir', join(dir, `n${id}`),
          '--peers', ports.filter((_, i) => i !== id - 1).map((p) => `127.0.0.1:${p}`).join(',')],
        readyPattern: /listening on/,
      })),
      (line) => lines.push(line),
    );
    await sup.start();
    const pid = sup.pid('log-node-2');
    expect(pid).toBeGreaterThan(0);
    expect(sup.signal('log-node-2', 'SIGKILL')).toBe(true);
    for (let i = 0; i < 200 && (sup.pid('log-node-2') === pid || sup.pid('log-node-2') === undefined); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    await sup.whenReady('log-node-2');
    expect(sup.pid('log-node-2')).not.toBe(pid);
    expect(sup.restarts('log-node-2')).toBe(1);
    expect(lines.some((l) => l.includes('[supervisor] log-node-2 exited (SIGKILL)'))).toBe(true);
    const pids = sup.names().map((n) => sup!.pid(n)!);
    await sup.stop();
    for (const p of pids) expect(() => process.kill(p, 0)).toThrow();
  });
});
