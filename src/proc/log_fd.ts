import { lazyImport } from "../_lazy.ts";
import { statOwnFileNow } from "../fence/safe_file.ts";

/**
 * A raw file descriptor of a log opened for appending, to hand to a child as
 * its stdout and stderr (`Deno.Command` takes a raw fd number there; PLATFORM.md
 * §3d), so the child keeps logging when its parent dies.
 */
export interface LogFd {
  readonly fd: number;
  /** Closes our copy; the child keeps its own. */
  close(): void;
}

type Libc = {
  open(path: Uint8Array<ArrayBuffer>, flags: number, mode: number): number;
  close(fd: number): number;
  dup2(from: number, to: number): number;
};

/** open(2) flags on Linux: O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC. */
const LINUX_APPEND_FLAGS = 0o1 | 0o100 | 0o2000 | 0o2000000;

/** Whether FFI was found unusable (no permission, no glibc): not tried again. */
let noFfi = Deno.build.os !== "linux";

type LibcLibrary = Deno.DynamicLibrary<{
  open: { parameters: ["buffer", "i32", "u32"]; result: "i32" };
  close: { parameters: ["i32"]; result: "i32" };
  dup2: { parameters: ["i32", "i32"]; result: "i32" };
}>;

/** libc while someone holds it (see {@linkcode holdLibc}), with its holders. */
let held: { library: LibcLibrary; holders: number } | null = null;

function loadLibc(): LibcLibrary | null {
  if (noFfi) return null;
  try {
    return Deno.dlopen("libc.so.6", {
      open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
      close: { parameters: ["i32"], result: "i32" },
      dup2: { parameters: ["i32", "i32"], result: "i32" },
    });
  } catch {
    noFfi = true;
    return null;
  }
}

/**
 * Keeps libc loaded until every holder has disposed of its hold, so that a
 * burst of spawns (a `start` of 100 services) loads it once: a `dlopen`
 * costs 0.5 to 1.3 ms of the main thread here (Deno builds the symbols'
 * calls anew each time), twice per spawn without a hold. Nothing stays
 * loaded once the last hold is disposed of.
 */
export function holdLibc(): Disposable {
  if (held === null) {
    const library = loadLibc();
    if (library === null) return { [Symbol.dispose]() {} };
    held = { library, holders: 0 };
  }
  const hold = held;
  hold.holders++;
  let disposed = false;
  return {
    [Symbol.dispose]() {
      if (disposed) return;
      disposed = true;
      if (--hold.holders > 0) return;
      if (held === hold) held = null;
      hold.library.close();
    },
  };
}

/**
 * Runs `fn` with libc through FFI, on Linux; `null` when FFI is unusable.
 * Deno has no public API for a raw fd, and `node:fs` (which has one) costs 30
 * ms of CPU to load, measured: on the path of every cold `tend start`, twice
 * (CLI and supervisor). Without a hold ({@linkcode holdLibc}) the library
 * is loaded for the call and closed again at once, so no handle outlives it.
 */
function withLibc<T>(fn: (libc: Libc) => T): T | null {
  using _hold = holdLibc();
  return held === null ? null : fn(held.library.symbols);
}

/**
 * Opens `path` for appending (created with `mode`) and returns its raw fd.
 * Uses open(2) through FFI where it can, else `node:fs`, which also gives
 * the error of a path that cannot be opened. Only a regular file of ours
 * (`FILE_IN_THE_WAY` otherwise): opening a FIFO to write waits for a reader.
 */
export async function openLogFd(path: string, mode: number): Promise<LogFd> {
  statOwnFileNow(path);
  const opened = openLogFdNow(path, mode);
  if (opened !== null) return opened;
  const fs = await lazyImport<typeof import("node:fs")>(new URL("node:fs"));
  const fd = fs.openSync(path, "a", mode);
  return { fd, close: () => fs.closeSync(fd) };
}

/**
 * {@linkcode openLogFd} through FFI only, synchronously: `null` when FFI is
 * unusable or the open failed (`openLogFd` then tells why). The caller has
 * checked `path` as `openLogFd` does. A spawn opens, hands over and closes
 * its log's fd in one stretch, with no turn of the event loop between: a
 * start of many services holds one such fd at a time.
 */
export function openLogFdNow(path: string, mode: number): LogFd | null {
  if (path.includes("\0")) return null;
  const opened = withLibc((c) =>
    c.open(new TextEncoder().encode(`${path}\0`), LINUX_APPEND_FLAGS, mode)
  );
  if (opened === null || opened < 0) return null;
  return { fd: opened, close: () => void withLibc((c) => c.close(opened)) };
}

/** Whether {@linkcode redirectStderr} can work here (Linux, FFI usable). */
export function canRedirectStderr(): boolean {
  return withLibc(() => true) ?? false;
}

/**
 * Points this process's stderr (fd 2) at `path`, appended and created with
 * `mode`, as a launcher does with the stderr of a child it spawns: for a
 * process spawned before its log could be opened. Returns whether it did:
 * not for what is not a regular file of ours (a FIFO would hold the open).
 */
export function redirectStderr(path: string, mode: number): boolean {
  if (path.includes("\0") || !isOwnFileOrAbsent(path)) return false;
  return withLibc((c) => {
    const fd = c.open(
      new TextEncoder().encode(`${path}\0`),
      LINUX_APPEND_FLAGS,
      mode,
    );
    if (fd < 0) return false;
    try {
      return c.dup2(fd, 2) === 2;
    } finally {
      c.close(fd);
    }
  }) ?? false;
}

function isOwnFileOrAbsent(path: string): boolean {
  try {
    statOwnFileNow(path);
    return true;
  } catch {
    return false;
  }
}
