// The most recent entries of a node's log, in memory, so a leader replicates fresh
// entries without an asynchronous storage read (the common case: followers keep up).
// Older entries are read back from LogStorage.
//
// Runs inside Raft (log-node process or simulator), single-threaded.
// Invariants: the cached entries are exactly the node's log entries
// [startIndex, startIndex + length), consecutive; bytes is the sum of their payload
// lengths; the cache is cut exactly where the log is cut; no slot before `head` holds
// an entry (an evicted entry is garbage at once: until session 9 the slots kept them
// until the array was compacted, past 4096 evictions, and an entry is a whole client
// append, up to a few MB: a node's RSS grew by hundreds of MB with its log).

import { assert } from '../../assert.js';
import type { LogEntry } from '../storage/types.js';

export class EntryCache {
  /** entries[head..] are cached; the slots before head are undefined (evicted). */
  private entries: (LogEntry | undefined)[] = [];
  private head = 0;
  /** Index of entries[head]. */
  private startIndex: number;
  private bytes = 0;

  /** `lastIndex`: the log's last index now; the cache starts empty right after it. */
  constructor(
    lastIndex: number,
    private readonly bytesMax: number,
  ) {
    this.startIndex = lastIndex + 1;
  }

  private get count(): number {
    return this.entries.length - this.head;
  }

  get endIndex(): number {
    return this.startIndex + this.count; // one past the last cached entry
  }

  append(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      if (entry.index !== this.endIndex) {
        // The log jumped (a trim past our start, or a reset): restart the cache here.
        assert(entry.index > this.endIndex || this.count === 0, 'entry cache: append out of order');
        this.entries = [];
        this.head = 0;
        this.bytes = 0;
        this.startIndex = entry.index;
      }
      this.entries.push(entry);
      this.bytes += entry.payload.byteLength;
    }
    while (this.bytes > this.bytesMax && this.count > 1) {
      this.bytes -= this.entries[this.head]!.payload.byteLength;
      this.entries[this.head] = undefined;
      this.head++;
      this.startIndex++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  truncateAfter(afterIndex: number): void {
    while (this.count > 0 && this.endIndex - 1 > afterIndex) {
      const entry = this.entries.pop()!;
      this.bytes -= entry.payload.byteLength;
    }
    if (this.count === 0) this.startIndex = afterIndex + 1;
  }

  /**
   * Entries from..to (inclusive) if `from` is cached, cut at countMax entries and at
   * bytesMax of payload (at least one entry); undefined if `from` is not cached.
   */
  get(from: number, to: number, countMax: number, bytesMax: number): LogEntry[] | undefined {
    if (from < this.startIndex || from >= this.endIndex || to < from) return undefined;
    const last = Math.min(to, this.endIndex - 1, from + countMax - 1);
    const out: LogEntry[] = [];
    let bytes = 0;
    for (let index = from; index <= last; index++) {
      const entry = this.entries[this.head + (index - this.startIndex)]!;
      if (out.length > 0 && bytes + entry.payload.byteLength > bytesMax) break;
      bytes += entry.payload.byteLength;
      out.push(entry);
    }
    return out;
  }
}
