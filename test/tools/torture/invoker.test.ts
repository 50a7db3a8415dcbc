// How the torture clients classify outcomes (the heart of a sound history): against a
// scripted RESP server over real TCP. An answered command is ok; -LOADING and a
// refused connection are failures (certainly not executed); no answer, a reset, or
// "write not confirmed durable" are indeterminate and move the client to a new process.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Invoker } from '../../../src/tools/torture/invoker.js';

let server: net.Server;
let port = 0;
const received: string[] = [];
let silentExec = false;

// Replies by the command's first argument; SILENT never answers; RESET resets.
function reply(cmd: string): string | null {
  switch (cmd) {
    case 'GET': return '$3\r\nabc\r\n';
    case 'INCR': return ':42\r\n';
    case 'LOADINGCMD': return '-LOADING Redis is loading the dataset in memory\r\n';
    case 'UNSURE': return '-ERR write not confirmed durable (journal); its outcome is unknown\r\n';
    case 'MULTI': return '+OK\r\n';
    case 'RPUSH': case 'LRANGE': return '+QUEUED\r\n';
    case 'EXEC': return silentExec ? null : '*2\r\n:1\r\n*1\r\n$1\r\nv\r\n';
    default: return null;
  }
}

beforeAll(async () => {
  server = net.createServer((s) => {
    s.on('error', () => undefined);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      // Commands arrive one at a time (the client waits for each reply).
      const m = /^\*\d+\r\n\$\d+\r\n([A-Z]+)\r\n/.exec(buf);
      if (m === null || !buf.endsWith('\r\n')) return;
      buf = '';
      received.push(m[1]!);
      if (m[1] === 'RESET') s.resetAndDestroy();
      const r = reply(m[1]!);
      if (r !== null) s.write(r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function invoker(p = port): { inv: Invoker; errors: string[] } {
  let ids = 0;
  let t = 0;
  const errors: string[] = [];
  return { inv: new Invoker(p, 300, () => ++t, () => ids++, (e) => errors.push(e)), errors };
}

describe('Invoker outcome classification', () => {
  it('ok with the decoded reply for answered commands, including EXEC arrays', async () => {
    const { inv } = invoker();
    expect(await inv.call(['GET', 'k'])).toMatchObject({ kind: 'ok', reply: 'abc' });
    expect(await inv.call(['INCR', 'k'])).toMatchObject({ kind: 'ok', reply: 42 });
    expect(await inv.transaction([['RPUSH', 'k', 'v'], ['LRANGE', 'k', '0', '-1']])).toMatchObject({ kind: 'ok', reply: [1, ['v']] });
    expect(inv.processId).toBe(0);
    inv.close();
  });

  it('fail for -LOADING and for a connection that cannot be opened; the process stays', async () => {
    const { inv } = invoker();
    expect((await inv.call(['LOADINGCMD'])).kind).toBe('fail');
    expect(inv.processId).toBe(0);
    inv.close();
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { inv: refused } = invoker(deadPort);
    expect((await refused.call(['GET', 'k'])).kind).toBe('fail');
    expect(refused.processId).toBe(0);
  });

  it('info for a timeout, a reset and an unknown-outcome error, each with a new process', async () => {
    const { inv } = invoker();
    expect((await inv.call(['SILENT'])).kind).toBe('info');
    expect(inv.processId).toBe(1);
    expect((await inv.call(['RESET'])).kind).toBe('info');
    expect(inv.processId).toBe(2);
    expect((await inv.call(['UNSURE'])).kind).toBe('info');
    expect(inv.processId).toBe(3);
    // The connection is replaced after a timeout or reset: the next call works.
    expect(await inv.call(['GET', 'k'])).toMatchObject({ kind: 'ok', reply: 'abc' });
    inv.close();
  });

  it('a transaction that dies before EXEC was sent failed; one that dies after EXEC is indeterminate', async () => {
    const { inv } = invoker();
    expect((await inv.transaction([['SILENT']])).kind).toBe('fail'); // stuck on a queued command
    expect(inv.processId).toBe(0);
    silentExec = true;
    expect((await inv.transaction([['RPUSH', 'k', 'v']])).kind).toBe('info');
    silentExec = false;
    expect(inv.processId).toBe(1);
    inv.close();
  });
});
