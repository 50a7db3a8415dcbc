// Every bound KeelDB enforces, in one place, unit last. Each says why it has the value
// it has; relationships between them are asserted at load, at the bottom of this file.
// Where Redis has the same limit we use Redis's value and, at the edge, its error text.

import { assert } from './assert.js';

const KiB = 1024;
const MiB = 1024 * KiB;

// --- RESP protocol (src/io-mux) -------------------------------------------------------

/** proto-max-bulk-len: Redis 7's default, the largest bulk string a client may send. */
export const protoBulkBytesMax = 512 * MiB;
/** Largest multibulk (argument count) header Redis accepts: "invalid multibulk length" above. */
export const multibulkCountMax = 1024 * 1024 * 1024; // Redis checks ll > INT_MAX; we cap at 2^30
/** Before AUTH, Redis refuses multibulk headers above 10 and bulks above 16 KiB. */
export const unauthenticatedMultibulkCountMax = 10;
export const unauthenticatedBulkBytesMax = 16 * KiB;
/** PROTO_INLINE_MAX_SIZE: an inline command line longer than this is a protocol error. */
export const inlineBytesMax = 64 * KiB;
/** A connection whose unparsed input exceeds this is closed (client-query-buffer-limit, 1 GiB). */
export const queryBufferBytesMax = 1024 * MiB;

// --- Connections and backpressure ----------------------------------------------------

/** maxclients: Redis's default. */
export const clientCountMax = 10_000;
/** Stop reading a client's socket while this much of its output is unsent (soft backpressure). */
export const clientOutputPauseBytes = 16 * MiB;
/** Disconnect a client whose unsent output exceeds this (hard output-buffer limit). */
export const clientOutputBytesMax = 1024 * MiB;

// --- Rings between threads (src/ring) ------------------------------------------------

/** Request ring, io-mux -> engine. Power of two. Big enough for many batches in flight. */
export const requestRingBytes = 32 * MiB;
/** Reply ring, engine -> io-mux. Power of two. */
export const replyRingBytes = 32 * MiB;
/** A batch record is flushed to the ring once it grows past this, to keep hops bounded. */
export const batchBytesMax = 1 * MiB;
/**
 * A single request or reply larger than this does not travel through the ring; it goes
 * through the worker's MessagePort (a "jumbo" record), keeping its place in the order.
 */
export const ringRecordBytesMax = 4 * MiB;

// --- Engine worker and io-mux (src/workers, src/io-mux) -------------------------------

/**
 * Jumbo replies (bigger than ringRecordBytesMax) the worker may have posted that the
 * io-mux has not taken yet: each can be up to 512 MB, so a pipeline of huge GETs must
 * not queue them without bound; two keep the worker busy while the io-mux writes one.
 */
export const jumboInFlightCountMax = 2;
/**
 * Request bytes the io-mux keeps while the request ring is full before it stops
 * reading from the sockets that send more (never drop, never block the main thread).
 */
export const requestBacklogBytesMax = 16 * MiB;

/**
 * Request bytes one client may have read but not yet seen answered before the io-mux
 * stops reading it until the engine catches up: bounds a pipelining client's replies in
 * flight, so output backpressure can act before the output-buffer limit is passed.
 */
export const clientRequestInflightBytes = 4 * MiB;

/**
 * The engine worker's young generation (V8 new space, Worker resourceLimits). A trade
 * between SET's throughput and its p99: every SET's 100-byte value string survives a
 * scavenge (the keyspace holds it), so a scavenge copies about a fifth of the young
 * generation, twice (to-space, then old space), while every client waits, but a smaller
 * one scavenges more often, each time with a fixed cost. --trace-gc-nvp of the worker,
 * SET -P 16 on 1M keys: copied per scavenge ~10.5 MB at 64 MiB, ~2.7 MB at 16, ~1.6 MB
 * at 8. bench/endpoint/latency-ab.ts, same build, 1M keys, load ~2, medians of 3 (redis
 * ~440k ops/s, p99 ~2.7 ms): 64 MiB 318k ops/s, p99 18.5 ms, 3.27 CPU µs/SET; 16 MiB
 * -14% ops/s, p99 12.2 ms; 8 MiB -18% ops/s, p99 8.5 ms, 3.73 µs; 4 MiB p99 7.8 ms,
 * 11% fewer ops/s than 8. No size meets issue 2's p99 (2x redis) and every smaller one moves SET away
 * from its 0.7x ops/s, so 64 MiB stays; values off the V8 heap are the way to that p99.
 * Since string values live in the StringSlab (string-slab.ts) a SET leaves nothing in
 * the young generation to survive, and the p99 came down without shrinking it: same
 * command, load ~4.5, medians of 3: redis p99 4.30 ms; 64 MiB 6.86 ms, 232k ops/s, 3.36
 * CPU µs/SET; 16 MiB 7.49 ms, 231k ops/s, 3.96 µs. 64 MiB stays.
 */
