// A scripted log node for JournalClient tests: a real TCP server with the real wire
// handshake in this process, whose answer to each client request is the test's script.
// The caller keeps the servers list and closes them after each test.

import { createServer, type Server } from 'node:net';
import type { ClientRequest, ClientResponse } from '../../../src/journal/messages.js';
import { isClientRequest } from '../../../src/journal/wire/codec.js';
import { WireConnection } from '../../../src/journal/wire/connection.js';

export type Script = (request: ClientRequest, reply: (r: ClientResponse) => void, conn: WireConnection) => void;

export interface FakeNode {
  address: string;
  /** Every client request received, in order. */
  requests: ClientRequest[];
  /** Replaceable mid-test: the next request is answered by the new script. */
  script: Script;
}

/** Starts a fake node on 127.0.0.1 (a free port) and adds its server to `servers`. */
export async function startFakeNode(script: Script, secret: string, servers: Server[]): Promise<FakeNode> {
  const node: FakeNode = { address: '', requests: [], script };
  const server = createServer((socket) => {
    const conn: WireConnection = new WireConnection({
      socket,
      secret,
      side: 'server',
      onMessage: (m) => {
        if (!isClientRequest(m)) return;
        node.requests.push(m);
        node.script(m, (r) => conn.send(r), conn);
      },
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  node.address = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return node;
}
