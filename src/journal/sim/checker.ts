// The simulator's invariant checker: it records what the clients were told (acknowledged
// appends with their ids, payloads and conditions; tails) and what the nodes did (who
// led which term; which entries each node reported committed), and reports every
// violation of the journal's guarantees:
// - no committed entry is lost or changed: every committed entry any node ever showed
//   (to a reader, or to the checker reading its storage) equals the first one seen at
//   that id, and every acknowledged append is present, unchanged, on every node at the end;
// - at most one log leader per term;
// - conditional append: an append acknowledged with afterId got firstId = afterId + 1;
// - fencing: an append acknowledged with leaderToken T sits after leadership record T
//   with no other leadership record in between;
// - dedup: no (writerId, writerSeq) appears twice in the log;
// - order: one writer's appends sit in the log in increasing writerSeq order (pipelined
//   token appends are not reordered by retries after a log-leader change);
// - tail is linearizable: it is at least every id acknowledged before it was asked.
//
// Runs in the simulator's single thread. It never throws: violations are collected and
// the run goes on, so a report shows the first ones with their simulated time.

import { RecordType } from '../record-types.js';
import type { AppendCondition, NodeId } from '../messages.js';
import type { LogEntry } from '../storage/types.js';

export interface AckedAppend {
  readonly writerId: number;
  readonly writerSeq: number;
  readonly firstId: number;
  readonly lastId: number;
  readonly types: readonly number[];
  readonly payloads: readonly Uint8Array[];
  readonly condition: AppendCondition;
  readonly ackedAtMs: number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export class Checker {
  readonly violations: string[] = [];
  readonly acked: AckedAppend[] = [];
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** Every committed entry observed, by id: the first observation is the reference. */
  private readonly committed = new Map<number, LogEntry>();
  /** Highest lastId acknowledged so far (for the tail check). */
  maxAckedId = 0;
  tailChecks = 0;
  observedEntries = 0;

  constructor(private readonly now: () => number) {}

  violation(message: string): void {
    if (this.violations.length < 50) this.violations.push(`t=${this.now().toFixed(1)}ms: ${message}`);
  }

  onRoleChange(node: NodeId, role: string, term: number): void {
    if (role !== 'leader') return;
    const other = this.leaderOfTerm.get(term);
    if (other !== undefined && other !== node) this.violation(`two leaders in term ${term}: ${other} and ${node}`);
    this.leaderOfTerm.set(term, node);
  }

  get termCount(): number {
    return this.leaderOfTerm.size;
  }

  /** A node showed `entry` as committed (to a reader or to the checker). */
  observeCommitted(entry: LogEntry, source: string): void {
    this.observedEntries++;
    const seen = this.committed.get(entry.index);
    if (seen === undefined) {
      this.committed.set(entry.index, entry);
      return;
    }
    if (
      seen.term !== entry.term ||
      seen.type !== entry.type ||
      seen.writerId !== entry.writerId ||
      seen.writerSeq !== entry.writerSeq ||
      !sameBytes(seen.payload, entry.payload)
    ) {
      this.violation(
        `committed entry ${entry.index} changed (${source}): was term ${seen.term} writer ${seen.writerId}/${seen.writerSeq}, ` +
          `now term ${entry.term} writer ${entry.writerId}/${entry.writerSeq}`,
      );
    }
  }

  onAcked(append: AckedAppend): void {
    this.acked.push(append);
    if (append.lastId - append.firstId + 1 !== append.payloads.length) {
      this.violation(`append ${append.writerId}/${append.writerSeq} acked with ${append.firstId}..${append.lastId} for ${append.payloads.length} records`);
    }
    const condition = append.condition;
    if ('afterId' in condition && append.firstId !== condition.afterId + 1) {
      this.violation(
        `append ${append.writerId}/${append.writerSeq} acked at ${append.firstId} with afterId ${condition.afterId}`,
      );
    }
    this.maxAckedId = Math.max(this.maxAckedId, append.lastId);
  }

  /** A tail asked when `ackedBefore` was the highest acknowledged id answered `tailId`. */
  onTail(tailId: number, ackedBefore: number): void {
    this.tailChecks++;
    if (tailId < ackedBefore) this.violation(`tail ${tailId} below an id acknowledged before it was asked (${ackedBefore})`);
  }

  /**
   * The end of a run: `logs` maps each node to its committed entries (from its first
   * stored id to its commit index). Checks every acknowledged append against each, and
   * fencing and dedup against the longest.
   */
  checkFinal(logs: Map<NodeId, { firstId: number; entries: LogEntry[] }>): void {
    let longest: { firstId: number; entries: LogEntry[] } | undefined;
    for (const [node, log] of logs) {
      for (const entry of log.entries) this.observeCommitted(entry, `node ${node} at the end`);
      if (longest === undefined || log.firstId + log.entries.length > longest.firstId + longest.entries.length) {
        longest = log;
      }
      for (const a of this.acked) {
        for (let i = 0; i < a.payloads.length; i++) {
          const id = a.firstId + i;
          if (id < log.firstId) continue; // trimmed on that node
          const entry = log.entries[id - log.firstId];
          if (entry === undefined) {
            this.violation(`node ${node}: acknowledged entry ${id} (${a.writerId}/${a.writerSeq}) missing (commit ${log.firstId + log.entries.length - 1})`);
            break;
          }
          if (
            entry.writerId !== a.writerId ||
            entry.writerSeq !== a.writerSeq ||
            entry.type !== a.types[i] ||
            !sameBytes(entry.payload, a.payloads[i]!)
          ) {
            this.violation(`node ${node}: acknowledged entry ${id} (${a.writerId}/${a.writerSeq}) differs in the log (${entry.writerId}/${entry.writerSeq})`);
            break;
          }
        }
      }
    }
    if (longest === undefined) return;
    const { firstId, entries } = longest;
    // Dedup: each (writerId, writerSeq) forms one run of consecutive entries.
    // Order: a writer's runs appear in increasing writerSeq order.
    const seenGroups = new Set<string>();
    const lastSeqOf = new Map<number, number>();
    let previous = '';
    for (const entry of entries) {
      if (entry.writerId === 0) {
        previous = '';
        continue;
      }
      const key = `${entry.writerId}/${entry.writerSeq}`;
      if (key !== previous) {
        if (seenGroups.has(key)) this.violation(`append ${key} applied twice (again at ${entry.index})`);
        seenGroups.add(key);
        const lastSeq = lastSeqOf.get(entry.writerId) ?? 0;
        if (entry.writerSeq <= lastSeq) {
          this.violation(`writer ${entry.writerId}: append ${entry.writerSeq} at ${entry.index} after its append ${lastSeq}`);
        }
        lastSeqOf.set(entry.writerId, Math.max(lastSeq, entry.writerSeq));
      }
      previous = key;
    }
    // Fencing: the latest leadership record before an acked token append is its token.
    for (const a of this.acked) {
      const condition = a.condition;
      if (!('leaderToken' in condition)) continue;
      const token = condition.leaderToken;
      if (token < firstId) continue; // token record trimmed away: cannot check here
      const tokenEntry = entries[token - firstId];
      if (tokenEntry === undefined || tokenEntry.type !== RecordType.leadership) {
        this.violation(`append ${a.writerId}/${a.writerSeq} acked under token ${token}, which is not a leadership record`);
        continue;
      }
      for (let id = token + 1; id < a.firstId; id++) {
        const entry = entries[id - firstId];
        if (entry !== undefined && entry.type === RecordType.leadership) {
          this.violation(`append ${a.writerId}/${a.writerSeq} at ${a.firstId} acked under token ${token} after newer leadership record ${id}`);
          break;
        }
      }
    }
  }
}