export const engineYoungGenerationBytesMax = 64 * MiB;

// --- Engine (src/engine) -------------------------------------------------------------

/** Redis's default number of databases. */
export const databaseCount = 16;
/** Active expiry: how often the cycle runs (Redis's hz 10) and how long it may take. */
export const activeExpireIntervalMs = 100;
export const activeExpireCycleMs = 25;
/** Keys sampled per database per active-expire loop (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
export const activeExpireSampleCount = 20;
/** Commands slower than this are logged to SLOWLOG (slowlog-log-slower-than, microseconds). */
export const slowlogSlowerThanUs = 10_000;
/** slowlog-max-len. */
export const slowlogEntryCountMax = 128;
/** Largest SETRANGE/APPEND result, as Redis's checkStringLength: 512 MB. */
export const stringBytesMax = 512 * MiB;
/**
 * V8's String::kMaxLength on 64-bit (2^29 - 24 chars): a string value is a latin1 JS
 * string, so SETRANGE/APPEND refuse a result longer than this even when
 * proto-max-bulk-len would allow it (with Redis's proto-max-bulk-len error text).
 */
export const stringValueBytesMax = 2 ** 29 - 24;
/** How long the engine worker sleeps in Atomics.wait at most before running its timers. */
export const engineIdleWaitMs = 100;
/**
 * Levels of `*` recursion a glob match (KEYS, SCAN MATCH) may use: Redis's stringmatchlen
 * nesting limit (the CVE-2024-31228 fix, which Debian's 7.0.15 carries). A match that
 * needs more fails, as in Redis, so no pattern can overflow the engine worker's stack.
 */
export const globNestingMax = 1000;
/**
 * String values up to this many bytes minus a 5-byte header and the key kept beside them
 * live off the V8 heap in the string slab (src/engine/string-slab.ts): no heap object per
 * value, so SET-heavy loads make no old-generation garbage. 256 KiB plus 64 (a 256 KiB
 * value with a key of up to 59 bytes): as a JS string a big value costs its latin1
 * decode, a copy on promotion and the old generation's marking and sweeping, 4-13x the
 * slab's copy at every size measured (bench/engine/string-values.bench.ts, CPU µs per
 * SET over an existing key, string vs slab: 4 KiB 10.7 vs 2.9, 16 KiB 28 vs 4.4, 64 KiB
 * 123 vs 9.3, 256 KiB ~300 vs ~31). Not more: values past 256 KiB are rare, a slab class
 * keeps its chunks until its last value goes (a burst of huge values would stay held),
 * and 57 classes leave the handle's 6 class bits room for no more octave of four.
 * Bigger values stay JS strings (V8's large-object space: not copied by the GC).
 */
export const stringSlabSlotBytesMax = 256 * KiB + 64;
/** Each slab size class up to 4096-byte slots grows by chunks of this many bytes (one ArrayBuffer each). */
export const stringSlabChunkBytes = 1 * MiB;
/**
 * The chunk bytes of the slab classes above 4096-byte slots (a slot bigger than this is
 * a chunk of its own). Smaller than stringSlabChunkBytes because a class's last chunk is
 * mostly empty while it fills: 25 big classes of 1 MiB chunks could hold ~25 MiB for a
 * few values of each size; at 256 KiB at most ~6 MiB, and 4 KiB values still cut 32
 * slots per chunk allocation.
 */
export const stringSlabBigChunkBytes = 256 * KiB;

// --- Hashes and sets (src/engine/commands/hashes.ts, sets.ts) ------------------------------

