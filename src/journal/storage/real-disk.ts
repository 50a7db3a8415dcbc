// RealDisk: the Disk interface over one directory with node:fs/promises, in a log-node
// process (main thread). File handles are opened lazily and kept open (appends are the
// hot path); the size of each open file is tracked here so appends are positional
// writes at a known offset. fdatasync is FileHandle.datasync(); syncDir fsyncs the
// directory itself, which is what makes creations, renames and unlinks durable on Linux.

import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { assert } from '../../assert.js';
import { DiskFileMissingError, type Disk } from './disk.js';

interface OpenFile {
  readonly handle: FileHandle;
  /** A second handle opened with O_DSYNC, for pwriteDurable (opened on first use). */
  dsync: Promise<FileHandle> | undefined;
  /** A plain O_DSYNC descriptor for pwriteDurableSync (opened on first use). */
  dsyncFd: number | undefined;
  /** Current size including our unsynced writes (we are the only writer). */
  size: number;
}

export class RealDisk implements Disk {
  private readonly files = new Map<string, OpenFile>();
  /** Opening is async: concurrent callers share one open per file. */
  private readonly opening = new Map<string, Promise<OpenFile>>();

  constructor(readonly dir: string) {}

  /** Creates the directory (and parents) if needed. */
  async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async list(): Promise<string[]> {
    return readdir(this.dir);
  }

  async size(name: string): Promise<number> {
    return (await this.file(name, false)).size;
  }

  async read(name: string, offset: number, length: number): Promise<Uint8Array> {
    const f = await this.file(name, false);
    const want = Math.max(0, Math.min(length, f.size - offset));
    const buf = Buffer.allocUnsafe(want);
    let done = 0;
    while (done < want) {
      const { bytesRead } = await f.handle.read(buf, done, want - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === want ? buf : buf.subarray(0, done);
  }

  async append(name: string, data: Uint8Array): Promise<void> {
    const f = await this.file(name, true);
    const at = f.size;
    f.size += data.byteLength; // reserve first: concurrent appends never overlap
    await writeAll(f.handle, data, at);
  }

  async pwrite(name: string, offset: number, data: Uint8Array): Promise<void> {
    const f = await this.file(name, true);
    f.size = Math.max(f.size, offset + data.byteLength);
    await writeAll(f.handle, data, offset);
  }

  async pwriteDurable(name: string, offset: number, data: Uint8Array): Promise<void> {
    const f = await this.file(name, true);
    f.dsync ??= open(join(this.dir, name), constants.O_WRONLY | constants.O_DSYNC);
    const handle = await f.dsync;
    f.size = Math.max(f.size, offset + data.byteLength);
    await writeAll(handle, data, offset);
  }

  /** Blocks the thread for the write (see Disk); only for a file already open here. */
  pwriteDurableSync(name: string, offset: number, data: Uint8Array): boolean {
    const f = this.files.get(name);
    if (f === undefined) return false;
    f.dsyncFd ??= openSync(join(this.dir, name), constants.O_WRONLY | constants.O_DSYNC);
    f.size = Math.max(f.size, offset + data.byteLength);
    let done = 0;
    while (done < data.byteLength) done += writeSync(f.dsyncFd, data, done, data.byteLength - done, offset + done);
    return true;
  }

  async fdatasync(name: string): Promise<void> {
    await (await this.file(name, false)).handle.datasync();
  }

  async truncate(name: string, bytes: number): Promise<void> {
    const f = await this.file(name, false);
    await f.handle.truncate(bytes);
    f.size = bytes;
  }

  async rename(from: string, to: string): Promise<void> {
    await this.closeFile(from);
    await this.closeFile(to);
    await rename(join(this.dir, from), join(this.dir, to));
  }

  async unlink(name: string): Promise<void> {
    await this.closeFile(name);
    try {
      await unlink(join(this.dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DiskFileMissingError(name);
      throw err;
    }
  }

  async syncDir(): Promise<void> {
    const handle = await open(this.dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async close(): Promise<void> {
    const names = [...this.files.keys()];
    for (const name of names) await this.closeFile(name);
  }

  private async closeFile(name: string): Promise<void> {
    const pending = this.opening.get(name);
    if (pending) await pending.catch(() => undefined);
    const f = this.files.get(name);
    if (!f) return;
    this.files.delete(name);
    await f.handle.close();
    if (f.dsync) await (await f.dsync).close();
    if (f.dsyncFd !== undefined) closeSync(f.dsyncFd);
  }

  private file(name: string, create: boolean): Promise<OpenFile> {
    assert(!name.includes('/') && name !== '' && name !== '.' && name !== '..', `bad file name ${name}`);
    const f = this.files.get(name);
    if (f) return Promise.resolve(f);
    let pending = this.opening.get(name);
    if (!pending) {
      pending = (async (): Promise<OpenFile> => {
        const flags = constants.O_RDWR | (create ? constants.O_CREAT : 0);
        let handle: FileHandle;
        try {
          handle = await open(join(this.dir, name), flags, 0o644);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DiskFileMissingError(name);
          throw err;
        }
        const opened: OpenFile = { handle, size: (await handle.stat()).size, dsync: undefined, dsyncFd: undefined };
        this.files.set(name, opened);
        return opened;
      })().finally(() => this.opening.delete(name));
      this.opening.set(name, pending);
    }
    return pending;
  }
}

async function writeAll(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.byteLength) {
    const { bytesWritten } = await handle.write(data, done, data.byteLength - done, position + done);
    done += bytesWritten;
  }
}
