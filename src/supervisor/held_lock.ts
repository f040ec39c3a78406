import { acquireLock } from "../fence/lock.ts";
import type { Inode } from "./guard.ts";
import type { Log } from "./log.ts";
import { messageOf } from "../errors.ts";
import { OnceBy } from "../_once.ts";

/**
 * The workspace lock a supervisor holds, which it can take again when the
 * lock file is deleted or replaced under it: it then locks the new file at
 * the same path, so no second supervisor can get in, or steps down when
 * another process got there first.
 */
export class HeldLock {
  readonly path: string;
  #files: Deno.FsFile[];
  #inode: Inode = { dev: -1, ino: -1 };
  #warned = new OnceBy();

  constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.#files = [file];
  }

  /** The inode now locked. */
  get inode(): Inode {
    return this.#inode;
  }

  /**
   * Records the inode of the lock first taken. An fstat is microseconds; an
   * async one goes to a worker thread and back, the first such trip of a new
   * supervisor (3 ms of its main thread, measured).
   */
  remember(): void {
    const info = this.#files[0]!.statSync();
    this.#inode = { dev: info.dev, ino: info.ino ?? -1 };
  }

  /**
   * Locks whatever is now at the lock path. When another process holds it,
   * asks the supervisor to step down (leaving services running); when the
   * path cannot be locked at all (a symlink, a directory, another user's
   * file), no other supervisor can lock it either, so this one keeps serving
   * and says why, once.
   */
  async retake(
    options: {
      log: Log;
      stop: PromiseWithResolvers<{ stopServices: boolean; lockLost?: boolean }>;
    },
  ): Promise<void> {
    let file: Deno.FsFile | null;
    try {
      file = await acquireLock(this.path);
    } catch (error) {
      const why = messageOf(error);
      if (this.#warned.first(this.path, why)) {
        options.log.error(
          "supervisor.lock was replaced and cannot be locked: {why}",
          { why },
        );
      }
      return;
    }
    if (file === null) {
      options.log.error(
        "supervisor.lock was replaced and another process locked it; stepping down",
      );
      options.stop.resolve({ stopServices: false, lockLost: true });
      return;
    }
    this.#files.push(file);
    const info = await file.stat();
    this.#inode = { dev: info.dev, ino: info.ino ?? -1 };
    this.#warned.reset(this.path);
    options.log.warn("supervisor.lock was replaced; locked the new file");
  }

  /** Releases every lock taken. */
  close(): void {
    for (const file of this.#files) file.close();
  }
}
