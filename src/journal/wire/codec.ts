// Encoders and decoders for every journal wire message (src/journal/wire): the
// handshake, the Raft RPCs and the client API of src/journal/messages.ts. Runs in the
// log-node process and in journal clients (main thread). Decoding never trusts a
// length: everything is bounds-checked and a violation is a WireFormatError.
//
// Frame (every message):
//   offset size field
//        0    4 frameBytes   the whole frame, this field included (>= 5, <= journalWireFrameBytesMax)
//        4    1 kind         WireKind code (codes.ts)
//        5    .. body        per kind, fields in the order of the encoders below
// Body field types: u8/u16/u32 little-endian; u64 = two u32 halves (low first), < 2^53;
// bool = u8 0/1; blob = u32 length + bytes; text = u16 length + UTF-8.
// A LogEntry: index u64, term u64, type u8, engineVersion u16, writerId u32,
// writerSeq u64, payload blob (35 bytes + payload). An AppendRecord: type u8,
// engineVersion u16, payload blob (7 bytes + payload).

import { assert } from '../../assert.js';
import { journalWireFrameBytesMax } from '../../limits.js';
import type {
  AppendCondition,
  AppendEntries,
  AppendRecord,
  ClientRequest,
  ClientResponse,
  JournalError,
  PeerMessage,
} from '../messages.js';
import type { LogEntry } from '../storage/types.js';
import { AppendConditionTag, WireErrorCode, WireKind } from './codes.js';
import { WireFormatError, WireReader, WireWriter } from './wire-buffer.js';
import { isU64, loadU16, loadU32, loadU64, storeU16, storeU32, storeU64 } from '../../le-bytes.js';

export const wireHeaderBytes = 5;
export const handshakeNonceBytes = 32;
export const handshakeMacBytes = 32;

/** Server -> connecting side, first frame: the server's challenge. */
export interface Hello {
  readonly kind: 'hello';
  readonly version: number;
  readonly nonce: Uint8Array;
}

/** Connecting side -> server: who it is and its proof of the secret. */
export interface Auth {
  readonly kind: 'auth';
  readonly version: number;
  /** WireRole code. */
  readonly role: number;
  /** For a peer, its node id; 0 for a client. */
  readonly nodeId: number;
  readonly nonce: Uint8Array;
  readonly mac: Uint8Array;
}

/** Server -> connecting side: the server's proof of the secret (mutual authentication). */
export interface AuthOk {
  readonly kind: 'authOk';
  readonly mac: Uint8Array;
}

export type HandshakeMessage = Hello | Auth | AuthOk;
export type WireMessage = HandshakeMessage | PeerMessage | ClientRequest | ClientResponse;

const entryFixedBytes = 35;
const recordFixedBytes = 7;

// Entries and records are the per-record part of the hot messages (AppendEntries, an
// append, readOk): their fixed fields are reserved or taken at once and stored or
// loaded with le-bytes.ts (layouts above), after the range checks the Buffer methods
// would have made.

function writeEntry(w: WireWriter, e: LogEntry): void {
  const payload = e.payload;
  const at = writeEntryFixed(w, e, payload.byteLength);
  w.buffer.set(payload, at + entryFixedBytes);
}

/**
 * Writes an entry's fixed fields and reserves `inlineBytes` after them for its payload
 * (0: the payload goes elsewhere, encodeAppendEntriesParts); returns where they start.
 */
function writeEntryFixed(w: WireWriter, e: LogEntry, inlineBytes = 0): number {
  const payload = e.payload;
  if (!(isU64(e.index) && isU64(e.term) && isU64(e.writerSeq))) throw new RangeError(`u64 field out of range in entry ${e.index}`);
  if (!(e.type >= 0 && e.type <= 0xff && e.engineVersion >= 0 && e.engineVersion <= 0xffff && e.writerId >= 0 && e.writerId <= 0xffff_ffff)) {
    throw new RangeError(`entry ${e.index}: field out of range`);
  }
  const at = w.reserve(entryFixedBytes + inlineBytes);
  const buf = w.buffer;
  storeU64(buf, at, e.index);
  storeU64(buf, at + 8, e.term);
  buf[at + 16] = e.type;
  storeU16(buf, at + 17, e.engineVersion);
  storeU32(buf, at + 19, e.writerId);
  storeU64(buf, at + 23, e.writerSeq);
  storeU32(buf, at + 31, payload.byteLength);
  return at;
}