/**
 * HRANDFIELD and SRANDMEMBER with a negative count repeat elements without bound. A
 * reply of more elements than this passes clientOutputBytesMax even at 7 bytes an
 * element ("$1\r\nx\r\n"), so the client is disconnected, as the hard output limit
 * would do, before the engine spends time and memory building it.
 */
export const randomReplyElementCountMax = Math.floor(clientOutputBytesMax / 7);

// --- Lists (src/engine/types/list.ts) ------------------------------------------------------

/**
 * A list's elements live framed, back to back, in chunks of this many bytes: large
 * enough that a 500k-element list is a few thousand objects for the GC rather than 500k
 * strings, small enough that a middle edit (which rebuilds its chunk) stays cheap. At
 * most 64 KiB: offsets within a chunk are 16-bit.
 */
export const listChunkBytes = 32 * KiB;
/** Full-size list chunks kept for reuse after pops (a queue frees one per listChunkBytes popped). */
export const listChunkPoolCountMax = 16;

// --- Bitmaps and HyperLogLog (src/engine/commands/bitmaps.ts, hyperloglog.ts) ---------------

/**
 * Redis's hll-sparse-max-bytes default: a sparse HyperLogLog that would grow past this
 * many bytes (header included) turns dense. Fixed here (KeelDB has no CONFIG SET for it)
 * because the stored bytes, which GET shows, depend on it.
 */
export const hllSparseBytesMax = 3000;

/**
 * A string at least this long is written in place (SETBIT, BITFIELD) through a write
 * buffer beside the dict (src/engine/string-buffer.ts) instead of being rebuilt: below
 * it, rebuilding the immutable string costs about as much as the command itself, and
 * the buffer would double the value's memory for nothing.
 */
export const stringInPlaceBytesMin = 4096;

// --- Streams (src/engine/types/stream.ts) ---------------------------------------------------

/**
 * Redis's stream-node-max-entries and stream-node-max-bytes defaults: a stream node
 * (a listpack in Redis) holds at most this many entries, live and deleted, and opens a new
 * node when its bytes plus the new entry's would reach the byte bound. The Config
 * (src/engine/config.ts) starts from these and CONFIG SET changes them, as in Redis:
 * `MAXLEN ~` trims whole nodes and XINFO and DUMP show them, so replies depend on them.
 */
export const streamNodeEntriesMax = 100;
export const streamNodeBytesMax = 4096;

// --- Journal storage and wire (src/journal/storage, src/journal/wire) --------------------

/** A segment file rolls past this size: big enough that rolls are rare, small enough that trim frees space soon. */
export const journalSegmentBytes = 64 * MiB;
/** Largest payload of one journal record: an effects record of a big MULTI/EXEC must fit. */
export const journalPayloadBytesMax = 16 * MiB;
/**
 * Durable segment writes (O_DSYNC) a log node keeps in flight: overlapping them hides part
 * of each one's latency; a few are enough, and each later one batches everything pending.
 */
export const journalDiskWritesInFlightMax = 4;
/**
 * Recent entries kept in memory per log node so followers' and readers' tail reads skip
 * the disk (entries not yet written are kept whatever this says). A live follower is fed
 * from Raft's own entry cache (4 x journalBatchBytesMax); this one serves a follower or a
 * reader a little further behind. It was 64 MiB until session 9: a node's RSS held it
 * (and the allocator's holes around it) for good, and 4 MiB in session 6 showed no CPU
 * difference.
 */
export const journalCacheBytes = 16 * MiB;
/**
 * Encoded-frame buffers a log node keeps for reuse after their durable write completed
 * (src/journal/storage/segment-log.ts, chunks over journalDiskSmallWriteBytesMax): room
 * for the chunks of the writes in flight (journalDiskWritesInFlightMax) at SET -d 4096
 * -P 16 (~1 MB each), so a node no longer allocates ~1 MB of fresh ArrayBuffer per append
 * there (V8 collects garbage after every 64 MB of new external memory).
 */
