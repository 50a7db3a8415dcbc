// INFO's text (engine worker): Redis 7.0's genRedisInfoString, with its section names,
// field names and order, and CRLF line endings. Fields KeelDB has no counterpart for
// keep Redis's name with the value Redis shows when the feature is idle (0, ok, -1),
// so clients that parse INFO find every field they expect.
//
// Sections: `INFO` and `INFO default` give the default set; `all` adds commandstats
// and latencystats; `everything` is all (KeelDB has no module sections). Names are
// case-insensitive; unknown names add nothing (INFO foo is an empty string).
//
// Invariants: sections print in Redis's order whatever order they were asked in; each
// section is "# Title\r\n" then "field:value\r\n" lines, separated by one "\r\n".

import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { EngineServices } from './command.js';
import type { Keyspace } from './keyspace.js';
import { latencyPercentileUs } from './stats.js';
import { cachedScriptCount } from './commands/scripting.js';
import type { DurabilityInfo } from '../durability/durability-info.js';

/** What INFO reports as redis_version: clients gate features on it. */
export const redisCompatVersion = '7.0.15';
export const keeldbVersion = '0.1.0';

const sectionOrder = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'commandstats',
  'errorstats',
  'latencystats',
  'cluster',
  'keyspace',
] as const;
type Section = (typeof sectionOrder)[number];

const defaultSections: ReadonlySet<Section> = new Set([
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'errorstats',
  'cluster',
  'keyspace',
]);

const titles: Record<Section, string> = {
  server: 'Server',
  clients: 'Clients',
  memory: 'Memory',
  persistence: 'Persistence',
  stats: 'Stats',
  replication: 'Replication',
  cpu: 'CPU',
  modules: 'Modules',
  commandstats: 'Commandstats',
  errorstats: 'Errorstats',
  latencystats: 'Latencystats',
  cluster: 'Cluster',
  keyspace: 'Keyspace',
};

/** Per-engine values INFO keeps between calls (ids, memory peak). */
interface InfoState {
  runId: string;
  replId: string;
  peakBytes: number;
  startupBytes: number;
}
const states = new WeakMap<EngineServices, InfoState>();

function stateOf(engine: EngineServices): InfoState {
  let s = states.get(engine);
  if (s === undefined) {
    const used = process.memoryUsage().heapUsed;
    s = { runId: randomBytes(20).toString('hex'), replId: randomBytes(20).toString('hex'), peakBytes: used, startupBytes: used };
    states.set(engine, s);
  }
  return s;
}

/** Which sections `INFO args...` asks for (args lower-cased by the caller). */
export function selectSections(args: readonly string[]): Set<Section> {
  if (args.length === 0) return new Set(defaultSections);
  const out = new Set<Section>();
  for (const a of args) {
    if (a === 'default') for (const s of defaultSections) out.add(s);
    else if (a === 'all' || a === 'everything') for (const s of sectionOrder) out.add(s);
    else if ((sectionOrder as readonly string[]).includes(a)) out.add(a as Section);
  }
  return out;
}

/** Redis's bytesToHuman. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  let d = n / 1024;
  let i = 0;
  while (d >= 1024 && i < units.length - 1) {
    d /= 1024;
    i++;
  }
  return `${d.toFixed(2)}${units[i]}`;
}

function cpuSeconds(us: number): string {
  const sec = Math.floor(us / 1e6);
  const frac = Math.floor(us % 1e6);
  return `${sec}.${String(frac).padStart(6, '0')}`;
}

/** Memory figures INFO memory and MEMORY STATS share (bytes; V8's heap stands in for the allocator). */
export interface MemorySnapshot {
  used: number;
  peak: number;
  startup: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
}

export function memorySnapshot(engine: EngineServices): MemorySnapshot {
  const st = stateOf(engine);
  const mem = process.memoryUsage();
  const used = mem.heapUsed + mem.external;
  if (used > st.peakBytes) st.peakBytes = used;
  return { used, peak: st.peakBytes, startup: st.startupBytes, rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal };
}

