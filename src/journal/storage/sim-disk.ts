// SimDisk: a deterministic in-memory Disk for the simulator and storage tests (one
// process, one thread). It models exactly the durability contract in disk.ts and
// nothing kinder:
// - each file has a durable image and a list of writes/truncates since its last
//   fdatasync; the visible content is the durable image with those applied;
// - the directory has a durable map of names and a list of creates/renames/unlinks
//   since the last syncDir;
// - crash() keeps a PRNG-chosen prefix of each pending list (later operations are
//   lost, in order), and may tear the first lost write at a PRNG-chosen byte boundary
//   (a prefix of it reaches the disk); a completed durable write is never lost, nor
//   undone by an older unsynced write of the same bytes; a durable write (pwriteDurable) still in flight
//   may leave any prefix of itself. Files are objects (inodes): a rename moves one.
// Operations complete at once, or through the injected `delay` scheduler (the
// simulator's clock). An operation in flight when crash() is called never completes:
// its promise stays pending forever, as the process that issued it is dead.
// Incarnations: give each process incarnation its own `view()`. After crash(), a view
// taken before it is dead: its new operations never complete and change nothing (a
// crashed process's leftover callbacks must not write to the disk of its successor).
// Invariant: for every file, durable image + pending ops == visible content.

import { assert } from '../../assert.js';
import { DiskFileMissingError, type Disk } from './disk.js';

export type SimDiskOp =
  | 'list' | 'size' | 'read' | 'append' | 'pwrite' | 'pwriteDurable' | 'fdatasync' | 'truncate' | 'rename' | 'unlink' | 'syncDir';

export interface SimDiskOptions {
  /** The simulator's PRNG: a float in [0, 1). Required for crash(); default: no tearing, keep nothing unsynced. */
  readonly random?: () => number;
  /** Completes an operation later (the simulator's clock); called once per operation. */
  readonly delay?: (op: SimDiskOp, complete: () => void) => void;
  /** Whether crash() may tear a write (default true). */
  readonly tornWrites?: boolean;
}

/** `durable`: a pwriteDurable kept in the pending list for ordering; it is on disk whatever happens. */
type FileOp = { kind: 'write'; offset: number; data: Uint8Array; durable?: boolean } | { kind: 'truncate'; bytes: number };
type DirOp =
  | { kind: 'create'; name: string; file: SimFile }
  | { kind: 'rename'; from: string; to: string; file: SimFile }
  | { kind: 'unlink'; name: string };

/**
 * The bytes of `data` in a buffer of their own: a writer may reuse its buffer once the
 * call returns (the segment log does, session 9), as a kernel has copied them by then.
 * Not `data.slice()`: on a Buffer that is a view, and until session 9 SimDisk kept views
 * of the caller's buffers in its pending writes.
 */
function copyOf(data: Uint8Array): Uint8Array {
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return copy;
}

/** A growable byte image. */
class Image {
  bytes = new Uint8Array(0);
  length = 0;

  write(offset: number, data: Uint8Array): void {
    const end = offset + data.byteLength;
    if (end > this.bytes.byteLength) {
      const grown = new Uint8Array(Math.max(end, this.bytes.byteLength * 2, 256));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    if (offset > this.length) this.bytes.fill(0, this.length, offset); // a hole reads as zeros
    this.bytes.set(data, offset);
    this.length = Math.max(this.length, end);
  }

  truncate(bytes: number): void {
    if (bytes < this.length) {
      this.bytes.fill(0, bytes, this.length);
      this.length = bytes;
    } else if (bytes > this.length) {
      this.write(this.length, new Uint8Array(bytes - this.length));
    }
  }

  apply(op: FileOp): void {
    if (op.kind === 'write') this.write(op.offset, op.data);
    else this.truncate(op.bytes);
  }

  copy(): Image {
    const c = new Image();
    c.write(0, this.bytes.subarray(0, this.length));
    return c;
  }
}

class SimFile {
  durable = new Image();
  visible = new Image();
  pending: FileOp[] = [];
}

export class SimDisk implements Disk {
  private names = new Map<string, SimFile>();
  private durableNames = new Map<string, SimFile>();
  private dirPending: DirOp[] = [];
  /** Durable writes issued but not completed: a crash may persist a prefix of each. */
  private inFlightDurable = new Set<{ file: () => SimFile | undefined; offset: number; data: Uint8Array }>();
  /** Bumped by crash(): operations issued before it never complete. */
  private generation = 0;
  /** Counters for tests and the simulator's report. */
  readonly stats = { fdatasyncs: 0, durableWrites: 0, crashes: 0, tornWrites: 0 };

