// Decodes one complete RESP2/RESP3 reply into a tree (test process, main thread).
// The differential tests compare raw bytes; this tree is for the few replies that
// legitimately differ between redis-server and KeelDB (INFO, CLIENT LIST, COMMAND DOCS,
// ids, times), where a test compares structure or selected fields instead, and for
// normalisers (sorted KEYS, TTL within a tick). Input must be a whole reply, as
// RespConn returns it; anything else throws.

import { replyEnd } from './resp-scan.js';

export type RespValue =
  | { kind: 'simple'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'integer'; value: bigint }
  | { kind: 'bulk'; bytes: Buffer }
  | { kind: 'verbatim'; format: string; bytes: Buffer }
  | { kind: 'null'; type: string } // '$-1', '*-1' or '_'
  | { kind: 'boolean'; value: boolean }
  | { kind: 'double'; text: string }
  | { kind: 'bignum'; text: string }
  | { kind: 'blobError'; bytes: Buffer }
  | { kind: 'array' | 'set' | 'push'; items: RespValue[] }
  | { kind: 'map'; entries: [RespValue, RespValue][] }
  | { kind: 'attribute'; entries: [RespValue, RespValue][]; value: RespValue };

export function decodeReply(buf: Buffer): RespValue {
  const [value, end] = decodeAt(buf, 0);
  if (end !== buf.length) throw new Error(`decodeReply: ${buf.length - end} trailing bytes`);
  return value;
}

function line(buf: Buffer, from: number): [string, number] {
  const eol = buf.indexOf('\r\n', from, 'latin1');
  if (eol < 0) throw new Error('decodeReply: incomplete reply');
  return [buf.toString('utf8', from, eol), eol + 2];
}

function decodeAt(buf: Buffer, pos: number): [RespValue, number] {
  const type = String.fromCharCode(buf[pos]!);
  const [header, next] = line(buf, pos + 1);
  switch (type) {
    case '+':
      return [{ kind: 'simple', text: header }, next];
    case '-':
      return [{ kind: 'error', text: header }, next];
    case ':':
      return [{ kind: 'integer', value: BigInt(header) }, next];
    case '_':
      return [{ kind: 'null', type: '_' }, next];
    case '#':
      return [{ kind: 'boolean', value: header === 't' }, next];
    case ',':
      return [{ kind: 'double', text: header }, next];
    case '(':
      return [{ kind: 'bignum', text: header }, next];
    case '$':
    case '!':
    case '=': {
      if (header === '?') throw new Error('decodeReply: streamed strings are not decoded');
      const n = Number(header);
      if (n === -1) return [{ kind: 'null', type: '$-1' }, next];
      const bytes = buf.subarray(next, next + n);
      const end = next + n + 2;
      if (type === '$') return [{ kind: 'bulk', bytes }, end];
      if (type === '!') return [{ kind: 'blobError', bytes }, end];
      return [{ kind: 'verbatim', format: bytes.toString('latin1', 0, 3), bytes: bytes.subarray(4) }, end];
    }
    case '*':
    case '~':
    case '>': {
      const n = Number(header);
      if (n === -1) return [{ kind: 'null', type: '*-1' }, next];
      const items: RespValue[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const [v, e] = decodeAt(buf, p);
        items.push(v);
        p = e;
      }
      const kind = type === '*' ? 'array' : type === '~' ? 'set' : 'push';
      return [{ kind, items }, p];
    }
    case '%':
    case '|': {
      const n = Number(header);
      const entries: [RespValue, RespValue][] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const [k, e1] = decodeAt(buf, p);
        const [v, e2] = decodeAt(buf, e1);
        entries.push([k, v]);
        p = e2;
      }
      if (type === '%') return [{ kind: 'map', entries }, p];
      const [value, end] = decodeAt(buf, p);
      return [{ kind: 'attribute', entries, value }, end];
    }
    default:
      // Let the scanner produce its precise error.
      replyEnd(buf, pos);
      throw new Error(`decodeReply: unexpected type byte at ${pos}`);
  }
}

/** The text of a simple string, bulk, verbatim string or integer; throws otherwise. */
export function textOf(v: RespValue): string {
  switch (v.kind) {
    case 'simple':
    case 'error':
    case 'double':
    case 'bignum':
      return v.text;
    case 'integer':
      return v.value.toString();
    case 'bulk':
    case 'verbatim':
      return v.bytes.toString('utf8');
    default:
      throw new Error(`textOf: a ${v.kind} has no text`);
  }
}

/** Shape of a reply: kinds and aggregate sizes, no scalar values. */
export function shapeOf(v: RespValue): unknown {
  switch (v.kind) {
    case 'array':
    case 'set':
    case 'push':
      return { [v.kind]: v.items.map(shapeOf) };
    case 'map':
      return { map: v.entries.map(([k, val]) => [shapeOf(k), shapeOf(val)]) };
    case 'attribute':
      return { attribute: v.entries.map(([k, val]) => [shapeOf(k), shapeOf(val)]), value: shapeOf(v.value) };
    case 'null':
      return `null(${v.type})`;
    default:
      return v.kind;
  }
}

/** Printable form of raw reply bytes for failure messages: CRLF and non-ASCII escaped. */
export function showBytes(buf: Buffer | string): string {
  const s = typeof buf === 'string' ? buf : buf.toString('latin1');
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\r') out += '\\r';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}
