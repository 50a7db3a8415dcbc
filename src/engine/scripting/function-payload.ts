// The FUNCTION DUMP / FUNCTION RESTORE payload (engine worker): Redis 7.0's
// functionDumpCommand / functionRestoreCommand framing with rdb.c's rdbSaveFunctions
// and rdbFunctionLoad, so a payload from redis-server restores here and ours there.
//
// Layout (one RESP bulk string):
//   per library   RDB_OPCODE_FUNCTION2 (245), 1 byte
//                 the library's code (shebang line included) as rdbSaveRawString:
//                 a length and the bytes, LZF above 20 bytes when it saves >= 4,
//                 or an int encoding for a short decimal (dump.ts's RdbWriter.blob)
//   offset n-10   RDB version, uint16 little-endian (10 for Redis 7.0)
//   offset n-8    CRC-64/Jones of bytes [0, n-8), uint64 little-endian
// A payload may also hold Redis 7.0-rc1/rc2's RDB_OPCODE_FUNCTION (246) records:
// library name, engine name, a description flag (and description), then the code
// without its shebang; Redis 7.0 rebuilds "#!<engine> name=<name>\n" + code and drops
// the description. We read them the same way.
//
// Like Redis, records are read while more than the 10 footer bytes remain, and a
// string may run into the footer (the reader sees the whole payload).
//
// Invariants: encode's output always passes decode; decode never throws on bad input
// (every failure is one of Redis's error texts, without the "ERR " prefix).

import { RdbReader, RdbWriter, RdbFormatError, rdbVersion, verifyDumpPayload } from '../dump.js';
import { crc64 } from '../crc64.js';

/** RDB opcodes of a function library (rdb.h), frozen: Redis's on-disk format. */
export const RdbFunctionOpcode = {
  /** Redis 7.0 GA onwards: the library code only. */
  function2: 245,
  /** Redis 7.0-rc1/rc2: name, engine, description flag [, description], code. */
  functionPreGa: 246,
} as const;

/** Bytes of the footer: version (2) + CRC64 (8). */
const footerBytes = 10;

/** FUNCTION DUMP: the payload holding every library's code, in the given order. */
export function encodeFunctionPayload(codes: Iterable<Buffer>): Buffer {
  const w = new RdbWriter(256);
  for (const code of codes) {
    w.byte(RdbFunctionOpcode.function2);
    w.blob(code);
  }
  const end = w.length;
  const out = Buffer.allocUnsafe(end + footerBytes);
  w.buf.copy(out, 0, 0, end);
  out.writeUInt16LE(rdbVersion, end);
  out.writeBigUInt64LE(crc64(out, 0n, 0, end + 2), end + 2);
  return out;
}

/**
 * FUNCTION RESTORE's read of a payload: the libraries' codes (each as FUNCTION LOAD
 * would receive it), or Redis's error text (without "ERR ").
 */
export function decodeFunctionPayload(payload: Buffer): Buffer[] | string {
  if (!verifyDumpPayload(payload)) return 'DUMP payload version or checksum are wrong';
  const r = new RdbReader(payload);
  const codes: Buffer[] = [];
  while (payload.length - r.pos > footerBytes) {
    const type = r.byte();
    if (type === RdbFunctionOpcode.function2) {
      const code = readOr(r, 'Failed loading library payload');
      if (typeof code === 'string') return code;
      codes.push(Buffer.from(code));
    } else if (type === RdbFunctionOpcode.functionPreGa) {
      const code = readPreGa(r);
      if (typeof code === 'string') return code;
      codes.push(code);
    } else {
      return 'given type is not a function';
    }
  }
  return codes;
}

/** One RDB string, or `error` when it cannot be read. */
function readOr(r: RdbReader, error: string): Buffer | string {
  try {
    return r.blob();
  } catch (err) {
    if (err instanceof RdbFormatError) return error;
    throw err;
  }
}

function readPreGa(r: RdbReader): Buffer | string {
  const name = readOr(r, 'Failed loading library name');
  if (typeof name === 'string') return name;
  const engine = readOr(r, 'Failed loading engine name');
  if (typeof engine === 'string') return engine;
  let hasDescription: number;
  try {
    // rdbLoadLen without an encoding out-parameter: an encoded value counts as a length.
    hasDescription = r.lenOrEncoding().value;
  } catch (err) {
    if (err instanceof RdbFormatError) return 'Failed loading library description indicator';
    throw err;
  }
  if (hasDescription !== 0) {
    const description = readOr(r, 'Failed loading library description');
    if (typeof description === 'string') return description;
  }
  const code = readOr(r, 'Failed loading library blob');
  if (typeof code === 'string') return code;
  return Buffer.concat([Buffer.from('#!'), engine, Buffer.from(' name='), name, Buffer.from('\n'), code]);
}