export const journalDiskChunkSpareBytes = 8 * MiB;
/** Largest wire frame between log nodes and clients: one full record plus its batch's headers. */
export const journalWireFrameBytesMax = 32 * MiB;
/** Replies and replication batches are cut at this many payload bytes (many frames in flight, none huge). */
export const journalBatchBytesMax = 4 * MiB;
/** A connection must finish the secret handshake within this time or is closed. */
export const journalHandshakeMs = 5_000;
/**
 * How far ahead of its last record a log node keeps its active segment written with
 * zeros (and synced), refilled when half is used; 0 disables it. An O_DSYNC write over
 * blocks already written and synced changes no file size nor extent, so it writes its
 * data alone; an appending one also writes the inode (and allocates blocks): measured
 * here (3 KB writes, ext4), 58-66 against 106-144 µs of CPU inline and 109-142 against
 * 200 through the pool. The zeros cost ~0.5 µs of CPU per KiB (written and synced once).
 * Session 2 turned it off on a noisy one-client latency A/B; session 3 measured the CPU
 * per durable SET with it (docs/JOURNAL.md, Benchmark).
 */
export const journalSegmentPreallocateBytes = 1 * MiB;
/**
 * A "small" durable write, the only kind that segment preallocation and inline writes
 * serve: a bigger write's cost is moving its data, not the metadata commit (zeros
 * written ahead of it would double the bytes written: 64 KiB records at 100 MB/s), and
 * blocking a follower's thread for it would stop the overlap of its writes.
 */
export const journalDiskSmallWriteBytesMax = 64 * KiB;
/**
 * A log node makes its durable write inline (a blocking write on its main thread) when
 * no other is in flight and the disk has been idle this long: at a low append rate that
 * saves two thread wake-ups per write (the libuv pool thread, then the main thread),
 * 60-90 µs of CPU here. Under load writes follow each other with no idle gap and keep
 * overlapping on the pool (journalDiskWritesInFlightMax). A leader blocks only at the end
 * of its turn, after its AppendEntries left (its write, started first, usually ends
 * before the first acknowledgment arrives); until session 5 leaders never wrote inline
 * (docs/JOURNAL.md, Storage).
 */
export const journalDiskInlineIdleMs = 0.15;
/**
 * A log leader makes its write inline (journalDiskInlineIdleMs) only while its inline
 * durable writes take less than this on average: quiet, an overwrite takes ~0.15 ms
 * (p99 0.26); at load 5-8 0.3-0.9 ms; under heavy load 1-3 ms, and a leader blocked
 * that long holds back every message, so it uses the pool and keeps reading. It was
 * 0.5 ms with pool writes (pool and wake-up waits included) in the average, which kept
 * leaders on the pool at load ~8: inline there cut the leader's CPU per append by 12 %
 * and its write never delayed a commit (session 6, docs/JOURNAL.md, Benchmark). 0: a
 * leader never writes inline.
 */
export const journalLeaderInlineWriteMsMax = 2;
/** A client gives up on an append (with an error, never a false success) after this. */
export const journalClientTimeoutMs = 10_000;

// --- Journal consensus (src/journal/raft, src/journal/node) ------------------------------

/** A Raft leader sends a heartbeat (an empty AppendEntries) at least this often. */
export const journalHeartbeatMs = 50;
/**
 * A follower that hears no leader for a random time in [min, max) campaigns, and a
 * leader that heard from no majority within the minimum steps down (check-quorum).
 * Several heartbeats fit in the minimum, so one lost heartbeat does not start an
 * election; the spread makes split votes rare (Raft paper section 9.3). Sized for CPU
 * starvation, not for the network: on a shared 2-core host with twenty runnable
 * threads a log node can go unscheduled for several hundred ms, and with 300-600 ms
 * elections flapped under load (every flap fails the appends in flight). A failover
 * takes about this long, well inside journalCommitTimeoutMs.
 */
export const journalElectionTimeoutMinMs = 1_000;
export const journalElectionTimeoutMaxMs = 2_000;
/**
 * An election timer that fires this much later than it was due means this process was
 * starved (or the event loop was blocked): the messages that would have reset it may be
 * unread in the socket buffers, so the node re-checks after one more turn instead of
 * campaigning or stepping down on stale evidence.
 */
