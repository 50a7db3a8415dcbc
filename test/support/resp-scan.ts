// Reply-boundary scanner for RESP2 and RESP3 (test process, main thread).
// Given a buffer and a start offset, replyEnd() returns the offset just past one
// complete reply, or -1 when the reply is not complete yet. It never decodes values:
// the differential tests compare raw bytes, so all we need is where a reply ends.
//
// Handled: simple types (+ - : _ # , ( ), blobs ($ ! =, with -1 nulls and `?`
// streamed chunks), aggregates (* ~ > with -1 nulls and `?` streams ended by `.`),
// maps (% and the attribute type |, which prefixes the value it describes, so an
// attribute and its value are scanned as one reply). A push (>) is one reply.
// Invariant: a byte that cannot start a RESP value throws RespScanError, so a garbled
// server answer fails loudly instead of desynchronising the stream.

export class RespScanError extends Error {
  override name = 'RespScanError';
}

const CR = 13;
const LF = 10;

/** Offset just past the CRLF ending the line that starts at `from`, or -1. */
function lineEnd(buf: Buffer, from: number): number {
  for (let i = from; i + 1 < buf.length; i++) {
    if (buf[i] === CR && buf[i + 1] === LF) return i;
  }
  return -1;
}

function parseLength(header: string, at: number): number {
  if (!/^-?\d+$/.test(header)) throw new RespScanError(`bad length '${header}' at offset ${at}`);
  return Number(header);
}

export function replyEnd(buf: Buffer, start: number): number {
  if (start >= buf.length) return -1;
  const type = String.fromCharCode(buf[start]!);
  const eol = lineEnd(buf, start + 1);
  if (eol < 0) return -1;
  const header = buf.toString('latin1', start + 1, eol);
  const next = eol + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case '#':
    case ',':
    case '(':
      return next;
    case '$':
    case '!':
    case '=': {
      if (header === '?') return streamedBlobEnd(buf, next);
      const n = parseLength(header, start);
      if (n === -1) return next;
      if (n < 0) throw new RespScanError(`negative blob length at offset ${start}`);
      if (next + n + 2 > buf.length) return -1;
      if (buf[next + n] !== CR || buf[next + n + 1] !== LF) {
        throw new RespScanError(`blob at offset ${start} not followed by CRLF`);
      }
      return next + n + 2;
    }
    case '*':
    case '~':
    case '>':
      if (header === '?') return streamedAggregateEnd(buf, next, 1);
      return elementsEnd(buf, next, parseLength(header, start), 1);
    case '%':
      if (header === '?') return streamedAggregateEnd(buf, next, 2);
      return elementsEnd(buf, next, parseLength(header, start), 2);
    case '|': {
      // An attribute map, then the value it annotates: one reply.
      const afterMap = elementsEnd(buf, next, parseLength(header, start), 2);
      if (afterMap < 0) return -1;
      return replyEnd(buf, afterMap);
    }
    default:
      throw new RespScanError(
        `byte 0x${buf[start]!.toString(16)} cannot start a RESP value (offset ${start})`,
      );
  }
}

function elementsEnd(buf: Buffer, from: number, count: number, perEntry: number): number {
  if (count === -1) return from; // RESP2 null array
  if (count < 0) throw new RespScanError(`negative aggregate length at offset ${from}`);
  let pos = from;
  for (let i = 0; i < count * perEntry; i++) {
    pos = replyEnd(buf, pos);
    if (pos < 0) return -1;
  }
  return pos;
}

function streamedBlobEnd(buf: Buffer, from: number): number {
  let pos = from;
  for (;;) {
    if (pos >= buf.length) return -1;
    if (buf[pos] !== 0x3b /* ; */) throw new RespScanError(`expected ';' chunk at offset ${pos}`);
    const eol = lineEnd(buf, pos + 1);
    if (eol < 0) return -1;
    const n = parseLength(buf.toString('latin1', pos + 1, eol), pos);
    if (n === 0) return eol + 2;
    const end = eol + 2 + n + 2;
    if (end > buf.length) return -1;
    pos = end;
  }
}

function streamedAggregateEnd(buf: Buffer, from: number, perEntry: number): number {
  let pos = from;
  for (;;) {
    if (pos >= buf.length) return -1;
    if (buf[pos] === 0x2e /* . */) {
      if (pos + 3 > buf.length) return -1;
      return pos + 3; // ".\r\n"
    }
    for (let i = 0; i < perEntry; i++) {
      pos = replyEnd(buf, pos);
      if (pos < 0) return -1;
    }
  }
}
