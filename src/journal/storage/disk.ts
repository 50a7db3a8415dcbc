// The Disk a log node's storage runs on: one directory of named files. RealDisk
// (real-disk.ts) is node:fs in a log-node process; SimDisk (sim-disk.ts) is the
// deterministic in-memory disk of the simulator. Storage code sees only this interface.
//
// Durability contract (what SegmentLog relies on, and what SimDisk enforces on crash):
// - bytes written to a file are durable only after fdatasync(name) resolves (or, for
//   pwriteDurable, when that call resolves);
// - a file's existence under its name (create, rename, unlink) is durable only after
//   syncDir() resolves;
// - rename(from, to) replaces `to` atomically: after a crash either name holds the old
//   or the new file, never a mix;
// - a crash may lose any write not yet synced and may tear the last one at a byte boundary.

export interface Disk {
  /** Names of the files in the directory, in no particular order. */
  list(): Promise<string[]>;
  /** Current size of the file in bytes (including unsynced writes). Throws if absent. */
  size(name: string): Promise<number>;
  /** Up to `length` bytes from `offset`; shorter at the end of the file. */
  read(name: string, offset: number, length: number): Promise<Uint8Array>;
  /** Writes at the end of the file, creating it if absent. */
  append(name: string, data: Uint8Array): Promise<void>;
  /** Writes at `offset` (the file grows if needed), creating it if absent. */
  pwrite(name: string, offset: number, data: Uint8Array): Promise<void>;
  /**
   * Writes at `offset` and resolves only once THOSE bytes are durable (O_DSYNC: write and
   * data sync in one operation). Earlier unsynced writes to the file are not made durable
   * by it; a new file's name still needs syncDir(). Several may be in flight: each is
   * durable on its own when it resolves.
   */
  pwriteDurable(name: string, offset: number, data: Uint8Array): Promise<void>;
  /**
   * Optional: pwriteDurable done synchronously, blocking the calling thread until the
   * bytes are durable; true once done. False when it cannot be done synchronously now
   * (e.g. the file is not open yet): the caller then uses pwriteDurable. Throws on an
   * I/O error, like pwriteDurable rejects.
   */
  pwriteDurableSync?(name: string, offset: number, data: Uint8Array): boolean;
  /** Makes the file's data durable. */
  fdatasync(name: string): Promise<void>;
  /** Cuts the file to `bytes`. */
  truncate(name: string, bytes: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(name: string): Promise<void>;
  /** Makes the directory's entries (creations, renames, unlinks) durable. */
  syncDir(): Promise<void>;
  /** Releases open handles. The Disk may be used again afterwards (handles reopen). */
  close(): Promise<void>;
}

/** Thrown by Disk methods for a file that does not exist (code mirrors node's ENOENT). */
export class DiskFileMissingError extends Error {
  override name = 'DiskFileMissingError';
  readonly code = 'ENOENT';
  constructor(file: string) {
    super(`no such file: ${file}`);
  }
}

/** Writes a small file atomically and durably: temp file, fdatasync, rename, dir fsync. */
export async function writeFileAtomic(disk: Disk, name: string, data: Uint8Array): Promise<void> {
  const temp = `${name}.tmp`;
  const names = await disk.list();
  if (names.includes(temp)) await disk.unlink(temp);
  await disk.append(temp, data);
  await disk.fdatasync(temp);
  await disk.rename(temp, name);
  await disk.syncDir();
}

/** Reads a whole file, or undefined if it does not exist. */
export async function readWholeFile(disk: Disk, name: string): Promise<Uint8Array | undefined> {
  const names = await disk.list();
  if (!names.includes(name)) return undefined;
  const bytes = await disk.size(name);
  return disk.read(name, 0, bytes);
}