  constructor(private readonly options: SimDiskOptions = {}) {}

  list(): Promise<string[]> {
    return this.run('list', () => [...this.names.keys()]);
  }

  size(name: string): Promise<number> {
    return this.run('size', () => this.get(name).visible.length);
  }

  read(name: string, offset: number, length: number): Promise<Uint8Array> {
    return this.run('read', () => {
      const img = this.get(name).visible;
      const end = Math.min(img.length, offset + length);
      return end <= offset ? new Uint8Array(0) : img.bytes.slice(offset, end);
    });
  }

  append(name: string, data: Uint8Array): Promise<void> {
    const copy = copyOf(data); // the caller may reuse its buffer
    return this.run('append', () => {
      const f = this.getOrCreate(name);
      this.applyFileOp(f, { kind: 'write', offset: f.visible.length, data: copy });
    });
  }

  pwrite(name: string, offset: number, data: Uint8Array): Promise<void> {
    const copy = copyOf(data);
    return this.run('pwrite', () => this.applyFileOp(this.getOrCreate(name), { kind: 'write', offset, data: copy }));
  }

  pwriteDurable(name: string, offset: number, data: Uint8Array): Promise<void> {
    const copy = copyOf(data);
    // Until it completes, a crash may leave any prefix of it on disk (a torn write).
    const tracked = { file: () => this.names.get(name), offset, data: copy };
    this.inFlightDurable.add(tracked);
    return this.run('pwriteDurable', () => {
      this.inFlightDurable.delete(tracked);
      const f = this.getOrCreate(name);
      const op: FileOp = { kind: 'write', offset, data: copy, durable: true };
      f.visible.apply(op);
      f.durable.apply(op);
      // Earlier unsynced ops stay pending (and are lost on a crash); keep this one in the
      // list too so a later pending op (a truncate) still applies after it in order.
      if (f.pending.length > 0) f.pending.push(op);
      this.stats.durableWrites++;
    });
  }

  /** A durable write that completes at once (no delay, never torn: it is done when it returns). */
  pwriteDurableSync(name: string, offset: number, data: Uint8Array): boolean {
    const f = this.getOrCreate(name);
    const op: FileOp = { kind: 'write', offset, data: copyOf(data), durable: true };
    f.visible.apply(op);
    f.durable.apply(op);
    if (f.pending.length > 0) f.pending.push(op);
    this.stats.durableWrites++;
    return true;
  }

  fdatasync(name: string): Promise<void> {
    return this.run('fdatasync', () => {
      const f = this.get(name);
      for (const op of f.pending) f.durable.apply(op);
      f.pending = [];
      this.stats.fdatasyncs++;
    });
  }

  truncate(name: string, bytes: number): Promise<void> {
    return this.run('truncate', () => this.applyFileOp(this.get(name), { kind: 'truncate', bytes }));
  }

  rename(from: string, to: string): Promise<void> {
    return this.run('rename', () => {
      const file = this.get(from);
      this.names.delete(from);
      this.names.set(to, file);
      this.dirPending.push({ kind: 'rename', from, to, file });
    });
  }

  unlink(name: string): Promise<void> {
    return this.run('unlink', () => {
      this.get(name);
      this.names.delete(name);
      this.dirPending.push({ kind: 'unlink', name });
    });
  }

