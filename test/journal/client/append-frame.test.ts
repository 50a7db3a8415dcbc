// An append frame written in place in front of its payload (src/journal/client/
// append-frame.ts) is byte for byte the frame encodeMessage writes for the same append,
// and JournalClient.appendInPlaceThen sends it: a log node decodes the same request,
// and a retry after a lost connection carries the same record and writerSeq.

import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { appendFramePrefixBytes, writeAppendFrame } from '../../../src/journal/client/append-frame.js';
import { JournalClient } from '../../../src/journal/client/journal-client.js';
import type { AppendRequest } from '../../../src/journal/messages.js';
import { RecordType } from '../../../src/journal/record-types.js';
import { decodeMessage, encodeMessage } from '../../../src/journal/wire/codec.js';
import { startFakeNode, type FakeNode, type Script } from './fake-node.js';

const secret = 'append-frame-test-secret';
const servers: Server[] = [];
const clients: JournalClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) s.close();
});

/** A payload at `start` in a buffer with room for the prefix in front (and junk around it). */
function placed(payload: Buffer, start: number): Buffer {
  const buffer = Buffer.alloc(start + payload.length + 7, 0xa5);
  payload.copy(buffer, start);
  return buffer;
}


function fakeNode(script: Script): Promise<FakeNode> {
  return startFakeNode(script, secret, servers);
}

describe('append frame in place', () => {
  it('is the frame encodeMessage writes for the same append', () => {
    const cases = [
      { payload: Buffer.alloc(0), requestId: 1, writerId: 1, writerSeq: 1, token: 1 },
      { payload: Buffer.from('one effect record'), requestId: 0xffff_fffe, writerId: 0x7fff_ffff, writerSeq: 2 ** 40 + 3, token: 2 ** 33 + 5 },
      { payload: Buffer.alloc(70_000, 7), requestId: 77, writerId: 9, writerSeq: 123_456, token: 42 },
    ];
    for (const c of cases) {
      const start = appendFramePrefixBytes + 5;
      const buffer = placed(c.payload, start);
      const frame = writeAppendFrame(
        { buffer, payloadStart: start, payloadEnd: start + c.payload.length, type: RecordType.effects, engineVersion: 3 },
        c.requestId, c.writerId, c.writerSeq, c.token,
      );
      const expected = encodeMessage({
        kind: 'append', requestId: c.requestId, writerId: c.writerId, writerSeq: c.writerSeq,
        records: [{ type: RecordType.effects, engineVersion: 3, payload: c.payload }], condition: { leaderToken: c.token },
      });
      expect(frame.equals(expected)).toBe(true);
      expect(frame.buffer).toBe(buffer.buffer); // a view: the payload was not copied
      expect(buffer[4]).toBe(0xa5); // nothing written before the prefix
    }
  });

  it('refuses a payload without room for its prefix', () => {
    const buffer = placed(Buffer.from('x'), appendFramePrefixBytes - 1);
    expect(() => writeAppendFrame({ buffer, payloadStart: appendFramePrefixBytes - 1, payloadEnd: appendFramePrefixBytes, type: 1, engineVersion: 1 }, 1, 1, 1, 1)).toThrow();
  });

  it('appendInPlaceThen: the node decodes the record; a retry elsewhere carries the same record and writerSeq', async () => {
    const dying: Script = (_req, _reply, conn) => conn.close();
    const survivor: Script = (req, reply) => {
      if (req.kind === 'append') reply({ kind: 'appendOk', requestId: req.requestId, firstId: 9, lastId: 9 });
    };
    const nodes = [await fakeNode(dying), await fakeNode(survivor)];
    const c = new JournalClient({ nodes: nodes.map((n) => n.address), secret, writerId: 42, timeoutMs: 3000 });
    clients.push(c);
    const payload = Buffer.from('effects batch bytes');
    const start = appendFramePrefixBytes + 16;
    const buffer = placed(payload, start);
    const result = await new Promise((resolve, reject) => {
      c.appendInPlaceThen({ buffer, payloadStart: start, payloadEnd: start + payload.length, type: RecordType.effects, engineVersion: 1 }, 5, (failure, r) =>
        failure === undefined ? resolve(r) : reject(failure),
      );
    });
    expect(result).toEqual({ firstId: 9, lastId: 9 });
    const first = nodes[0]!.requests[0] as AppendRequest;
    const retry = nodes[1]!.requests[0] as AppendRequest;
    for (const req of [first, retry]) {
      expect(req.kind).toBe('append');
      expect(req.writerId).toBe(42);
      expect(req.writerSeq).toBe(first.writerSeq);
      expect(req.condition).toEqual({ leaderToken: 5 });
      expect(req.records.length).toBe(1);
      expect(req.records[0]!.type).toBe(RecordType.effects);
      expect(Buffer.from(req.records[0]!.payload).equals(payload)).toBe(true);
    }
    // The first attempt's frame was written in front of the payload, in the caller's buffer.
    const inPlace = decodeMessage(buffer.subarray(start - appendFramePrefixBytes, start + payload.length)) as AppendRequest;
    expect(inPlace.requestId).toBe(first.requestId);
    expect(inPlace.writerSeq).toBe(first.writerSeq);
  });
});
