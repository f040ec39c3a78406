import { lazyImport } from "../_lazy.ts";

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
};

/** open(2) flags on Linux: O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC. */
const LINUX_APPEND_FLAGS = 0o1 | 0o100 | 0o2000 | 0o2000000;

let libc: Libc | null | undefined;

/**
 * libc through FFI on Linux, else `null`. Deno has no public API for a raw
 * fd, and `node:fs` (which has one) costs 30 ms of CPU to load, measured: on
 * the path of every cold `tend start`, twice (CLI and supervisor).
 */
function linuxLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (Deno.build.os !== "linux") return libc;
  try {
    libc = Deno.dlopen("libc.so.6", {
      open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
      close: { parameters: ["i32"], result: "i32" },
    }).symbols;
  } catch {
    // No FFI permission, or no glibc: node:fs below.
  }
  return libc;
}

/**
 * Opens `path` for appending (created with `mode`) and returns its raw fd.
 * Uses open(2) through FFI where it can, else `node:fs`, which also gives
 * the error of a path that cannot be opened.
 */
export async function openLogFd(path: string, mode: number): Promise<LogFd> {
  const c = path.includes("\0") ? null : linuxLibc();
  if (c !== null) {
    const fd = c.open(
      new TextEncoder().encode(`${path}\0`),
      LINUX_APPEND_FLAGS,
      mode,
    );
    if (fd >= 0) return { fd, close: () => void c.close(fd) };
  }
  const fs = await lazyImport<typeof import("node:fs")>(new URL("node:fs"));
  const fd = fs.openSync(path, "a", mode);
  return { fd, close: () => fs.closeSync(fd) };
}