  syncDir(): Promise<void> {
    return this.run('syncDir', () => {
      this.durableNames = new Map(this.names);
      this.dirPending = [];
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** A Disk for one process incarnation: it goes dead at the next crash(). */
  view(): Disk {
    const generation = this.generation;
    const alive = (): boolean => generation === this.generation;
    const dead = <T>(): Promise<T> => new Promise<T>(() => undefined);
    return {
      list: () => (alive() ? this.list() : dead()),
      size: (name) => (alive() ? this.size(name) : dead()),
      read: (name, offset, length) => (alive() ? this.read(name, offset, length) : dead()),
      append: (name, data) => (alive() ? this.append(name, data) : dead()),
      pwrite: (name, offset, data) => (alive() ? this.pwrite(name, offset, data) : dead()),
      pwriteDurable: (name, offset, data) => (alive() ? this.pwriteDurable(name, offset, data) : dead()),
      // A dead incarnation cannot write: false sends it to pwriteDurable, which never completes.
      pwriteDurableSync: (name, offset, data) => (alive() ? this.pwriteDurableSync(name, offset, data) : false),
      fdatasync: (name) => (alive() ? this.fdatasync(name) : dead()),
      truncate: (name, bytes) => (alive() ? this.truncate(name, bytes) : dead()),
      rename: (from, to) => (alive() ? this.rename(from, to) : dead()),
      unlink: (name) => (alive() ? this.unlink(name) : dead()),
      syncDir: () => (alive() ? this.syncDir() : dead()),
      close: () => (alive() ? this.close() : Promise.resolve()),
    };
  }

  /**
   * The machine loses power: unsynced writes and directory changes are lost, except a
   * PRNG-chosen prefix of each, and the first lost write may be torn. Operations in
   * flight never complete. The same SimDisk is then opened by a new storage instance.
   */
  crash(): void {
    this.generation++;
    this.stats.crashes++;
    const random = this.options.random;
    const pick = (n: number): number => (random ? Math.floor(random() * (n + 1)) : 0); // 0..n

    // Durable writes in flight: each may have reached the disk in part (or in full).
    for (const w of this.inFlightDurable) {
      const f = w.file();
      const bytes = this.options.tornWrites === false ? 0 : pick(w.data.byteLength);
      if (f && bytes > 0) {
        f.durable.write(w.offset, w.data.subarray(0, bytes));
        if (bytes < w.data.byteLength) this.stats.tornWrites++;
      }
    }
    this.inFlightDurable.clear();

    const dir = new Map(this.durableNames);
    const keptDirOps = pick(this.dirPending.length);
    for (const op of this.dirPending.slice(0, keptDirOps)) {
      if (op.kind === 'create') dir.set(op.name, op.file);
      else if (op.kind === 'rename') {
        dir.delete(op.from);
        dir.set(op.to, op.file);
      } else dir.delete(op.name);
    }
    const files = new Set<SimFile>([...this.names.values(), ...dir.values()]);
    for (const f of files) {
      const kept = pick(f.pending.length);
      for (const op of f.pending.slice(0, kept)) f.durable.apply(op);
      const lost = f.pending[kept];
      if (lost && lost.kind === 'write' && random && this.options.tornWrites !== false) {
        const bytes = Math.floor(random() * lost.data.byteLength); // 0..len-1: a strict prefix
        if (bytes > 0) {
          f.durable.write(lost.offset, lost.data.subarray(0, bytes));
          this.stats.tornWrites++;
        }
      }
      // A durable write after the kept prefix still holds: replaying an older unsynced
      // write of the same bytes (a kept one before it) must not undo it. The page cache
      // held the newer bytes when the durable write reached the disk.
      for (const op of f.pending.slice(kept)) if (op.kind === 'write' && op.durable === true) f.durable.apply(op);
      f.pending = [];
      f.visible = f.durable.copy();
    }
    this.names = dir;
    this.durableNames = new Map(dir);
    this.dirPending = [];
  }

  /** Flips bits of one byte in both images (bit rot, a bad sector): a test/simulator fault. */
  corrupt(name: string, offset: number, xor = 0xff): void {
    const f = this.get(name);
    assert(offset < f.visible.length, 'corrupt: offset past the end');
    assert(xor !== 0, 'corrupt: xor must change the byte');
    f.visible.bytes[offset]! ^= xor;
    if (offset < f.durable.length) f.durable.bytes[offset]! ^= xor;
    for (const op of f.pending) {
      if (op.kind === 'write' && offset >= op.offset && offset < op.offset + op.data.byteLength) {
        op.data[offset - op.offset]! ^= xor;
      }
    }
  }

  /** Names and visible sizes, synchronously (for tests and the simulator's checks). */
  snapshot(): Map<string, number> {
    return new Map([...this.names].map(([n, f]) => [n, f.visible.length]));
  }

  /** Visible bytes of a file, synchronously (tests). */
  contents(name: string): Uint8Array {
    const f = this.get(name);
    return f.visible.bytes.slice(0, f.visible.length);
  }

  private applyFileOp(f: SimFile, op: FileOp): void {
    f.visible.apply(op);
    f.pending.push(op);
  }

  private get(name: string): SimFile {
    const f = this.names.get(name);
    if (!f) throw new DiskFileMissingError(name);
    return f;
  }

  private getOrCreate(name: string): SimFile {
    let f = this.names.get(name);
    if (!f) {
      f = new SimFile();
      this.names.set(name, f);
      this.dirPending.push({ kind: 'create', name, file: f });
    }
    return f;
  }

  private run<T>(op: SimDiskOp, effect: () => T): Promise<T> {
    const delay = this.options.delay;
    if (!delay) {
      try {
        return Promise.resolve(effect());
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    const generation = this.generation;
    return new Promise<T>((resolve, reject) => {
      delay(op, () => {
        if (generation !== this.generation) return; // crashed meanwhile: never completes
        try {
          resolve(effect());
        } catch (err) {
          reject(err as Error);
        }
      });
    });
  }
}
