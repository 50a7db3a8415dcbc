// The fault-injecting proxy over real TCP: an echo server behind it, a client in front.
// Each mode is checked by what arrives, not by how long anything takes: a dropped
// chunk never arrives even after a later one does.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../../../src/tools/proxy/fault-proxy.js';

let echo: net.Server;
let echoPort = 0;
let serverReceived = '';
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  echo = net.createServer((s) => {
    s.on('error', () => undefined);
    s.on('data', (d) => {
      serverReceived += d.toString();
      s.write(d);
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
  echoPort = (echo.address() as net.AddressInfo).port;
});

afterAll(async () => {
  for (const p of proxies) await p.close();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

async function proxy(): Promise<FaultProxy> {
  const p = new FaultProxy(echoPort);
  proxies.push(p);
  await p.start();
  return p;
}

class Client {
  readonly socket: net.Socket;
  received = '';
  closed = false;
  private waiters: (() => void)[] = [];
  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('error', () => undefined);
    this.socket.on('data', (d) => {
      this.received += d.toString();
      this.wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  async until(pred: () => boolean): Promise<void> {
    while (!pred()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  async connected(): Promise<void> {
    if (this.socket.connecting) await new Promise((resolve) => this.socket.once('connect', resolve));
  }
}

async function waitFor(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('FaultProxy', () => {
  it('passes bytes both ways', async () => {
    const p = await proxy();
    const c = new Client(p.port);
    c.socket.write('hello');
    await c.until(() => c.received.length >= 5);
    expect(c.received).toBe('hello');
    c.socket.destroy();
  });

  it('drop: the connection stays open and bytes vanish; after heal new bytes flow', async () => {
    const p = await proxy();
    const c = new Client(p.port);
    c.socket.write('a');
    await c.until(() => c.received === 'a');
    p.setMode('drop');
    c.socket.write('lost');
    await waitFor(() => p.droppedBytes >= 4);
    p.heal();
    c.socket.write('b');
    await c.until(() => c.received.length >= 2);
    expect(c.received).toBe('ab');
    expect(c.closed).toBe(false);
    c.socket.destroy();
  });

  it('one-way: requests arrive but replies vanish (oneway-down), and the reverse (oneway-up)', async () => {
    const p = await proxy();
    const c = new Client(p.port);
    await c.connected();
    serverReceived = '';
    p.setMode('oneway-down');
    c.socket.write('x');
    await waitFor(() => p.droppedBytes >= 1); // the echo of x, dropped on its way back
    expect(serverReceived).toBe('x');
    p.setMode('oneway-up');
    c.socket.write('y'); // never reaches the server
    await waitFor(() => p.droppedBytes >= 2);
    p.heal();
    c.socket.write('z');
    await c.until(() => c.received.includes('z'));
    expect(c.received).toBe('z');
    expect(serverReceived).toBe('xz');
    c.socket.destroy();
  });

  it('cut: open connections are reset and new ones closed, until healed', async () => {
    const p = await proxy();
    const c = new Client(p.port);
    c.socket.write('a');
    await c.until(() => c.received === 'a');
    p.setMode('cut');
    await c.until(() => c.closed);
    const refused = new Client(p.port);
    await refused.until(() => refused.closed);
    expect(refused.received).toBe('');
    p.heal();
    const again = new Client(p.port);
    again.socket.write('back');
    await again.until(() => again.received.length >= 4);
    expect(again.received).toBe('back');
    again.socket.destroy();
  });

  it('delay keeps the byte order of each direction', async () => {
    const p = await proxy();
    const c = new Client(p.port);
    await c.connected();
    p.setDelayMs(30);
    for (const ch of 'abcdef') c.socket.write(ch);
    p.setDelayMs(0);
    c.socket.write('g'); // written undelayed, must still come after the delayed ones
    await c.until(() => c.received.length >= 7);
    expect(c.received).toBe('abcdefg');
    c.socket.destroy();
  });
});
