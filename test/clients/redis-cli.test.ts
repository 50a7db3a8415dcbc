// redis-cli against KeelDB (test process; redis-cli and the server are child processes):
// one-shot commands, RESP3 with -3, commands read from stdin, --pipe mass insertion
// with a small RESP file, and -a/--user/--pass against --requirepass. Output is
// redis-cli's non-TTY (raw) format, which is what scripts parse.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeWithRedisCli } from '../support/oracle-guard.js';
import { encodeCommand } from '../support/resp-conn.js';
import { useSubjectServer } from '../support/use-server.js';

interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

function cli(port: number, args: string[], stdin?: string | Buffer): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1;
      resolve({ stdout, stderr, code });
    });
    // A one-shot redis-cli may exit before reading its stdin: EPIPE then is expected.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(stdin ?? '');
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keeldb-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describeWithRedisCli('redis-cli', () => {
  const server = useSubjectServer();

  it('runs one-shot commands', async () => {
    const port = server().port;
    expect((await cli(port, ['flushall'])).stdout).toBe('OK\n');
    expect((await cli(port, ['set', 'a', 'b'])).stdout).toBe('OK\n');
    expect((await cli(port, ['get', 'a'])).stdout).toBe('b\n');
    expect((await cli(port, ['get', 'missing'])).stdout).toBe('\n');
    expect((await cli(port, ['incr', 'n'])).stdout).toBe('1\n');
    expect((await cli(port, ['mget', 'a', 'missing', 'n'])).stdout).toBe('b\n\n1\n');
    // Raw mode prints an error followed by an empty line.
    expect((await cli(port, ['incr', 'a'])).stdout).toBe('ERR value is not an integer or out of range\n\n');
    expect((await cli(port, ['--no-raw', 'get', 'missing'])).stdout).toBe('(nil)\n');
    expect((await cli(port, ['--no-raw', 'incr', 'n'])).stdout).toBe('(integer) 2\n');
    expect((await cli(port, ['--no-raw', 'incr', 'a'])).stdout).toBe('(error) ERR value is not an integer or out of range\n');
    expect((await cli(port, ['ping'])).stdout).toBe('PONG\n');
    expect((await cli(port, ['dbsize'])).stdout).toBe('2\n');
  });

  it('speaks RESP3 with -3', async () => {
    const port = server().port;
    await cli(port, ['set', 'f', '1.5']);
    expect((await cli(port, ['-3', 'get', 'missing'])).stdout).toBe('\n');
    expect((await cli(port, ['-3', 'incrbyfloat', 'f', '1'])).stdout).toBe('2.5\n');
    expect((await cli(port, ['-3', 'config', 'get', 'databases'])).stdout).toBe('databases 16\n');
    expect((await cli(port, ['-3', '--no-raw', 'config', 'get', 'databases'])).stdout).toBe('1# "databases" => "16"\n');
    const hello = (await cli(port, ['-3', 'hello', '3'])).stdout.split('\n');
    expect(hello[0]).toBe('server redis');
    expect(hello).toContain('proto 3');
    expect(hello).toContain('mode standalone');
    expect(hello).toContain('role master');
  });

  it('reads commands from stdin', async () => {
    const port = server().port;
    const out = await cli(port, [], 'SET x 1\nINCR x\nGET x\nEXPIRE x 100\nTTL x\n');
    expect(out.stdout).toBe('OK\n2\n2\n1\n100\n');
  });

  it('mass-inserts with --pipe', async () => {
    const port = server().port;
    const file = path.join(tmp, 'pipe.resp');
    const cmds = [...Array.from({ length: 200 }, (_, i) => ['SET', `pipe:${i}`, String(i)]), ['INCR', 'pipe:7'], ['GET', 'nope', 'extra']];
    fs.writeFileSync(file, Buffer.concat(cmds.map(encodeCommand)));
    const out = await cli(port, ['--pipe'], fs.readFileSync(file));
    expect(out.stdout).toContain('All data transferred');
    expect(out.stdout).toContain('errors: 1, replies: 202');
    expect((await cli(port, ['get', 'pipe:7'])).stdout).toBe('8\n');
    expect((await cli(port, ['get', 'pipe:199'])).stdout).toBe('199\n');
  });
});

describeWithRedisCli('redis-cli with --requirepass', () => {
  const server = useSubjectServer({ requirepass: 's3cret' });

  it('authenticates with -a and with --user/--pass, and is refused otherwise', async () => {
    const port = server().port;
    expect((await cli(port, ['ping'])).stdout).toBe('NOAUTH Authentication required.\n\n');
    expect((await cli(port, ['-a', 's3cret', '--no-auth-warning', 'ping'])).stdout).toBe('PONG\n');
    expect((await cli(port, ['--user', 'default', '--pass', 's3cret', '--no-auth-warning', '-3', 'ping'])).stdout).toBe('PONG\n');
    const wrong = await cli(port, ['-a', 'wrong', '--no-auth-warning', 'ping']);
    expect(wrong.stdout + wrong.stderr).toContain('WRONGPASS invalid username-password pair or user is disabled.');
    expect(wrong.stdout).toContain('NOAUTH Authentication required.');
  });
});