function readEntry(r: WireReader): LogEntry {
  const at = r.take(entryFixedBytes);
  const buf = r.buffer;
  const index = loadU64(buf, at);
  const term = loadU64(buf, at + 8);
  const writerSeq = loadU64(buf, at + 23);
  if (Number.isNaN(index) || Number.isNaN(term) || Number.isNaN(writerSeq)) throw new WireFormatError('u64 field above 2^53');
  // Fields in LogEntry's order (propose() builds the same shape: one hidden class).
  return {
    index,
    term,
    type: buf[at + 16]!,
    engineVersion: loadU16(buf, at + 17),
    writerId: loadU32(buf, at + 19),
    writerSeq,
    payload: r.bytes(loadU32(buf, at + 31)),
  };
}

function writeRecord(w: WireWriter, rec: AppendRecord): void {
  const payload = rec.payload;
  if (!(rec.type >= 0 && rec.type <= 0xff && rec.engineVersion >= 0 && rec.engineVersion <= 0xffff)) throw new RangeError('record field out of range');
  const at = w.reserve(recordFixedBytes + payload.byteLength);
  const buf = w.buffer;
  buf[at] = rec.type;
  storeU16(buf, at + 1, rec.engineVersion);
  storeU32(buf, at + 3, payload.byteLength);
  buf.set(payload, at + recordFixedBytes);
}

function readRecord(r: WireReader): AppendRecord {
  const at = r.take(recordFixedBytes);
  const buf = r.buffer;
  return { type: buf[at]!, engineVersion: loadU16(buf, at + 1), payload: r.bytes(loadU32(buf, at + 3)) };
}

function writeEntries(w: WireWriter, entries: readonly LogEntry[]): void {
  w.u32(entries.length);
  for (const e of entries) writeEntry(w, e);
}

function readEntries(r: WireReader, frameBytes: number): LogEntry[] {
  const count = r.u32();
  if (count * entryFixedBytes > frameBytes) throw new WireFormatError(`entry count ${count} exceeds the frame`);
  const out: LogEntry[] = new Array<LogEntry>(count);
  for (let i = 0; i < count; i++) out[i] = readEntry(r);
  return out;
}

function writeCondition(w: WireWriter, c: AppendCondition): void {
  if ('afterId' in c) w.u8(AppendConditionTag.afterId).u64(c.afterId);
  else w.u8(AppendConditionTag.leaderToken).u64(c.leaderToken);
}

function readCondition(r: WireReader): AppendCondition {
  const tag = r.u8();
  if (tag === AppendConditionTag.afterId) return { afterId: r.u64() };
  if (tag === AppendConditionTag.leaderToken) return { leaderToken: r.u64() };
  throw new WireFormatError(`bad append condition ${tag}`);
}

function writeError(w: WireWriter, e: JournalError): void {
  switch (e.code) {
    case 'notLeader':
      w.u8(WireErrorCode.notLeader).u32(e.leaderHint);
      return;
    case 'tailMismatch':
      w.u8(WireErrorCode.tailMismatch).u64(e.tailId);
      return;
    case 'fenced':
      w.u8(WireErrorCode.fenced).u64(e.currentToken);
      return;
    case 'unavailable':
      w.u8(WireErrorCode.unavailable).text(e.reason);
      return;
    case 'trimmed':
      w.u8(WireErrorCode.trimmed).u64(e.firstId);
      return;
    case 'badRequest':
      w.u8(WireErrorCode.badRequest).text(e.reason);
      return;
  }
}

