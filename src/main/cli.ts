// The `keeldb` command line (main thread of whichever process it starts).
// Each subcommand is a process role: `server` (io-mux + engine worker), `log-node`
// (one journal node), `up` (supervises three log nodes and a server: the embedded
// default), `journal-bench`. Options are validated here, at the edge, with messages
// that name the option and the rule; the roles receive typed values.

import { Command, InvalidArgumentError } from 'commander';
import { niceLevelMax, upLogNodeNiceLevel } from '../limits.js';
import { parseServerCpuList as parseCpuListOption, type ServerCpuList } from '../platform/cpu-affinity.js';
import { parseNiceLevel } from '../platform/cpu-priority.js';

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

/** --journal: 'none', or the log nodes' addresses (three: a 2-of-3 quorum). */
function parseJournal(value: string): string[] | 'none' {
  if (value === 'none') return 'none';
  const nodes = parseHostPorts(value);
  if (nodes.length !== 3) throw new InvalidArgumentError(`give the three log nodes as host:port,host:port,host:port (or 'none'); got ${nodes.length}`);
  return nodes;
}

/** --journal-ports: three distinct non-zero ports for log nodes 1..3. */
function parseJournalPorts(value: string): number[] {
  const ports = value.split(',').map((s) => parsePort(s.trim()));
  if (ports.length !== 3 || ports.includes(0) || new Set(ports).size !== 3) {
    throw new InvalidArgumentError('give three different non-zero ports a,b,c (log nodes 1, 2, 3)');
  }
  return ports;
}

/** --nice, --log-node-nice: a nice level (a lower CPU priority) 0..niceLevelMax. */
function parseNiceLevelOption(value: string): number {
  try {
    return parseNiceLevel(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** --server-cpulist: 'auto', 'none', or CPUs as taskset and Redis's server_cpulist write them (0-3,6 or 0-7:2). */
function parseServerCpuList(value: string): ServerCpuList {
  try {
    return parseCpuListOption(value);
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message} (give 'auto', 'none' or a list such as 0-3,6)`);
  }
}

const serverCpuListHelp = "CPUs for the server's threads, as Redis's server_cpulist (0-3,6 or 0-7:2); 'auto': one CPU on a host of 2 or fewer, else any; 'none': any";

const program = new Command();
program.name('keeldb').description('A Redis-compatible in-memory database, durable on a quorum log.');

program
  .command('server')
  .description('run the Redis endpoint: io-mux on the main thread, the command engine in a worker')
  .option('--port <port>', 'TCP port', parsePort, 6379)
  .option('--bind <address>', 'address to listen on', '127.0.0.1')
  .option('--requirepass <password>', 'require AUTH with this password')
  .requiredOption(
    '--journal <nodes>',
    "the journal's log nodes host:port,host:port,host:port (node 1 first): writes are acknowledged once on 2 of 3; or 'none': not durable (cache use)",
    parseJournal,
  )
  .option('--journal-secret <secret>', 'cluster secret of the log nodes', 'keeldb-dev-secret')
  .option('--journal-commit-timeout-ms <ms>', 'fail held replies after this long without a commit (tests shorten it)', parsePositiveInt)
  .option('--server-cpulist <cpus>', serverCpuListHelp, parseServerCpuList, 'auto' as ServerCpuList)
  .action(async (opts: { port: number; bind: string; requirepass?: string; journal: string[] | 'none'; journalSecret: string; journalCommitTimeoutMs?: number; serverCpulist: ServerCpuList }) => {
    // Before any worker exists: the threads created later inherit the main thread's mask.
    const { applyServerCpuList } = await import('../platform/cpu-affinity.js');
    const placement = applyServerCpuList(opts.serverCpulist, opts.journal !== 'none');
    const { startServer } = await import('./server.js');
    const journal =
      opts.journal === 'none'
        ? 'none'
        : { nodes: opts.journal, secret: opts.journalSecret, commitTimeoutMs: opts.journalCommitTimeoutMs, writerCpus: placement.journalWriterCpus };
    await startServer({ port: opts.port, bind: opts.bind, requirepass: opts.requirepass, journal });
    // After the ready line: the first line stays the one that says whether writes are durable.
    if (placement.line !== undefined) console.log(placement.line);
  });

program
  .command('up')
  .description('run the embedded default: three log nodes and the server on this host, restarting any that dies (Ctrl-C stops all)')
  .option('--dir <dir>', 'data directory: log node i keeps its log in <dir>/node-i', './data')
  .option('--port <port>', 'Redis port (0: any free port)', parsePort, 6379)
  .option('--bind <address>', 'address the server listens on (log nodes listen on 127.0.0.1)', '127.0.0.1')
  .option('--journal-ports <a,b,c>', 'ports of log nodes 1..3 (default: port+10000, +10001, +10002)', parseJournalPorts)
  .option('--journal-secret <secret>', 'cluster secret of the log nodes', 'keeldb-dev-secret')
  .option('--log-node-nice <level>', `the log nodes' nice level, 0..${niceLevelMax} (0: the server's priority)`, parseNiceLevelOption, upLogNodeNiceLevel)
  .option('--server-cpulist <cpus>', serverCpuListHelp, parseServerCpuList, 'auto' as ServerCpuList)
  .action(async (opts: { dir: string; port: number; bind: string; journalPorts?: number[]; journalSecret: string; logNodeNice: number; serverCpulist: ServerCpuList }) => {
    const { runUp } = await import('./up.js');
    await runUp(opts);
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
  .option('--nice <level>', `lower this process's CPU priority to nice level 0..${niceLevelMax} (keeldb up gives ${upLogNodeNiceLevel})`, parseNiceLevelOption, 0)
  .action(async (opts: { id: number; port: number; dir: string; peers: string[]; bind: string; secret: string; nice: number }) => {
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
