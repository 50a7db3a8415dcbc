// The server as a process (test process starts a child): `keeldb server --port 0`
// from the TypeScript sources (node --import tsx src/main/cli.ts), so no build is
// needed. Checks the start lines (not durable with --journal none; Redis-like ready
// line with the real port), that it serves, and that SIGTERM stops it cleanly.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { RawClient } from './raw-client.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let child: ChildProcess | undefined;

afterAll(() => {
  if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
});

it('starts on port 0, prints the real port, serves, and exits cleanly on SIGTERM', async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'server', '--port', '0', '--bind', '127.0.0.1', '--journal', 'none'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 30_000;
  while (!/Ready to accept connections tcp/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const lines = out.trim().split('\n');
  expect(lines[0]).toMatch(/--journal none: writes are NOT durable/);
  const port = Number(/port (\d+)\)/.exec(out)?.[1]);
  expect(port).toBeGreaterThan(0);

  const c = new RawClient(port);
  await c.connected;
  expect((await c.roundTrip('PING\r\n', 7)).toString()).toBe('+PONG\r\n');
  c.close();

  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