function readError(r: WireReader): JournalError {
  const code = r.u8();
  switch (code) {
    case WireErrorCode.notLeader:
      return { code: 'notLeader', leaderHint: r.u32() };
    case WireErrorCode.tailMismatch:
      return { code: 'tailMismatch', tailId: r.u64() };
    case WireErrorCode.fenced:
      return { code: 'fenced', currentToken: r.u64() };
    case WireErrorCode.unavailable:
      return { code: 'unavailable', reason: r.text() };
    case WireErrorCode.trimmed:
      return { code: 'trimmed', firstId: r.u64() };
    case WireErrorCode.badRequest:
      return { code: 'badRequest', reason: r.text() };
    default:
      throw new WireFormatError(`bad error code ${code}`);
  }
}

function sizeHint(m: WireMessage): number {
  let bytes = 64;
  if (m.kind === 'appendEntries' || m.kind === 'readOk') for (const e of m.entries) bytes += entryFixedBytes + e.payload.byteLength;
  if (m.kind === 'append') for (const rec of m.records) bytes += recordFixedBytes + rec.payload.byteLength;
  return bytes;
}

/** Encodes one message as a whole frame (header included). */
export function encodeMessage(m: WireMessage): Buffer {
  const w = new WireWriter(sizeHint(m));
  w.u32(0); // patched below
  switch (m.kind) {
    case 'hello':
      w.u8(WireKind.hello).u8(m.version).bytes(fixed(m.nonce, handshakeNonceBytes));
      break;
    case 'auth':
      w.u8(WireKind.auth).u8(m.version).u8(m.role).u32(m.nodeId);
      w.bytes(fixed(m.nonce, handshakeNonceBytes)).bytes(fixed(m.mac, handshakeMacBytes));
      break;
    case 'authOk':
      w.u8(WireKind.authOk).bytes(fixed(m.mac, handshakeMacBytes));
      break;
    case 'requestVote':
      w.u8(WireKind.requestVote).u64(m.term).u32(m.candidateId).u64(m.lastLogIndex).u64(m.lastLogTerm).bool(m.preVote);
      break;
    case 'requestVoteResponse':
      w.u8(WireKind.requestVoteResponse).u64(m.term).bool(m.voteGranted).bool(m.preVote);
      break;
    case 'appendEntries':
      writeAppendEntriesHead(w, m);
      writeEntries(w, m.entries);
      break;
    case 'appendEntriesResponse':
      w.u8(WireKind.appendEntriesResponse).u64(m.term).bool(m.success).u64(m.matchIndex).u64(m.prevLogIndex);
      w.u64(m.conflictIndex).u64(m.probe);
      break;
    case 'append':
      w.u8(WireKind.append).u32(m.requestId).u32(m.writerId).u64(m.writerSeq);
      writeCondition(w, m.condition);
      w.u32(m.records.length);
      for (const rec of m.records) writeRecord(w, rec);
      break;
    case 'read':
      w.u8(WireKind.read).u32(m.requestId).u64(m.fromId).u32(m.maxBytes).u32(m.waitMs);
      break;
    case 'tail':
      w.u8(WireKind.tail).u32(m.requestId);
      break;
    case 'trim':
      w.u8(WireKind.trim).u32(m.requestId).u64(m.beforeId);
      break;
    case 'appendOk':
      w.u8(WireKind.appendOk).u32(m.requestId).u64(m.firstId).u64(m.lastId);
      break;
    case 'readOk':
      w.u8(WireKind.readOk).u32(m.requestId).u64(m.commitId);
      writeEntries(w, m.entries);
      break;
    case 'tailOk':
      w.u8(WireKind.tailOk).u32(m.requestId).u64(m.tailId).u64(m.leaderToken);
      break;
    case 'trimOk':
      w.u8(WireKind.trimOk).u32(m.requestId).u64(m.trimBeforeId);
      break;
    case 'error':
      w.u8(WireKind.error).u32(m.requestId);
      writeError(w, m.error);
      break;
  }
  if (w.length > journalWireFrameBytesMax) throw new RangeError(`wire frame of ${w.length} bytes is over journalWireFrameBytesMax`);
  w.patchU32(0, w.length);
  return w.finish();
}

