// The `keeldb` command line (main thread of whichever process it starts).
// Each subcommand is a process role: `server` (io-mux + engine worker), `log-node`
// (one journal node), `journal-bench`. Options are validated here, at the edge,
// with messages that name the option and the rule; the roles receive typed values.

import { Command, InvalidArgumentError } from 'commander';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be an integer from 0 to 65535');
  }
  return port;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function parseHostPorts(value: string): string[] {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const p of parts) {
    if (!/^[^:]+:\d{1,5}$/.test(p)) throw new InvalidArgumentError(`'${p}' is not host:port`);
  }
  return parts;
}

const program = new Command();
program.name('keeldb').description('A Redis-compatible in-memory database, durable on a quorum log.');

program
  .command('server')
  .description('run the Redis endpoint: io-mux on the main thread, the command engine in a worker')
  .option('--port <port>', 'TCP port', parsePort, 6379)
  .option('--bind <address>', 'address to listen on', '127.0.0.1')
  .option('--requirepass <password>', 'require AUTH with this password')
  .option('--journal <mode>', "'none' (not durable, cache use)", 'none')
  .action(async (opts: { port: number; bind: string; requirepass?: string; journal: string }) => {
    if (opts.journal !== 'none') {
      program.error(`--journal: only 'none' is available in this version (got '${opts.journal}')`);
    }
    const { startServer } = await import('./server.js');
    await startServer({ port: opts.port, bind: opts.bind, requirepass: opts.requirepass, journal: 'none' });
  });

program
  .command('log-node')
  .description('run one journal node (one simulated availability zone)')
  .requiredOption('--id <n>', 'node id, 1..3', parsePositiveInt)
  .requiredOption('--port <port>', 'TCP port', parsePort)
  .requiredOption('--dir <dir>', 'data directory of this node')
  .requiredOption('--peers <list>', 'the other nodes: id=host:port,... or host:port,... in id order', parseHostPorts)
  .option('--bind <address>', 'address to listen on', '127.0.0.1')
  .option('--secret <secret>', 'cluster secret every connection must present', 'keeldb-dev-secret')
  .action(async (opts: { id: number; port: number; dir: string; peers: string[]; bind: string; secret: string }) => {
    const { runLogNode } = await import('../journal/node/log-node-main.js');
    await runLogNode(opts);
  });

program
  .command('journal-bench')
  .description('measure the journal: appends/s, MB/s, p50/p99 beside the raw 2-of-3 fdatasync')
  .option('--clients <n>', 'concurrent appenders', parsePositiveInt, 1)
  .option('--bytes <n>', 'record payload size', parsePositiveInt, 100)
  .option('--seconds <n>', 'measurement time', parsePositiveInt, 5)
  .option('--nodes <list>', 'target running nodes instead of starting three', parseHostPorts)
  .option('--secret <secret>', 'cluster secret', 'keeldb-dev-secret')
  .option('--depth <n>', 'appends each client keeps in flight', parsePositiveInt, 1)
  .action(async (opts: { clients: number; bytes: number; seconds: number; nodes?: string[]; secret: string; depth: number }) => {
    const { runJournalBench } = await import('../journal/bench/journal-bench.js');
    await runJournalBench(opts);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