export const journalTimerLateMs = 2 * journalHeartbeatMs;
/** AppendEntries batches in flight per follower (pipelining over one link's latency). */
export const journalAppendEntriesInFlightMax = 16;
/** Entries per AppendEntries (their payload is also cut at journalBatchBytesMax). */
export const journalAppendEntriesCountMax = 4096;
/** A follower whose in-flight batches see no answer for this long is probed again from its match index. */
export const journalReplicationStallMs = 4 * journalHeartbeatMs;
/** Records in one client append (one database command's effects: one or a few). */
export const journalAppendRecordCountMax = 4096;
/**
 * A Raft leader writes its own entries lazily (session 10; Raft thesis 10.2.1): with 3
 * nodes an entry on both followers' disks is on 2 of 3, so the leader's own durable
 * write need not be on the commit path, and one write can carry many appends instead
 * of one O_DSYNC write per append (a spaced O_DSYNC write cost 100-140 us CPU here).
 * The leader syncs when entries it appended have gone this long without a majority
 * (seen at its next proposal, or by journalLeaderSyncTimerMs): a follower is slow, down
 * or partitioned, and the leader's own copy is then needed for 2 of 3. While a
 * follower's batches have made no progress for this long (or it is probing) the leader
 * syncs every append at once, as before session 10 (raft.ts, followerLagging). 0: always
 * at once. Above a follower's usual round trip (~1 ms at SET -P 1 under load).
 */
export const journalLeaderSyncLagMs = 2;
/**
 * A lazy leader left with unsynced entries and no proposals looks again after this
 * (raft.ts, lazySyncCheck): the checks run in proposals' turns, so under load no timer
 * wakes the leader for them (a timer per append cost as much as the writes it saved);
 * this only bounds the wait of the last append when a follower dies meanwhile.
 */
export const journalLeaderSyncTimerMs = 10;
/**
 * Otherwise a lazy leader syncs at least this often while it holds unsynced entries:
 * the unsynced tail stays in memory (the storage never evicts it from its cache) and a
 * leader crash loses it from this node (re-replicated from the followers, which hold it).
 */
export const journalLeaderSyncPeriodMs = 20;
/**
 * Appends remembered for retry dedup ((writerId, writerSeq) -> ids): enough for every
 * append a writer may still retry (client timeout x append rate: 10 s at 20k appends/s,
 * several times the highest rate measured), bounded in memory. Each costs a log node
 * ~96 bytes of heap (an AppendGroup, its map entry and list slot): 1,000,000 until
 * session 9 was ~96 MB per node after a million appends (a quarter of an hour of
 * SET -P 1), held for good. A retry older than this gets an error, never a wrong answer.
 */
export const journalDedupAppendCountMax = 200_000;
/** Longest a read may wait for new entries (long poll) before answering empty. */
export const journalReadWaitMsMax = 30_000;

// --- Durable write path (src/durability, src/workers) ----------------------------------

/**
 * Effects ring, engine -> journal writer. Holds several of the largest effect records
 * (journalPayloadBytesMax) so a big MULTI/EXEC never stalls the engine on its own, and
 * enough small ones to ride out a log-leader election without blocking the engine.
 */
export const effectsRingBytes = 64 * MiB;
/** Replay ring, journal writer -> engine (records read back at start and on reload). */
export const replayRingBytes = 64 * MiB;
/**
 * Appends the journal writer keeps in flight: pipelining hides the round trip and the
 * quorum fsync of one behind the others; beyond a few, each later append only waits
 * longer, since the log node already shares one fsync among everything pending.
 */
export const journalWriterAppendsInFlightMax = 8;
/**
 * Group commit is adaptive: while fewer than this many appends are in flight the writer
 * sends whatever it has at once (a lone write never waits for a round)... It was 4: at
 * SET -P 1 (50 clients) small groups then went out while others flew, ~20 records per
 * append; with 1, a group leaves at once only when nothing flies, else once it is as
 * large as those in flight (below), ~26 per append at -P 1 and ~310 at -P 16 instead of
 * ~230: fewer appends for the log nodes, which share the 2 cores. Measured (SET -c 50
 * -d 100, 1 vs 4 in alternating pairs, load 14-16, medians): -P 1 7,494 vs 4,098 ops/s,
 * p50 4.3 vs 8.1 ms, p99 41 vs 53 ms, CPU per write (server and log nodes) 104 vs 139
 * µs, better in each of 7 pairs; -P 16 the same (36.5K vs 37.0K ops/s, p50 14.1 vs 13.7
 * ms, ~19 µs per write).
 */
