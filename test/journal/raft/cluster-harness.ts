// A fault-free (unless told) simulated cluster of LogNodes for the raft and log-node
// tests: SimClock, SimNetwork, MemStorage; `call` sends a client request and runs the
// clock until its answer arrives. Not a test file itself.

import { expect } from 'vitest';
import { seededRandom, silentLogger, type Clock, type JournalEnv } from '../../../src/journal/env.js';
import type { AppendCondition, ClientRequest, ClientResponse, PeerMessage } from '../../../src/journal/messages.js';
import { LogNode } from '../../../src/journal/node/log-node.js';
import { RecordType } from '../../../src/journal/record-types.js';
import { MemDisk, MemStorage } from '../../../src/journal/sim/mem-storage.js';
import { SimClock } from '../../../src/journal/sim/sim-clock.js';
import { clientEndpointBase, SimNetwork } from '../../../src/journal/sim/sim-network.js';

const clientId = clientEndpointBase;

/** A client request without its requestId (distributes over the union). */
export type RequestBody = ClientRequest extends infer R ? (R extends ClientRequest ? Omit<R, 'requestId'> : never) : never;

export interface ClusterOptions {
  /** The seed of the network's and disks' randomness (default 7). */
  seed?: number;
  /** The clock node `id` runs on (default the cluster's SimClock): a test can count its timers. */
  nodeClock?: (id: number, clock: SimClock) => Clock;
  /** Sees every message node `id` sends to a peer, before the network takes it. */
  onSend?: (id: number, to: number, m: PeerMessage) => void;
}

export async function cluster(options: ClusterOptions = {}) {
  const clock = new SimClock();
  const random = seededRandom(options.seed ?? 7);
  const network = new SimNetwork(clock, random, { lossRate: 0, duplicateRate: 0, delayMsMin: 0.5, delayMsMax: 1 });
  const nodes = new Map<number, LogNode>();
  const responses = new Map<number, ClientResponse>();
  network.listen(clientId, (_from, message) => {
    const response = message as ClientResponse;
    responses.set(response.requestId, response);
  });
  for (const id of [1, 2, 3]) {
    let raftHandler: ((from: number, m: PeerMessage) => void) | undefined;
    const env: JournalEnv = {
      clock: options.nodeClock?.(id, clock) ?? clock,
      random,
      logger: silentLogger,
      transport: {
        send: (to, m) => {
          options.onSend?.(id, to, m);
          network.send(id, to, m);
        },
        onMessage: (h) => (raftHandler = h),
      },
    };
    const node = new LogNode({ id, peers: [1, 2, 3].filter((p) => p !== id), storage: new MemStorage(new MemDisk({ clock, random })), env });
    nodes.set(id, node);
    network.listen(id, (from, message) => {
      if (from >= clientEndpointBase) node.handleClientRequest(message as ClientRequest, (r) => network.send(id, from, r));
      else raftHandler?.(from, message as PeerMessage);
    });
    await node.start();
  }
  let nextRequestId = 1;
  /** Sends a request and runs the clock, `stepMs` at a time, until it is answered or waitMs passes. */
  const callMaybe = async (node: number, request: RequestBody, waitMs = 10_000, stepMs = 5): Promise<ClientResponse | undefined> => {
    const requestId = nextRequestId++;
    network.send(clientId, node, { ...request, requestId });
    for (let i = 0; i < waitMs / stepMs && !responses.has(requestId); i++) await clock.runUntil(clock.now() + stepMs);
    return responses.get(requestId);
  };
  const call = async (node: number, request: RequestBody): Promise<ClientResponse> => {
    const response = await callMaybe(node, request);
    expect(response, 'no answer to a request').toBeDefined();
    return response!;
  };
  /** Cuts `node` off from the other log nodes (clients still reach it). */
  const isolate = (node: number): void => {
    for (const other of [1, 2, 3]) if (other !== node) network.partition(node, other);
  };
  await clock.runUntil(2_000); // elect a leader
  const leaders = [...nodes.values()].filter((n) => n.role === 'leader');
  expect(leaders.length).toBe(1);
  const leader = leaders[0]!.id;
  const follower = [1, 2, 3].find((id) => id !== leader)!;
  const payload = (s: string): Uint8Array => new TextEncoder().encode(s);
  const append = (node: number, writerId: number, writerSeq: number, condition: AppendCondition, type: number = RecordType.effects, text = `w${writerId}s${writerSeq}`) =>
    call(node, { kind: 'append', writerId, writerSeq, condition, records: [{ type, engineVersion: 1, payload: payload(text) }] });
  return { clock, network, nodes, call, callMaybe, isolate, append, leader, follower };
}