export function infoString(engine: EngineServices, keyspace: Keyspace, nowMs: number, sections: ReadonlySet<Section>): string {
  const st = stateOf(engine);
  const stats = engine.stats;
  const config = engine.config;
  const lines: string[] = [];
  let count = 0;
  const mem = process.memoryUsage();
  const used = mem.heapUsed + mem.external;
  if (used > st.peakBytes) st.peakBytes = used;

  // The durable write path's figures (set by the engine worker; absent in unit tests).
  const dur = (engine as { durability?: () => DurabilityInfo }).durability?.();
  for (const section of sectionOrder) {
    if (!sections.has(section)) continue;
    if (count++ > 0) lines.push('');
    lines.push(`# ${titles[section]}`);
    const f = (k: string, v: string | number | bigint): void => {
      lines.push(`${k}:${v}`);
    };
    switch (section) {
      case 'server': {
        const uptimeS = Math.floor((nowMs - engine.startedMs) / 1000);
        f('redis_version', redisCompatVersion);
        f('keeldb_version', keeldbVersion);
        f('redis_git_sha1', '00000000');
        f('redis_git_dirty', 0);
        f('redis_build_id', '0');
        f('redis_mode', 'standalone');
        f('os', `${os.type()} ${os.release()} ${os.machine()}`);
        f('arch_bits', 64);
        f('monotonic_clock', 'POSIX clock_gettime');
        f('multiplexing_api', 'epoll');
        f('atomicvar_api', 'c11-builtin');
        f('gcc_version', '0.0.0');
        f('process_id', process.pid);
        f('process_supervised', 'no');
        f('run_id', st.runId);
        f('tcp_port', config.port);
        f('server_time_usec', nowMs * 1000);
        f('uptime_in_seconds', uptimeS);
        f('uptime_in_days', Math.floor(uptimeS / 86400));
        f('hz', config.hz);
        f('configured_hz', config.hz);
        f('lru_clock', Math.floor(nowMs / 1000) & 0xffffff);
        f('executable', process.execPath);
        f('config_file', '');
        f('io_threads_active', 0);
        break;
      }
      case 'clients':
        f('connected_clients', engine.clients.size);
        f('cluster_connections', 0);
        f('maxclients', config.maxclients);
        f('client_recent_max_input_buffer', 0);
        f('client_recent_max_output_buffer', 0);
        f('blocked_clients', engine.blocking.blockedCount);
        f('tracking_clients', engine.tracking.trackingClients);
        f('clients_in_timeout_table', 0);
        break;
      case 'memory': {
        const total = os.totalmem();
        const maxmemory = config.maxmemory;
        f('used_memory', used);
        f('used_memory_human', bytesToHuman(used));
        f('used_memory_rss', mem.rss);
        f('used_memory_rss_human', bytesToHuman(mem.rss));
        f('used_memory_peak', st.peakBytes);
        f('used_memory_peak_human', bytesToHuman(st.peakBytes));
        f('used_memory_peak_perc', `${((used * 100) / st.peakBytes).toFixed(2)}%`);
        f('used_memory_overhead', st.startupBytes);
        f('used_memory_startup', st.startupBytes);
        const dataset = Math.max(0, used - st.startupBytes);
        f('used_memory_dataset', dataset);
        f('used_memory_dataset_perc', `${used > 0 ? ((dataset * 100) / used).toFixed(2) : '0.00'}%`);
        f('allocator_allocated', mem.heapUsed);
        f('allocator_active', mem.heapTotal);
        f('allocator_resident', mem.rss);
        f('total_system_memory', total);
        f('total_system_memory_human', bytesToHuman(total));
        f('used_memory_lua', 0);
        f('used_memory_vm_eval', 0);
        f('used_memory_lua_human', '0B');
        f('used_memory_scripts_eval', 0);
        f('number_of_cached_scripts', cachedScriptCount(engine));
        f('number_of_functions', 0);
        f('number_of_libraries', 0);
        f('used_memory_vm_functions', 0);
        f('used_memory_vm_total', 0);
        f('used_memory_vm_total_human', '0B');
        f('used_memory_functions', 0);
        f('used_memory_scripts', 0);
        f('used_memory_scripts_human', '0B');
        f('maxmemory', maxmemory);
        f('maxmemory_human', bytesToHuman(Number(maxmemory)));
        f('maxmemory_policy', config.maxmemoryPolicy);
        f('allocator_frag_ratio', (mem.heapTotal / Math.max(1, mem.heapUsed)).toFixed(2));
        f('allocator_frag_bytes', mem.heapTotal - mem.heapUsed);
        f('allocator_rss_ratio', (mem.rss / Math.max(1, mem.heapTotal)).toFixed(2));
        f('allocator_rss_bytes', mem.rss - mem.heapTotal);
        f('rss_overhead_ratio', '1.00');
        f('rss_overhead_bytes', 0);
        f('mem_fragmentation_ratio', (mem.rss / Math.max(1, used)).toFixed(2));
        f('mem_fragmentation_bytes', mem.rss - used);
        f('mem_not_counted_for_evict', 0);
        f('mem_replication_backlog', 0);
        f('mem_total_replication_buffers', 0);
        f('mem_clients_slaves', 0);
        f('mem_clients_normal', 0);
        f('mem_cluster_links', 0);
        f('mem_aof_buffer', 0);
        f('mem_allocator', 'v8');
        f('active_defrag_running', 0);
        f('lazyfree_pending_objects', 0);
        f('lazyfreed_objects', 0);
        break;
      }
      case 'persistence':
        f('loading', dur?.loading === true ? 1 : 0);
        f('async_loading', 0);
        f('current_cow_peak', 0);
        f('current_cow_size', 0);
        f('current_cow_size_age', 0);
        f('current_fork_perc', '0.00');
        f('current_save_keys_processed', 0);
        f('current_save_keys_total', 0);
        f('rdb_changes_since_last_save', keyspace.dirty);
        f('rdb_bgsave_in_progress', 0);
        f('rdb_last_save_time', Math.floor(engine.startedMs / 1000));
        f('rdb_last_bgsave_status', 'ok');
        f('rdb_last_bgsave_time_sec', -1);
        f('rdb_current_bgsave_time_sec', -1);
        f('rdb_saves', 0);
        f('rdb_last_cow_size', 0);
        f('rdb_last_load_keys_expired', 0);
        f('rdb_last_load_keys_loaded', 0);
        f('aof_enabled', 0);
        f('aof_rewrite_in_progress', 0);
        f('aof_rewrite_scheduled', 0);
        f('aof_last_rewrite_time_sec', -1);
        f('aof_current_rewrite_time_sec', -1);
        f('aof_last_bgrewrite_status', 'ok');
        f('aof_rewrites', 0);
        f('aof_rewrites_consecutive_failures', 0);
        f('aof_last_write_status', 'ok');
        f('aof_last_cow_size', 0);
        f('module_fork_in_progress', 0);
        f('module_fork_last_cow_size', 0);
        // KeelDB's durability: the journal (quorum log) instead of RDB/AOF.
        if (dur !== undefined) {
          f('keeldb_journal_enabled', dur.journal ? 1 : 0);
          f('keeldb_journal_committed_id', dur.committedId);
          f('keeldb_journal_committed_seq', dur.committedSeq);
          f('keeldb_journal_latest_seq', dur.latestSeq);
          f('keeldb_journal_appends', dur.appendCount);
          f('keeldb_journal_append_latency_p50_ms', (dur.appendLatencyP50Us / 1000).toFixed(3));
          f('keeldb_journal_append_latency_p99_ms', (dur.appendLatencyP99Us / 1000).toFixed(3));
          f('keeldb_journal_loaded_records', dur.loadedRecords);
          f('keeldb_held_replies', dur.heldReplies);
        }
        break;
      case 'stats':
        f('total_connections_received', stats.totalConnectionsReceived);
        f('total_commands_processed', stats.totalCommandsProcessed);
        f('instantaneous_ops_per_sec', stats.sampleOps(nowMs));
        for (const k of ['total_net_input_bytes', 'total_net_output_bytes', 'total_net_repl_input_bytes', 'total_net_repl_output_bytes']) f(k, 0);
        for (const k of ['instantaneous_input_kbps', 'instantaneous_output_kbps', 'instantaneous_input_repl_kbps', 'instantaneous_output_repl_kbps']) f(k, '0.00');
        f('rejected_connections', stats.rejectedConnections);
        f('sync_full', 0);
        f('sync_partial_ok', 0);
        f('sync_partial_err', 0);
        f('expired_keys', stats.expiredKeys);
        f('expired_stale_perc', '0.00');
        f('expired_time_cap_reached_count', 0);
        f('expire_cycle_cpu_milliseconds', 0);
        f('evicted_keys', 0);
        f('evicted_clients', 0);
        f('total_eviction_exceeded_time', 0);
        f('current_eviction_exceeded_time', 0);
        f('keyspace_hits', stats.keyspaceHits);
        f('keyspace_misses', stats.keyspaceMisses);
        f('pubsub_channels', engine.pubsub.channels.size);
        f('pubsub_patterns', engine.pubsub.patterns.size);
        f('pubsubshard_channels', engine.pubsub.shardChannels.size);
        for (const k of ['latest_fork_usec', 'total_forks', 'migrate_cached_sockets', 'slave_expires_tracked_keys']) f(k, 0);
        for (const k of ['active_defrag_hits', 'active_defrag_misses', 'active_defrag_key_hits', 'active_defrag_key_misses', 'total_active_defrag_time', 'current_active_defrag_time']) f(k, 0);
        f('tracking_total_keys', engine.tracking.tableKeys);
        f('tracking_total_items', engine.tracking.tableItems);
        f('tracking_total_prefixes', engine.tracking.prefixCount);
        f('unexpected_error_replies', 0);
        f('total_error_replies', stats.totalErrorReplies);
        f('dump_payload_sanitizations', 0);
        f('total_reads_processed', stats.totalCommandsProcessed);
        f('total_writes_processed', stats.totalCommandsProcessed);
        for (const k of ['io_threaded_reads_processed', 'io_threaded_writes_processed', 'reply_buffer_shrinks', 'reply_buffer_expands']) f(k, 0);
        break;
      case 'replication':
        f('role', 'master');
        f('connected_slaves', 0);
        f('master_failover_state', 'no-failover');
        f('master_replid', st.replId);
        f('master_replid2', '0'.repeat(40));
        f('master_repl_offset', 0);
        f('second_repl_offset', -1);
        f('repl_backlog_active', 0);
        f('repl_backlog_size', 1048576);
        f('repl_backlog_first_byte_offset', 0);
        f('repl_backlog_histlen', 0);
        // Replicas of KeelDB feed from the journal: its committed position is the offset.
        if (dur !== undefined && dur.journal) {
          f('keeldb_journal_committed_id', dur.committedId);
          f('keeldb_journal_committed_seq', dur.committedSeq);
          f('keeldb_held_replies', dur.heldReplies);
        }
        break;
      case 'cpu': {
        const u = process.cpuUsage();
        f('used_cpu_sys', cpuSeconds(u.system));
        f('used_cpu_user', cpuSeconds(u.user));
        f('used_cpu_sys_children', '0.000000');
        f('used_cpu_user_children', '0.000000');
        f('used_cpu_sys_main_thread', cpuSeconds(u.system));
        f('used_cpu_user_main_thread', cpuSeconds(u.user));
        break;
      }
      case 'modules':
        break;
      case 'commandstats': {
        const names = [...stats.commands.keys()].sort();
        for (const name of names) {
          const c = stats.commands.get(name)!;
          if (c.calls === 0 && c.failedCalls === 0 && c.rejectedCalls === 0) continue;
          const perCall = c.calls === 0 ? 0 : c.usec / c.calls;
          f(`cmdstat_${name}`, `calls=${c.calls},usec=${c.usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${c.rejectedCalls},failed_calls=${c.failedCalls}`);
        }
        break;
      }
      case 'errorstats':
        for (const [code, n] of [...stats.errorCodes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) f(`errorstat_${code}`, `count=${n}`);
        break;
      case 'latencystats': {
        for (const name of [...stats.commands.keys()].sort()) {
          const c = stats.commands.get(name)!;
          if (c.calls === 0) continue;
          const p = (fraction: number): string => latencyPercentileUs(c, fraction).toFixed(3);
          f(`latency_percentiles_usec_${name}`, `p50=${p(0.5)},p99=${p(0.99)},p99.9=${p(0.999)}`);
        }
        break;
      }
      case 'cluster':
        f('cluster_enabled', 0);
        break;
      case 'keyspace':
        for (const db of keyspace.dbs) {
          if (db.size === 0) continue;
          let avgTtl = 0;
          const n = db.expires.size;
          if (n > 0) {
            let sum = 0;
            for (const at of db.expires.values) sum += Math.max(0, at - nowMs);
            avgTtl = Math.floor(sum / n);
          }
          f(`db${db.index}`, `keys=${db.size},expires=${n},avg_ttl=${avgTtl}`);
        }
        break;
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}