export const journalWriterAppendsAnySizeMax = 1;
/**
 * ...beyond, it sends another only once the waiting group holds this many records or
 * journalWriterEagerBytes, else it waits for an ack (until session 4 it went once as
 * large as the appends in flight on average: that kept two cohorts of closed-loop
 * clients apart, see journalWriterHoldMsMax). Every append costs the three log
 * nodes an entry, messages and, unless it overlaps others, a quorum fsync round (1-3 ms
 * of CPU together on this machine), and they share the server's 2 cores: under a heavy
 * load fewer, larger appends leave more CPU to everything else.
 */
export const journalWriterEagerRecordCount = 256;
/** See journalWriterEagerRecordCount: the byte threshold (large values). */
export const journalWriterEagerBytes = 512 * 1024;
/**
 * Cohort hold (src/durability/commit-policy.ts): after an ack, a group waits for the
 * acked clients' next writes for at most this long, and at most the acked append's
 * latency x journalWriterHoldLatencyFraction. SET -P 1 -c 50 then carries ~33-38 records
 * per append instead of ~25 (two alternating cohorts of clients merge into one): CPU per
 * durable SET 66.7 -> 63.3 µs at -P 1, 14.0 -> 12.6 at -P 16 (medians of 5, load 12-15).
 * Session 6 re-tried the rule against faster appends (SET -P 1 -c 50, alternating runs,
 * medians of 6-8, load 4-9): no hold, a 0.5 ms cap, half the latency, a target of 80% of
 * the cohort, 2 appends of any size in flight (with and without the hold), and a longer
 * cap (1.5x / 3 ms, 2x / 4 ms) all measured within noise of this rule or below it (at
 * load ~4.4: this 17.0K ops/s p50 2.25 p99 8.1 ms, the others 15.6-16.3K, p99 9.2-10.3);
 * 2 in flight cost more writer wakes and smaller appends. Most of a cycle is the append
 * (~1 ms) and the acked clients' return (ack -> their next request pushed by the io-mux:
 * p10 0.47, p50 1.06, p90 1.83 ms), which the hold can only wait for.
 */
export const journalWriterHoldMsMax = 2;
export const journalWriterHoldLatencyFraction = 1;
/** A hold that ends with under half its cohort back turns holds off for this many acks (sparse writers). */
export const journalWriterHoldSkipAcks = 8;
/**
 * The hold's timer is armed this much after the hold's end, and the hold ends when it
 * fires. Node's timers count whole milliseconds of a loop clock that lags
 * performance.now(), so a timer armed for the end itself often fired up to ~1 ms early,
 * found the hold running and was armed again (a 1 ms minimum): a second wake-up of the
 * writer for ~0.2 of the appends at SET -P 1, and holds that ran up to 1 ms over anyway.
 * Ending the hold at an early fire instead shortened holds: 26-30 records per append
 * instead of 29-32, i.e. more appends for the log nodes.
 */
export const journalWriterHoldTimerSlackMs = 1;
/**
 * Slots of the tracker's key-dependency table (src/durability/tracker.ts), 8 bytes each:
 * keys hash into it, and a read of a key sharing a slot with an uncommitted write waits
 * for that write (never shows uncommitted data). With ~1000 writes in flight (50 clients
 * x 16 pipelined) a read of an untouched key waits needlessly ~0.4% of the time.
 */
export const trackerKeySlotCount = 1 << 18;
/**
 * An append that is not acknowledged within this fails every held reply with an error
 * (outcome unknown) and the server reloads from the journal. Several log-leader
 * elections (journalElectionTimeoutMaxMs each) fit in it, so a failover alone never
 * fails writes; clients without a timeout of their own see an error rather than hang.
 */
export const journalCommitTimeoutMs = 10_000;
/** How often the journal replay prints its progress (records and MB per second). */
export const loadProgressIntervalMs = 1_000;

// --- Busy scripts and the control area (src/workers/control-area.ts, src/io-mux/busy-gate.ts) ---

/**
 * The Lua VM's count hook runs every this many VM instructions (Redis's
 * luaMaskCountHook uses 100000): often enough that a runaway script notices
 * busy-reply-threshold and a kill within a few ms, rarely enough to cost nothing.
 */
export const scriptHookInstructionCount = 100_000;
/** busy-reply-threshold (lua-time-limit): Redis's default, ms a script runs before others get -BUSY. */
export const busyReplyThresholdMs = 5_000;
/**
 * Client ids hash into a bitmap of this many bits in the control area, where the engine
 * marks, when a script turns busy, the clients that still owe replies (blocked, held by
 * the journal, paused...): a collision only makes a client wait, never reorders replies.
 */
