// SimClient: a simulated database process using the journal the way KeelDB will: it
// claims database leadership (tail, then a leadership record appended with afterId),
// then appends effects pipelined under its leader token until it is fenced by another
// client's claim; it retries every unanswered append with the same writerSeq on another
// node; it follows the committed log with long-poll reads from any node, and trims now
// and then. Every answer goes to the Checker.
//
// Runs in the simulator's single thread; all choices come from the simulation's PRNG.
// Rule kept for the checker: a writerSeq is only ever sent with one condition, so an
// acknowledgment (possibly from an earlier attempt, found by dedup) proves that condition.

import type { Random } from '../env.js';
import type { AppendCondition, AppendRecord, ClientRequest, ClientResponse } from '../messages.js';
import { RecordType } from '../record-types.js';
import type { Checker } from './checker.js';
import type { SimClock } from './sim-clock.js';
import type { SimNetwork } from './sim-network.js';

/** Simulated time a client waits for an answer before retrying elsewhere. */
const requestTimeoutMs = 400;
const pipelineDepth = 4;

interface Attempt {
  readonly request: ClientRequest;
  readonly onResponse: (response: ClientResponse | undefined) => void;
  timer: unknown;
}

interface PendingAppend {
  readonly seq: number;
  readonly records: AppendRecord[];
  readonly condition: AppendCondition;
  attempts: number;
}

export class SimClient {
  private nextRequestId = 1;
  private seq = 0;
  private readonly attempts = new Map<number, Attempt>();
  private target: number;
  private mode: 'idle' | 'claiming' | 'leading' = 'idle';
  private token = 0;
  private readonly appends = new Map<number, PendingAppend>();
  private readCursor = 1;
  private reading = false;
  private stopped = false;
  /** No new work after this (the run's quiet end); retries still finish. */
  private winding = false;
  ackCount = 0;
  fencedCount = 0;
  claimCount = 0;

  constructor(
    readonly endpoint: number,
    readonly writerId: number,
    private readonly nodeCount: number,
    private readonly clock: SimClock,
    private readonly random: Random,
    private readonly network: SimNetwork,
    private readonly checker: Checker,
  ) {
    this.target = 1 + random.int(nodeCount);
    network.listen(endpoint, (_from, message) => this.onMessage(message as ClientResponse));
  }

  start(): void {
    this.scheduleTick();
  }

  /** Stops starting new work; appends in flight keep retrying until answered. */
  windDown(): void {
    this.winding = true;
  }

  stop(): void {
    this.stopped = true;
  }

  get busy(): boolean {
    return this.appends.size > 0;
  }

  private scheduleTick(): void {
    this.clock.setTimer(5 + this.random.int(30), () => {
      if (this.stopped) return;
      this.tick();
      this.scheduleTick();
    });
  }

  private tick(): void {
    if (!this.reading && this.random.next() < 0.5) this.readMore();
    if (this.winding) return;
    if (this.mode === 'idle' && this.random.next() < 0.04) this.claim();
    if (this.mode === 'leading') {
      while (this.appends.size < pipelineDepth && this.random.next() < 0.7) this.appendEffects();
      if (this.random.next() < 0.01) this.trim();
    }
  }

  // --- Requests over the simulated network -------------------------------------------

  private send(request: ClientRequest, onResponse: (response: ClientResponse | undefined) => void): void {
    const attempt: Attempt = { request, onResponse, timer: undefined };
    this.attempts.set(request.requestId, attempt);
    attempt.timer = this.clock.setTimer(requestTimeoutMs, () => {
      if (this.attempts.get(request.requestId) !== attempt) return;
      this.attempts.delete(request.requestId);
      onResponse(undefined);
    });
    this.network.send(this.endpoint, this.target, request);
  }

  private onMessage(response: ClientResponse): void {
    const attempt = this.attempts.get(response.requestId);
    if (attempt === undefined || this.stopped) return; // late or duplicated
    this.attempts.delete(response.requestId);
    this.clock.clearTimer(attempt.timer);
    attempt.onResponse(response);
  }

  private retarget(hint: number): void {
    if (hint > 0 && hint <= this.nodeCount && this.random.next() < 0.9) this.target = hint;
    else this.target = 1 + ((this.target + this.random.int(this.nodeCount - 1)) % this.nodeCount);
  }

  private payload(): Uint8Array {
    const bytes = new Uint8Array(4 + this.random.int(60));
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.random.int(256);
    return bytes;
  }

  // --- Leadership and appends ---------------------------------------------------------

  private claim(): void {
    this.mode = 'claiming';
    this.claimCount++;
    const ackedBefore = this.checker.maxAckedId;
    this.send({ kind: 'tail', requestId: this.nextRequestId++ }, (response) => {
      if (response?.kind === 'tailOk') {
        this.checker.onTail(response.tailId, ackedBefore);
        this.claimAfter(response.tailId, 3);
        return;
      }
      if (response?.kind === 'error' && response.error.code === 'notLeader') this.retarget(response.error.leaderHint);
      else this.retarget(0);
      this.mode = 'idle';
    });
  }

  private claimAfter(afterId: number, triesLeft: number): void {
    const records: AppendRecord[] = [
      { type: RecordType.leadership, engineVersion: 1, payload: this.payload() },
    ];
    this.startAppend(records, { afterId }, (outcome, firstId, detail) => {
      if (outcome === 'ok') {
        this.token = firstId;
        this.mode = 'leading';
      } else if (outcome === 'tailMismatch' && triesLeft > 0) {
        this.claimAfter(detail, triesLeft - 1);
      } else {
        this.mode = 'idle';
      }
    });
  }