/** An AppendEntries' kind and fixed fields, after the frame length (both encoders). */
function writeAppendEntriesHead(w: WireWriter, m: AppendEntries): void {
  w.u8(WireKind.appendEntries).u64(m.term).u32(m.leaderId).u64(m.prevLogIndex).u64(m.prevLogTerm);
  w.u64(m.leaderCommit).u64(m.probe).u64(m.trimBeforeId);
}

/** Bytes of an AppendEntries frame before its entries (header, fixed fields, count). */
const appendEntriesHeadBytes = wireHeaderBytes + 8 + 4 + 8 + 8 + 8 + 8 + 8 + 4;
/**
 * A payload bigger than this is sent from where it lies, not copied into the frame. It
 * matches the connection's concatBytesMax (connection.ts): a turn's frames up to that
 * size are joined into one buffer per connection anyway, so a smaller payload sent as a
 * part would be copied once per follower instead of once per batch (with a 16 KiB
 * threshold, at SET -P 16's ~45 KB entries, the leader's CPU per append was higher in 2
 * of 3 pairs against the session-start build).
 */
export const wireInlinePayloadBytesMax = 64 * 1024;

/**
 * An AppendEntries frame as a list of buffers whose concatenation is exactly
 * encodeMessage(m): payloads of more than wireInlinePayloadBytesMax are parts of their
 * own (the entries' own bytes, zero copy), everything else is written into one buffer
 * the other parts are views of. A leader sends each batch to every follower; with 4 KiB
 * values an entry is a ~950 KB append, and copying it into the frame was one more pass
 * over every byte and ~1 MB of fresh memory per append (session 9). The parts must not
 * be modified afterwards (they are the entries' payloads).
 */
export function encodeAppendEntriesParts(m: AppendEntries): Buffer[] {
  let frameBytes = appendEntriesHeadBytes;
  let ownBytes = appendEntriesHeadBytes;
  for (const e of m.entries) {
    const payloadBytes = e.payload.byteLength;
    frameBytes += entryFixedBytes + payloadBytes;
    ownBytes += entryFixedBytes + (payloadBytes > wireInlinePayloadBytesMax ? 0 : payloadBytes);
  }
  if (frameBytes > journalWireFrameBytesMax) throw new RangeError(`wire frame of ${frameBytes} bytes is over journalWireFrameBytesMax`);
  const w = new WireWriter(ownBytes); // exact: it never grows, so earlier parts stay views of it
  w.u32(frameBytes);
  writeAppendEntriesHead(w, m);
  w.u32(m.entries.length);
  const parts: Buffer[] = [];
  let partStart = 0;
  for (const e of m.entries) {
    if (e.payload.byteLength <= wireInlinePayloadBytesMax) {
      writeEntry(w, e);
      continue;
    }
    writeEntryFixed(w, e);
    parts.push(w.buffer.subarray(partStart, w.length));
    partStart = w.length;
    const payload = e.payload;
    parts.push(Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
  }
  if (w.length > partStart || parts.length === 0) parts.push(w.buffer.subarray(partStart, w.length));
  assert(w.length === ownBytes && w.buffer.byteLength === ownBytes, 'encodeAppendEntriesParts: sizes disagree');
  return parts;
}

function fixed(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.byteLength !== length) throw new RangeError(`expected ${length} bytes, got ${bytes.byteLength}`);
  return bytes;
}

/**
 * Decodes one whole frame (as cut by FrameReader: its length field already checked).
 * Throws WireFormatError for anything malformed.
 */
