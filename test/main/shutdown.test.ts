// SHUTDOWN with real processes (test process; children run bin/keeldb.js from dist/):
// redis-cli SHUTDOWN against `keeldb server --journal none` (the server stops accepting,
// closes its clients and exits 0; SHUTDOWN NOSAVE also while a script is busy; bad
// arguments and ABORT leave it running), and against `keeldb up`, where a server that
// exits 0 after SHUTDOWN is not restarted: the log nodes are stopped and `up` exits 0.

import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeWithRedisCli } from '../support/oracle-guard.js';
import { killAll, listening, spawnKeeldb, waitForOutput } from '../support/keeldb-process.js';
import { freePort } from '../support/ports.js';
import { RespConn } from '../support/resp-conn.js';

const dir = mkdtempSync(join(tmpdir(), 'keeldb-shutdown-'));
const started: ChildProcess[] = [];

afterAll(() => {
  killAll(started, 'SIGKILL');
  return new Promise<void>((resolve) =>
    setTimeout(() => {
      rmSync(dir, { recursive: true, force: true });
      resolve();
    }, 300),
  );
});

function redisCli(port: number, ...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, out: `${stdout}${stderr}`.trim() });
    });
  });
}

describeWithRedisCli('SHUTDOWN', () => {
  it('keeldb server --journal none: bad arguments and ABORT answer errors; SHUTDOWN closes clients and exits 0', async () => {
    const port = await freePort();
    const server = spawnKeeldb(['server', '--port', String(port), '--bind', '127.0.0.1', '--journal', 'none'], started);
    await waitForOutput(/Ready to accept connections/, server);
    expect(await redisCli(port, 'SHUTDOWN', 'BLAH')).toEqual({ code: 0, out: 'ERR syntax error' });
    expect(await redisCli(port, 'SHUTDOWN', 'NOSAVE', 'SAVE')).toEqual({ code: 0, out: 'ERR syntax error' });
    expect(await redisCli(port, 'SHUTDOWN', 'ABORT')).toEqual({ code: 0, out: 'ERR No shutdown in progress.' });
    expect((await redisCli(port, 'SET', 'k', 'v')).out).toBe('OK');

    // Inside MULTI it never runs: refused when queued (no_multi), which aborts the EXEC.
    const tx = await RespConn.connect(port);
    expect((await tx.pipeline([['MULTI'], ['SHUTDOWN'], ['EXEC'], ['PING']])).map((b) => b.toString())).toEqual([
      '+OK\r\n',
      '-ERR Command not allowed inside a transaction\r\n',
      '-EXECABORT Transaction discarded because of previous errors.\r\n',
      '+PONG\r\n',
    ]);
    tx.close();

    // A client that stays connected is closed by the shutdown.
    const bystander = await RespConn.connect(port);
    expect((await bystander.send(['PING'])).toString()).toBe('+PONG\r\n');
    const cli = await redisCli(port, 'SHUTDOWN');
    expect(cli.code).toBe(0);
    expect(cli.out).toBe('');
    expect(await server.exited).toBe(0);
    expect(await bystander.waitClosed(5_000)).toBe(true);
    expect(server.output()).toContain('SHUTDOWN');
    expect(await listening(port)).toBe(false);
  });

  it('keeldb server: SHUTDOWN NOSAVE stops it while a script is busy (exit 0); plain SHUTDOWN gets -BUSY', async () => {
    const port = await freePort();
    const server = spawnKeeldb(['server', '--port', String(port), '--bind', '127.0.0.1', '--journal', 'none'], started);
    await waitForOutput(/Ready to accept connections/, server);
    expect((await redisCli(port, 'CONFIG', 'SET', 'busy-reply-threshold', '50')).out).toBe('OK');
    const runner = await RespConn.connect(port);
    const script = runner.send(['EVAL', 'while true do end', '0'], 20_000).catch(() => 'closed');
    // A command that arrives before the script passes the threshold waits for it: probe
    // with fresh connections until one is answered -BUSY.
    for (let i = 0; ; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const probe = await RespConn.connect(port);
      const reply = await probe.send(['PING'], 500).catch(() => Buffer.alloc(0));
      probe.close();
      if (reply.toString().startsWith('-BUSY')) break;
      expect(i).toBeLessThan(50);
    }
    expect((await redisCli(port, 'SHUTDOWN')).out).toBe('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    const cli = await redisCli(port, 'SHUTDOWN', 'NOSAVE');
    expect(cli.code).toBe(0);
    expect(await server.exited).toBe(0);
    expect(await script).toBe('closed');
  });

  it('keeldb up: SHUTDOWN stops the server for good, then the log nodes; up exits 0', async () => {
    const data = join(dir, 'up-data');
    const up = spawnKeeldb(['up', '--dir', data, '--port', '0'], started);
    const ready = await waitForOutput(/KeelDB up: ready on 127\.0\.0\.1:(\d+); journal: log nodes on 127\.0\.0\.1:(\d+),(\d+),(\d+)/, up);
    const port = Number(ready[1]);
    const journalPorts = [Number(ready[2]), Number(ready[3]), Number(ready[4])];
    expect((await redisCli(port, 'SET', 'k', 'durable')).out).toBe('OK');
    const cli = await redisCli(port, 'SHUTDOWN');
    expect(cli.code).toBe(0);
    expect(await up.exited).toBe(0);
    expect(up.output()).toMatch(/\[supervisor\] server stopped cleanly \(code 0\): not restarting it/);
    expect(up.output()).not.toMatch(/restarting server/);
    for (const p of [port, ...journalPorts]) expect(await listening(p)).toBe(false);
    expect(readdirSync(data)).not.toContain('up.pid');
  });
});