  private appendEffects(): void {
    const count = 1 + (this.random.next() < 0.2 ? this.random.int(3) : 0);
    const records: AppendRecord[] = [];
    for (let i = 0; i < count; i++) records.push({ type: RecordType.effects, engineVersion: 1, payload: this.payload() });
    const token = this.token;
    this.startAppend(records, { leaderToken: token }, (outcome) => {
      if (this.mode !== 'leading' || this.token !== token) return;
      if (outcome === 'fenced') {
        this.fencedCount++;
        this.mode = 'idle';
      } else if (outcome === 'gaveUp') {
        // An abandoned append leaves a gap in this writer's sequence: the log refuses
        // later token appends until a new leadership claim (as the database would do).
        this.mode = 'idle';
      }
    });
  }

  /**
   * Sends an append with a fresh writerSeq and retries it (same seq, same condition) on
   * other nodes until a definitive answer: ok, tailMismatch, fenced, or give-up.
   */
  private startAppend(
    records: AppendRecord[],
    condition: AppendCondition,
    done: (outcome: 'ok' | 'tailMismatch' | 'fenced' | 'gaveUp', firstId: number, detail: number) => void,
  ): void {
    const pending: PendingAppend = { seq: ++this.seq, records, condition, attempts: 0 };
    this.appends.set(pending.seq, pending);
    const attempt = (): void => {
      pending.attempts++;
      this.send(
        {
          kind: 'append',
          requestId: this.nextRequestId++,
          writerId: this.writerId,
          writerSeq: pending.seq,
          records,
          condition,
        },
        (response) => {
          if (response?.kind === 'appendOk') {
            this.appends.delete(pending.seq);
            this.ackCount++;
            this.checker.onAcked({
              writerId: this.writerId,
              writerSeq: pending.seq,
              firstId: response.firstId,
              lastId: response.lastId,
              types: records.map((r) => r.type),
              payloads: records.map((r) => r.payload),
              condition,
              ackedAtMs: this.clock.now(),
            });
            return done('ok', response.firstId, 0);
          }
          if (response?.kind === 'error') {
            const error = response.error;
            if (error.code === 'tailMismatch') {
              this.appends.delete(pending.seq);
              return done('tailMismatch', 0, error.tailId);
            }
            if (error.code === 'fenced') {
              this.appends.delete(pending.seq);
              return done('fenced', 0, error.currentToken);
            }
            if (error.code === 'badRequest') this.checker.violation(`client ${this.writerId}: badRequest ${error.reason}`);
            // notLeader: go where it points. unavailable: the node answered, so it is
            // probably still the leader (e.g. this append overtook its predecessor on the
            // network and waits for it): retry there.
            if (error.code === 'notLeader') this.retarget(error.leaderHint);
          } else {
            this.retarget(0);
          }
          // Unknown outcome: retry the same seq a little later (bounded, then give up:
          // the append may or may not be in the log, which the checker allows).
          if (pending.attempts >= 40 || this.stopped) {
            this.appends.delete(pending.seq);
            return done('gaveUp', 0, 0);
          }
          const quick = response?.kind === 'error' && response.error.code === 'unavailable';
          this.clock.setTimer(quick ? 2 + this.random.int(8) : 10 + this.random.int(40), () => {
            if (!this.stopped) attempt();
          });
        },
      );
    };
    attempt();
  }

  private trim(): void {
    const beforeId = this.checker.maxAckedId - 40;
    if (beforeId < 2) return;
    this.send({ kind: 'trim', requestId: this.nextRequestId++, beforeId }, (response) => {
      if (response?.kind === 'error' && response.error.code === 'notLeader') this.retarget(response.error.leaderHint);
    });
  }

  // --- Following the log ----------------------------------------------------------------

  private readMore(): void {
    this.reading = true;
    const node = 1 + this.random.int(this.nodeCount);
    const request: ClientRequest = {
      kind: 'read',
      requestId: this.nextRequestId++,
      fromId: this.readCursor,
      maxBytes: 512 + this.random.int(4096),
      waitMs: this.random.int(200),
    };
    const attempt: Attempt = {
      request,
      onResponse: (response) => {
        this.reading = false;
        if (response?.kind === 'readOk') {
          let expected = this.readCursor;
          for (const entry of response.entries) {
            if (entry.index !== expected) {
              this.checker.violation(`read from node ${node}: entry ${entry.index} where ${expected} was expected`);
              return;
            }
            if (entry.index > response.commitId) this.checker.violation(`read returned uncommitted entry ${entry.index}`);
            this.checker.observeCommitted(entry, `read from node ${node}`);
            expected++;
          }
          this.readCursor = expected;
        } else if (response?.kind === 'error' && response.error.code === 'trimmed') {
          this.readCursor = response.error.firstId;
        }
      },
      timer: undefined,
    };
    this.attempts.set(request.requestId, attempt);
    attempt.timer = this.clock.setTimer(requestTimeoutMs + 200, () => {
      if (this.attempts.get(request.requestId) !== attempt) return;
      this.attempts.delete(request.requestId);
      attempt.onResponse(undefined);
    });
    this.network.send(this.endpoint, node, request);
  }
}