export const busyOwedBitmapBits = 8192;
/**
 * Bytes of the control area that hold a busy FCALL's name and argv, pre-encoded as
 * FUNCTION STATS's running_script fields, so that the io-mux answers FUNCTION STATS
 * while the engine is stuck in the function. A larger argv is not published: FUNCTION
 * STATS from others then waits for the function to end (as before this area existed).
 */
export const busyRunningScriptBytesMax = 64 * 1024;

// --- Supervisor (`keeldb up`, src/main/supervisor.ts) -----------------------------------

/** A child that dies is restarted after a backoff from this... */
export const restartBackoffMsMin = 100;
/** ...doubling up to this, so a crash loop does not spin a core. */
export const restartBackoffMsMax = 5_000;
/** A child that stayed up this long restarts with the minimum backoff again. */
export const restartBackoffResetMs = 10_000;
/** On stop, children get SIGTERM and this long to exit before SIGKILL. */
export const stopGraceMs = 5_000;
/** The highest nice level (lowest CPU priority) Linux has; `keeldb log-node --nice` takes 0..this. */
export const niceLevelMax = 19;
/**
 * The nice level `keeldb up` gives its log nodes (src/platform/cpu-priority.ts says why: they
 * stand for other machines, so the server's threads come first on the shared host).
 * A trade, measured with bench/durability/run.ts --runs 3 --log-node-nice N (session 7,
 * quiet machine, two runs at 0, 10 and 19, one at 15): GET p50 under a SET -P 1 load on
 * other keys went 1.62-1.69 ms at 0, 0.77-1.01 at 10, 0.54 at 15, 0.58-0.70 at 19 (GET
 * alone 0.4-0.65), and SET -P 1 10-17k/s at 0, 13-22k at 10 and above; but
 * SET -d 4096 -P 16, where the server's threads keep both cores busy and a lower log
 * node waits for them, went 78-93 MB/s at 0, 61-82 at 10, 52 at 15 and 51-52 at 19,
 * against its target of 50. 10 took most of the read gain and kept the margin.
 * Session 9 (the log nodes' memory leak fixed and their CPU per MB down ~29%), five
 * alternating rounds of the same command at 10 and 19, two at 15, load 1.2-4.0:
 * GET p50 under the load / alone 1.79 median (1.17-1.85) at 10, 1.27 and 1.19 at 15,
 * 1.00 (0.98-1.20) at 19; SET -d 4096 -P 16 79.0 MB/s median (70.4-91.2) at 10, 80.0
 * (57.2-104.4) at 19; KeelDB's SET -P 1 (20.8k vs 21.7k/s) and SET -P 16 (136k vs 135k/s)
 * the same at both. So 19: the read row's target is met and the big-value row keeps it.
 */
export const upLogNodeNiceLevel = 19;
/**
 * `keeldb server --server-cpulist auto` keeps the server's threads on one CPU when this
 * process may use at most this many (src/platform/cpu-affinity.ts says why: on a small host
 * shared with the clients, the io-mux and the engine take turns better on one core than
 * woken across two); on a larger host it leaves them to the kernel.
 */
export const serverCpuAutoPinCpusMax = 2;
/** The highest CPU index a --server-cpulist may name (a bound for the parser, as taskset's mask size). */
export const cpuIndexMax = 4095;

