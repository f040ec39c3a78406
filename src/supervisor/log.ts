import {
  configure,
  dispose,
  getLogger,
  type LogRecord,
  type Sink,
} from "npm:@logtape/logtape@2.4.2";
import { getRotatingFileSink } from "npm:@logtape/file@2.3.10";

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

/**
 * Configures LogTape for the supervisor: a rotating `tend.log`, plus an
 * optional extra sink. Dispose the result to flush and close the file.
 */
export async function openSupervisorLog(
  options: SupervisorLogOptions,
): Promise<Log & AsyncDisposable> {
  const sinks: Record<string, Sink> = {
    file: getRotatingFileSink(options.file, {
      maxSize: options.maxBytes ?? 10 * 1024 * 1024,
      maxFiles: (options.backups ?? 5) + 1,
      formatter: formatLine,
      bufferSize: 0,
    }),
  };
  const extra = options.extraSink;
  if (extra) sinks.extra = (record) => extra(formatLine(record).trimEnd());
  await configure({
    reset: true,
    sinks,
    loggers: [
      { category: ["tend"], lowestLevel: "info", sinks: Object.keys(sinks) },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
    ],
  });
  const logger = getLogger(["tend", "supervisor"]);
  return {
    info: (message, properties) => logger.info(message, properties ?? {}),
    warn: (message, properties) => logger.warn(message, properties ?? {}),
    error: (message, properties) => logger.error(message, properties ?? {}),
    [Symbol.asyncDispose]: () => dispose(),
  };
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
function formatLine(record: LogRecord): string {
  const time = new Date(record.timestamp).toISOString();
  const level = record.level.toUpperCase().padEnd(5);
  const template = typeof record.rawMessage === "string"
    ? record.rawMessage
    : record.message.join("");
  const text = template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    if (!Object.hasOwn(record.properties, key)) return whole;
    const value = record.properties[key];
    return key === "service" ? JSON.stringify(value) : String(value);
  });
  return `${time} ${level} ${text}\n`;
}
