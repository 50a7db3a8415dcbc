// The journal's semantic state, derived from one node's log and nothing else: the
// current leader token (the id of the latest leadership record) and the retry-dedup
// table ((writerId, writerSeq) -> the ids that append got). Because it is a fold over
// the log, a new log leader rebuilds exactly what the old one had for every entry it
// holds, so fencing and dedup survive log-leader changes.
//
// Runs inside a log node (log-node process or the simulator), single-threaded.
//
// Invariants:
// - it mirrors the node's log from some start to lastIndex: appended in order, cut by
//   truncateAfter exactly as the log is (Raft conflict resolution);
// - leadershipIds is increasing; the token is its last element (0 if empty);
// - the groups list is in log order; every group is in its writer's map and back;
// - a writer's lastSeq is the writerSeq of its latest group in the log (0: none), which
//   the leader uses to keep a writer's token appends in writerSeq order (log-node.ts).

import { assert } from '../../assert.js';
import { journalDedupAppendCountMax } from '../../limits.js';
import { RecordType } from '../record-types.js';
import type { LogEntry } from '../storage/types.js';

/** One client append as it sits in the log: consecutive entries with one (writerId, writerSeq). */
export interface AppendGroup {
  readonly writerId: number;
  readonly writerSeq: number;
  readonly firstId: number;
  lastId: number;
}

interface WriterState {
  readonly groups: Map<number, AppendGroup>;
  /** Appends with writerSeq <= this were forgotten (bounded memory): a retry cannot be deduplicated. */
  forgottenSeqMax: number;
  /** writerSeq of this writer's latest append in the log, 0 if none. */
  lastSeq: number;
}

export type DedupLookup =
  | { readonly kind: 'new' }
  | { readonly kind: 'found'; readonly group: AppendGroup }
  | { readonly kind: 'forgotten' };

export class LogState {
  /** Ids of leadership records in the log, increasing. */
  private readonly leadershipIds: number[] = [];
  private readonly writers = new Map<number, WriterState>();
  /** Groups in log order (oldest first); `groupsHead` skips forgotten ones without shifting. */
  private groups: AppendGroup[] = [];
  private groupsHead = 0;
  private lastIndexValue = 0;

  constructor(private readonly dedupAppendCountMax = journalDedupAppendCountMax) {}

  get lastIndex(): number {
    return this.lastIndexValue;
  }

  /** The current token: id of the latest leadership record in the log, 0 if none. */
  get token(): number {
    const n = this.leadershipIds.length;
    return n === 0 ? 0 : this.leadershipIds[n - 1]!;
  }

  /** The token as of entry `index` (latest leadership record with id <= index). */
  tokenAt(index: number): number {
    let lo = 0;
    let hi = this.leadershipIds.length; // first position with id > index
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.leadershipIds[mid]! <= index) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : this.leadershipIds[lo - 1]!;
  }

  /** Starts the mirror at a trimmed log's start (entries before it are gone). */
  resetTo(lastIndex: number): void {
    assert(this.lastIndexValue === 0 && this.groups.length === 0, 'resetTo only on an empty state');
    this.lastIndexValue = lastIndex;
  }

  append(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      // The message is built only on failure: a template literal is formatted on every call.
      if (entry.index !== this.lastIndexValue + 1) assert(false, `log state: entry ${entry.index} after ${this.lastIndexValue}`);
      this.lastIndexValue = entry.index;
      if (entry.type === RecordType.leadership) this.leadershipIds.push(entry.index);
      if (entry.writerId === 0) continue;
      const last = this.groups.length > this.groupsHead ? this.groups[this.groups.length - 1]! : undefined;
      if (
        last !== undefined &&
        last.writerId === entry.writerId &&
        last.writerSeq === entry.writerSeq &&
        last.lastId === entry.index - 1
      ) {
        last.lastId = entry.index;
        continue;
      }
      let writer = this.writers.get(entry.writerId);
      if (writer === undefined) {
        writer = { groups: new Map(), forgottenSeqMax: 0, lastSeq: 0 };
        this.writers.set(entry.writerId, writer);
      }
      // A (writerId, writerSeq) appears once in a log: the leader deduplicates before
      // appending. Should it appear again (a writer reusing seqs), the newest wins.
      const group: AppendGroup = {
        writerId: entry.writerId,
        writerSeq: entry.writerSeq,
        firstId: entry.index,
        lastId: entry.index,
      };
      writer.groups.set(entry.writerSeq, group);
      writer.lastSeq = entry.writerSeq;
      this.groups.push(group);
      this.forgetOldest();
    }
  }

  /** Mirrors LogStorage.truncateAfter: forgets every entry with id > afterIndex. */
  truncateAfter(afterIndex: number): void {
    if (afterIndex >= this.lastIndexValue) return;
    this.lastIndexValue = afterIndex;
    while (this.leadershipIds.length > 0 && this.leadershipIds[this.leadershipIds.length - 1]! > afterIndex) {
      this.leadershipIds.pop();
    }
    while (this.groups.length > this.groupsHead) {
      const group = this.groups[this.groups.length - 1]!;
      if (group.lastId <= afterIndex) break;
      if (group.firstId <= afterIndex) {
        group.lastId = afterIndex; // cut in the middle: keeps its first part
        break;
      }
      this.groups.pop();
      const writer = this.writers.get(group.writerId)!;
      if (writer.groups.get(group.writerSeq) === group) writer.groups.delete(group.writerSeq);
      if (writer.lastSeq === group.writerSeq) writer.lastSeq = this.latestSeqOf(group.writerId, writer);
    }
  }

  /** writerSeq of the writer's latest append in the log (0 if it has none there). */
  lastWriterSeq(writerId: number): number {
    return this.writers.get(writerId)?.lastSeq ?? 0;
  }

  /** After a truncation: the writer's latest remaining group (rare; a scan from the end). */
  private latestSeqOf(writerId: number, writer: WriterState): number {
    for (let i = this.groups.length - 1; i >= this.groupsHead; i--) {
      if (this.groups[i]!.writerId === writerId) return this.groups[i]!.writerSeq;
    }
    return writer.forgottenSeqMax;
  }

  lookup(writerId: number, writerSeq: number): DedupLookup {
    const writer = this.writers.get(writerId);
    if (writer === undefined) return { kind: 'new' };
    const group = writer.groups.get(writerSeq);
    if (group !== undefined) return { kind: 'found', group };
    if (writerSeq <= writer.forgottenSeqMax) return { kind: 'forgotten' };
    return { kind: 'new' };
  }

  private forgetOldest(): void {
    while (this.groups.length - this.groupsHead > this.dedupAppendCountMax) {
      const group = this.groups[this.groupsHead]!;
      this.groupsHead++;
      const writer = this.writers.get(group.writerId)!;
      if (writer.groups.get(group.writerSeq) === group) writer.groups.delete(group.writerSeq);
      writer.forgottenSeqMax = Math.max(writer.forgottenSeqMax, group.writerSeq);
    }
    if (this.groupsHead > 1024 && this.groupsHead * 2 > this.groups.length) {
      this.groups = this.groups.slice(this.groupsHead);
      this.groupsHead = 0;
    }
  }
}
