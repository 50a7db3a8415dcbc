// Generates src/engine/command-meta.ts from the oracle (a tool, run by hand):
//
//   npx tsx test/engine/support/gen-command-meta.ts
//
// It starts Debian's redis-server 7.0.15 on a free port, asks COMMAND INFO and
// COMMAND DOCS for every command in KeelDB's command table (and their subcommands),
// and writes the fields our CommandSpecs do not carry: key specs, tips, and the docs' doc_flags, deprecated_since, replaced_by, history and
// arguments. The command table merges them into COMMAND INFO / COMMAND DOCS, so those
// replies match Redis byte for byte. Re-run it when the command list grows.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import { buildCommandTable } from '../../../src/engine/command-table.js';

const require = createRequire(import.meta.url);
const RedisParser = require('redis-parser') as new (opts: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnBuffers?: boolean }) => { execute(b: Buffer): void };

// Every top-level command in KeelDB's table: what we implement is what we ask Redis about.
const commands = buildCommandTable().commands.map((c) => c.name).filter((n) => !n.includes('|'));

type V = string | number | null | V[];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function main(): Promise<void> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const sock = net.connect(port, '127.0.0.1');
    const pending: ((v: V) => void)[] = [];
    const parser = new RedisParser({ returnReply: (r) => pending.shift()!(r as V), returnError: (e) => pending.shift()!(String(e)) });
    sock.on('data', (d) => parser.execute(d));
    const call = (...args: string[]): Promise<V> =>
      new Promise((resolve) => {
        pending.push(resolve);
        sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
      });
    const meta: Record<string, unknown> = {};
    const pairs = (flat: V[]): Map<string, V> => {
      const m = new Map<string, V>();
      for (let i = 0; i < flat.length; i += 2) m.set(flat[i] as string, flat[i + 1]!);
      return m;
    };
    const keySpec = (flat: V[]): unknown => {
      const m = pairs(flat);
      const bs = pairs(m.get('begin_search') as V[]);
      const bsSpec = pairs(bs.get('spec') as V[]);
      const fk = pairs(m.get('find_keys') as V[]);
      const fkSpec = pairs(fk.get('spec') as V[]);
      const beginSearch = bs.get('type') === 'index' ? { type: 'index', index: bsSpec.get('index') } : bs.get('type') === 'keyword' ? { type: 'keyword', keyword: bsSpec.get('keyword'), startfrom: bsSpec.get('startfrom') } : { type: 'unknown' };
      const findKeys =
        fk.get('type') === 'range'
          ? { type: 'range', lastkey: fkSpec.get('lastkey'), keystep: fkSpec.get('keystep'), limit: fkSpec.get('limit') }
          : fk.get('type') === 'keynum'
            ? { type: 'keynum', keynumidx: fkSpec.get('keynumidx'), firstkey: fkSpec.get('firstkey'), keystep: fkSpec.get('keystep') }
            : { type: 'unknown' };
      return { ...(m.has('notes') ? { notes: m.get('notes') } : {}), flags: m.get('flags'), beginSearch, findKeys };
    };
    const docArg = (flat: V[]): unknown => {
      const m = pairs(flat);
      const out: Record<string, unknown> = {};
      for (const [k, v] of m) {
        if (k === 'arguments') out.arguments = (v as V[][]).map(docArg);
        else if (k === 'key_spec_index') out.keySpecIndex = v;
        else if (k === 'deprecated_since') out.deprecatedSince = v;
        else out[k] = v;
      }
      return out;
    };
    const record = (info: V[], docs: Map<string, V> | undefined): void => {
      const name = info[0] as string;
      const entry: Record<string, unknown> = {};
      const tips = info[7] as string[];
      if (tips.length > 0) entry.tips = tips;
      const specs = (info[8] as V[][]).map(keySpec);
      if (specs.length > 0) entry.keySpecs = specs;
      if (docs !== undefined) {
        if (docs.has('doc_flags')) entry.docFlags = docs.get('doc_flags');
        if (docs.has('deprecated_since')) entry.deprecatedSince = docs.get('deprecated_since');
        if (docs.has('replaced_by')) entry.replacedBy = docs.get('replaced_by');
        if (docs.has('history')) entry.history = docs.get('history');
        if (docs.has('arguments')) entry.arguments = (docs.get('arguments') as V[][]).map(docArg);
      }
      if (Object.keys(entry).length > 0) meta[name] = entry;
      const subDocs = docs?.has('subcommands') ? pairs(docs.get('subcommands') as V[]) : new Map<string, V>();
      for (const sub of info[9] as V[][]) record(sub, subDocs.has(sub[0] as string) ? pairs(subDocs.get(sub[0] as string) as V[]) : undefined);
    };
    for (const name of commands) {
      const info = (await call('COMMAND', 'INFO', name)) as V[][];
      const docs = pairs((await call('COMMAND', 'DOCS', name)) as V[]);
      if (info[0] === null) throw new Error(`redis-server does not know ${name}`);
      record(info[0]!, docs.has(name) ? pairs(docs.get(name) as V[]) : undefined);
    }
    const version = (await call('INFO', 'server')) as string;
    sock.destroy();
    const redisVersion = /redis_version:(\S+)/.exec(version)![1];
    const body = Object.entries(meta)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`)
      .join('\n');
    const text = `// GENERATED by test/engine/support/gen-command-meta.ts from redis-server ${redisVersion}: do not edit by hand.
// What Redis's command table holds and our CommandSpecs do not: key specs and tips
// (COMMAND INFO), doc flags, history and argument lists (COMMAND DOCS), by full
// command name. src/engine/command-table.ts merges these into the one table; a spec
// that sets its own keySpecs/tips wins. Engine worker; data only.

import type { CommandMeta } from './command-table.js';

export const redisCommandMetaVersion = ${JSON.stringify(redisVersion)};

export const redisCommandMeta: Readonly<Record<string, CommandMeta>> = {
${body}
};
`;
    writeFileSync(new URL('../../../src/engine/command-meta.ts', import.meta.url), text);
    console.log(`wrote ${Object.keys(meta).length} entries, ${text.length} bytes`);
  } finally {
    server.kill('SIGKILL');
  }
}

await main();
