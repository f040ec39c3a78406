import { LOG_FILE_MODE, statOwnFileNow } from "../fence/safe_file.ts";
import { backupPath } from "../logs/rotate_log.ts";

/** The supervisor's log: one line per event, with structured properties. */
export interface Log {
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** Options of {@linkcode openSupervisorLog}. */
export interface SupervisorLogOptions {
  /** The log file (rotated). */
  file: string;
  /** Rotate past this size. @default {10485760} */
  maxBytes?: number;
  /** Rotated files to keep. @default {5} */
  backups?: number;
  /** A second sink, such as the terminal of a foreground supervisor. */
  extraSink?: ((line: string) => void) | undefined;
}

type Level = "info" | "warn" | "error";

const encoder = new TextEncoder();
const LOG_OPEN: Deno.OpenOptions = {
  append: true,
  create: true,
  mode: LOG_FILE_MODE,
};

/**
 * Opens the supervisor's `tend.log`, rotated by size (`tend.log.1` is the
 * newest backup), plus an optional extra sink. Each line is written at once
 * with one `write(2)`: the supervisor logs a few lines per event, and a
 * logging library (with its Node file APIs) cost it 10 MiB of RSS. Dispose
 * the result to close the file.
 */
export function openSupervisorLog(
  options: SupervisorLogOptions,
): Promise<Log & AsyncDisposable> {
  const file = new RotatingFile(options.file, {
    maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
    backups: options.backups ?? 5,
  });
  const extra = options.extraSink;
  const write = (level: Level) =>
  (
    message: string,
    properties: Record<string, unknown> = {},
  ) => {
    const line = formatLine({ level, message, properties, at: Date.now() });
    file.write(line);
    extra?.(line.trimEnd());
  };
  return Promise.resolve({
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    [Symbol.asyncDispose]: () => Promise.resolve(file.close()),
  });
}

/** A log that drops everything (tests, library use). */
export const silentLog: Log = {
  info() {},
  warn() {},
  error() {},
};

/**
 * `2026-11-22T04:50:00.123Z INFO  spawned "web" pid 4242`: the template with
 * its properties filled in; service names are quoted, other values are not.
 */
export function formatLine(record: {
  level: Level;
  message: string;
  properties: Record<string, unknown>;
  at: number;
}): string {
  const time = new Date(record.at).toISOString();
  const level = (record.level === "warn" ? "WARNING" : record.level)
    .toUpperCase().padEnd(5);
  const text = record.message.replace(/\{(\w+)\}/g, (whole, key: string) => {
    if (!Object.hasOwn(record.properties, key)) return whole;
    const value = record.properties[key];
    return key === "service" ? JSON.stringify(value) : String(value);
  });
  return `${time} ${level} ${text}\n`;
}

/**
 * An append-only file that, when a line would take it past `maxBytes`,
 * becomes `FILE.1` (shifting older backups, keeping `backups` of them) and
 * starts again empty. A failed write or rotation never throws: the
 * supervisor goes on without that line.
 */
class RotatingFile {
  #path: string;
  #maxBytes: number;
  #backups: number;
  #file: Deno.FsFile | null;
  #size: number;

  constructor(path: string, options: { maxBytes: number; backups: number }) {
    this.#path = path;
    this.#maxBytes = options.maxBytes;
    this.#backups = options.backups;
    // The first open throws: a log that cannot be opened fails the start,
    // and so does one that is not a regular file of ours (a FIFO would hold
    // the open until something read it: FILE_IN_THE_WAY).
    statOwnFileNow(path);
    this.#file = Deno.openSync(path, LOG_OPEN);
    this.#size = this.#sizeNow();
  }

  write(line: string): void {
    const bytes = encoder.encode(line);
    if (this.#size > 0 && this.#size + bytes.length > this.#maxBytes) {
      this.#rotate();
    }
    try {
      this.#file ??= this.#open();
      let written = 0;
      while (this.#file && written < bytes.length) {
        written += this.#file.writeSync(bytes.subarray(written));
      }
      this.#size += bytes.length;
    } catch {
      // A full disk or a removed directory: drop the line, keep serving.
    }
  }

  close(): void {
    this.#file?.close();
    this.#file = null;
  }

  #rotate(): void {
    this.close();
    try {
      for (let n = this.#backups - 1; n >= 1; n--) {
        renameIfPresent(
          backupPath(this.#path, n),
          backupPath(this.#path, n + 1),
        );
      }
      if (this.#backups > 0) {
        renameIfPresent(this.#path, backupPath(this.#path, 1));
      } else Deno.truncateSync(this.#path);
    } catch {
      // Keep appending to what is there.
    }
    this.#file = this.#open();
    this.#size = this.#sizeNow();
  }

  #open(): Deno.FsFile | null {
    try {
      statOwnFileNow(this.#path);
      return Deno.openSync(this.#path, LOG_OPEN);
    } catch {
      return null;
    }
  }

  #sizeNow(): number {
    try {
      return this.#file?.statSync().size ?? 0;
    } catch {
      return 0;
    }
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    Deno.renameSync(from, to);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