export function decodeMessage(frame: Buffer): WireMessage {
  if (frame.byteLength < wireHeaderBytes) throw new WireFormatError('frame shorter than its header');
  if (frame.readUInt32LE(0) !== frame.byteLength) throw new WireFormatError('frame length mismatch');
  const r = new WireReader(frame, wireHeaderBytes);
  const kind = frame.readUInt8(4);
  const size = frame.byteLength;
  let m: WireMessage;
  switch (kind) {
    case WireKind.hello:
      m = { kind: 'hello', version: r.u8(), nonce: r.bytes(handshakeNonceBytes) };
      break;
    case WireKind.auth:
      m = { kind: 'auth', version: r.u8(), role: r.u8(), nodeId: r.u32(), nonce: r.bytes(handshakeNonceBytes), mac: r.bytes(handshakeMacBytes) };
      break;
    case WireKind.authOk:
      m = { kind: 'authOk', mac: r.bytes(handshakeMacBytes) };
      break;
    case WireKind.requestVote:
      m = { kind: 'requestVote', term: r.u64(), candidateId: r.u32(), lastLogIndex: r.u64(), lastLogTerm: r.u64(), preVote: r.bool() };
      break;
    case WireKind.requestVoteResponse:
      m = { kind: 'requestVoteResponse', term: r.u64(), voteGranted: r.bool(), preVote: r.bool() };
      break;
    case WireKind.appendEntries: {
      const term = r.u64();
      const leaderId = r.u32();
      const prevLogIndex = r.u64();
      const prevLogTerm = r.u64();
      const leaderCommit = r.u64();
      const probe = r.u64();
      const trimBeforeId = r.u64();
      const entries = readEntries(r, size);
      m = { kind: 'appendEntries', term, leaderId, prevLogIndex, prevLogTerm, entries, leaderCommit, probe, trimBeforeId };
      break;
    }
    case WireKind.appendEntriesResponse:
      m = {
        kind: 'appendEntriesResponse',
        term: r.u64(),
        success: r.bool(),
        matchIndex: r.u64(),
        prevLogIndex: r.u64(),
        conflictIndex: r.u64(),
        probe: r.u64(),
      };
      break;
    case WireKind.append: {
      const requestId = r.u32();
      const writerId = r.u32();
      const writerSeq = r.u64();
      const condition = readCondition(r);
      const count = r.u32();
      if (count * recordFixedBytes > size) throw new WireFormatError(`record count ${count} exceeds the frame`);
      const records: AppendRecord[] = new Array<AppendRecord>(count);
      for (let i = 0; i < count; i++) records[i] = readRecord(r);
      m = { kind: 'append', requestId, writerId, writerSeq, records, condition };
      break;
    }
    case WireKind.read:
      m = { kind: 'read', requestId: r.u32(), fromId: r.u64(), maxBytes: r.u32(), waitMs: r.u32() };
      break;
    case WireKind.tail:
      m = { kind: 'tail', requestId: r.u32() };
      break;
    case WireKind.trim:
      m = { kind: 'trim', requestId: r.u32(), beforeId: r.u64() };
      break;
    case WireKind.appendOk:
      m = { kind: 'appendOk', requestId: r.u32(), firstId: r.u64(), lastId: r.u64() };
      break;
    case WireKind.readOk: {
      const requestId = r.u32();
      const commitId = r.u64();
      m = { kind: 'readOk', requestId, commitId, entries: readEntries(r, size) };
      break;
    }
    case WireKind.tailOk:
      m = { kind: 'tailOk', requestId: r.u32(), tailId: r.u64(), leaderToken: r.u64() };
      break;
    case WireKind.trimOk:
      m = { kind: 'trimOk', requestId: r.u32(), trimBeforeId: r.u64() };
      break;
    case WireKind.error: {
      const requestId = r.u32();
      m = { kind: 'error', requestId, error: readError(r) };
      break;
    }
    default:
      throw new WireFormatError(`unknown message kind ${kind}`);
  }
  r.done();
  return m;
}

const peerKinds = new Set(['requestVote', 'requestVoteResponse', 'appendEntries', 'appendEntriesResponse']);
const requestKinds = new Set(['append', 'read', 'tail', 'trim']);
const responseKinds = new Set(['appendOk', 'readOk', 'tailOk', 'trimOk', 'error']);

export function isPeerMessage(m: WireMessage): m is PeerMessage {
  return peerKinds.has(m.kind);
}
export function isClientRequest(m: WireMessage): m is ClientRequest {
  return requestKinds.has(m.kind);
}
export function isClientResponse(m: WireMessage): m is ClientResponse {
  return responseKinds.has(m.kind);
}