// --- Relationships ---------------------------------------------------------------------

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;
assert(isPowerOfTwo(requestRingBytes), 'requestRingBytes must be a power of two');
assert(isPowerOfTwo(replyRingBytes), 'replyRingBytes must be a power of two');
assert(requestRingBytes <= 1024 * MiB, 'ring counters are 32-bit: capacity must stay below 2^31');
assert(ringRecordBytesMax * 4 <= requestRingBytes, 'a ring must hold several of its largest records');
assert(ringRecordBytesMax * 4 <= replyRingBytes, 'a ring must hold several of its largest records');
assert(batchBytesMax <= ringRecordBytesMax, 'a batch is a ring record');
assert(clientOutputPauseBytes < clientOutputBytesMax, 'pause reading before disconnecting');
assert(stringBytesMax <= protoBulkBytesMax, 'strings are built from bulks');
assert(stringValueBytesMax <= stringBytesMax, 'V8 strings are the tighter bound on a value');
assert(stringInPlaceBytesMin < stringValueBytesMax, 'big strings can be written in place');
assert(stringSlabBigChunkBytes <= stringSlabChunkBytes && stringSlabChunkBytes >= 4096, 'a small string slab class cuts whole slots from a chunk');
assert(activeExpireCycleMs < activeExpireIntervalMs, 'the expire cycle leaves time for commands');
assert(journalPayloadBytesMax + 1024 <= journalWireFrameBytesMax, 'a wire frame carries a whole record');
assert(journalPayloadBytesMax + 1024 <= journalSegmentBytes, 'a segment holds at least one record');
assert(journalBatchBytesMax <= journalWireFrameBytesMax, 'a batch fits in one wire frame');
assert(journalCacheBytes >= journalBatchBytesMax, 'the tail cache holds at least one batch');
assert(journalElectionTimeoutMinMs >= 4 * journalHeartbeatMs, 'several heartbeats fit in an election timeout');
assert(journalElectionTimeoutMinMs < journalElectionTimeoutMaxMs, 'election timeouts are spread');
assert(journalLeaderSyncLagMs <= journalLeaderSyncPeriodMs, 'a lazy leader checks for lagging entries within its sync period');
assert(journalLeaderSyncTimerMs <= journalLeaderSyncPeriodMs, "a lazy leader's timer fires within its sync period");
assert(journalLeaderSyncPeriodMs < journalHeartbeatMs, 'a lazy leader syncs well within a heartbeat');
assert(journalReplicationStallMs < journalElectionTimeoutMinMs, 'a stalled follower is re-probed before anyone campaigns');
assert(journalTimerLateMs < journalElectionTimeoutMinMs, 'a late timer is noticed well within an election timeout');
assert(jumboInFlightCountMax >= 1, 'the worker must be able to post one jumbo reply');
assert(requestBacklogBytesMax >= ringRecordBytesMax, 'the backlog holds at least one full record');
assert(clientRequestInflightBytes + clientOutputPauseBytes < clientOutputBytesMax, 'a paused client stays below the output limit');
assert(restartBackoffMsMin < restartBackoffMsMax, 'restart backoff grows');
assert(randomReplyElementCountMax * 7 <= clientOutputBytesMax, 'a refused random reply would pass the output limit');
assert(journalSegmentPreallocateBytes <= journalSegmentBytes / 4, 'preallocation refills stay small next to a segment');
assert(isPowerOfTwo(effectsRingBytes) && isPowerOfTwo(replayRingBytes), 'durability rings are powers of two');
assert(journalPayloadBytesMax + 16 <= effectsRingBytes / 2, 'the effects ring holds two of the largest records and more');
assert(journalPayloadBytesMax + 4 <= replayRingBytes / 2, 'the replay ring holds a largest record while another is applied');
assert(journalCommitTimeoutMs >= 4 * journalElectionTimeoutMaxMs, 'a log-leader failover does not fail held writes');
assert(journalWriterAppendsInFlightMax >= 2, 'the journal writer pipelines appends');
assert(busyOwedBitmapBits % 32 === 0 && isPowerOfTwo(busyOwedBitmapBits), 'the owed bitmap is whole Int32 words, indexed by a mask');
assert(scriptHookInstructionCount >= 1000, 'the count hook must stay rare');
assert(busyRunningScriptBytesMax % 8 === 0 && busyRunningScriptBytesMax >= 1024, 'the running-script record holds a typical FCALL and keeps the area 8-aligned');
assert(journalWriterEagerRecordCount <= journalAppendRecordCountMax, 'a full group may always be sent');
assert(journalWriterAppendsAnySizeMax >= 1 && journalWriterAppendsAnySizeMax <= journalWriterAppendsInFlightMax, 'some appends go at any size');
assert(journalWriterEagerBytes <= journalBatchBytesMax, 'a full group may always be sent');
assert(journalWriterHoldMsMax < journalCommitTimeoutMs && journalWriterHoldLatencyFraction > 0 && journalWriterHoldSkipAcks >= 1, 'a cohort hold is short and ends');
assert(isPowerOfTwo(trackerKeySlotCount), 'the tracker indexes its key slots by a mask');
