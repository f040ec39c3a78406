/**
 * tend.toml checked without zod, for a config that plainly is valid: what
 * `tend start` does in a new workspace before its supervisor may go. zod's
 * import and the building of tend's schemas are 30 to 40 ms of a cold CLI;
 * this check of a config of one service takes about 1.4 ms, its first run in
 * lite mode included, and of 100 services 4.4 ms (measured).
 *
 * It settles only what it is sure of: a document it accepts gets the very
 * config `configSchema` gives (the conversions, defaults, cross-field and
 * cross-service checks are the same functions: _rules.ts, _units.ts,
 * _entry_checks.ts, _checks.ts, _expand.ts). Anything else (a value of the
 * wrong type, a problem of any kind, a `schedule`, whose check needs the
 * cron parser) is left to zod, which says what is wrong.
 * tests/config/quick_test.ts holds the two to the same output on thousands
 * of documents.
 */
import { checkServices, type ServiceTables } from "./_checks.ts";
import type { DaemonTable } from "./_entry.ts";
import { checkDaemon, checkEntry } from "./_entry_checks.ts";
import { configOf, daemonOf, httpOf } from "./_expand.ts";
import type { ProblemSink } from "./_problem.ts";
import {
  DAEMON_DEFAULTS,
  ENV_NAME_PATTERN,
  isHttpUrl,
  isTcpTarget,
  MAX_INSTANCES,
  NAME_PATTERN,
  parseHostPort,
  READY_KINDS,
  SERVICE_DEFAULTS,
  stopSignalOf,
} from "./_rules.ts";
import type { ServiceEntry } from "./_entry.ts";
import { toDurationMs, toSizeBytes } from "./_units.ts";
import type { ParsedConfig } from "./schema.ts";

/** A value this check does not settle. */
const NO = Symbol("unsettled");

/** One field's check and conversion: its output, or {@linkcode NO}. */
type Field = (value: unknown) => unknown;

/**
 * The config `configSchema` gives for `doc` (a parsed TOML document), when
 * this check can tell; `null` when zod must decide.
 */
export function quickConfig(doc: unknown): ParsedConfig | null {
  if (!isTable(doc)) return null;
  const tables: ServiceTables = {};
  for (const key of Object.keys(doc)) {
    if (key === "processes" || key === "services") {
      const entries = entryList(doc[key]);
      if (entries === NO) return null;
      tables[key] = entries;
    } else if (key !== "daemon") return null;
  }
  const daemon = table<DaemonTable>(
    DAEMON,
    Object.hasOwn(doc, "daemon") ? doc.daemon : {},
  );
  if (daemon === NO) return null;
  const sink = problemCounter();
  checkDaemon(daemon, sink);
  for (const entry of tables.processes ?? tables.services ?? []) {
    checkEntry(entry, sink);
  }
  checkServices(tables, sink);
  if (sink.problems > 0) return null;
  return configOf({ daemon: daemonOf(daemon), ...tables });
}

function entryList(value: unknown): ServiceEntry[] | typeof NO {
  if (!Array.isArray(value)) return NO;
  const entries: ServiceEntry[] = [];
  for (const item of value) {
    const entry = table(SERVICE, item);
    if (entry === NO) return NO;
    entries.push(entry);
  }
  return entries;
}

/** What a table may hold, and what it must. */
interface TableRules {
  fields: Readonly<Record<string, Field>>;
  defaults: Readonly<Record<string, unknown>>;
  required: readonly string[];
}

/**
 * `value` as a table of `rules.fields`, in their order as zod writes them,
 * with the defaults of the fields it does not give (arrays and tables
 * copied); {@linkcode NO} for anything else, a missing required field too.
 */
// deno-lint-ignore no-explicit-any -- the caller names the table's type
function table<T = any>(rules: TableRules, value: unknown): T | typeof NO {
  const { fields, defaults, required } = rules;
  if (!isTable(value)) return NO;
  if (!required.every((key) => Object.hasOwn(value, key))) return NO;
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(fields, key)) return NO;
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    if (Object.hasOwn(value, key)) {
      const checked = field(value[key]);
      if (checked === NO) return NO;
      out[key] = checked;
    } else if (Object.hasOwn(defaults, key)) {
      const given = defaults[key];
      out[key] = Array.isArray(given)
        ? [...given]
        : typeof given === "object" && given !== null
        ? { ...given }
        : given;
    }
  }
  return out as T;
}

/** A plain TOML table: not an array, not a date. */
function isTable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function problemCounter(): ProblemSink & { problems: number } {
  const sink = {
    problems: 0,
    addIssue: () => {
      sink.problems++;
    },
  };
  return sink;
}

const string: Field = (v) => typeof v === "string" ? v : NO;
const nonEmpty: Field = (v) => typeof v === "string" && v !== "" ? v : NO;
const boolean: Field = (v) => typeof v === "boolean" ? v : NO;

function integer(min: number, max = Number.MAX_SAFE_INTEGER): Field {
  return (v) =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
      ? v
      : NO;
}

function oneOf(...values: unknown[]): Field {
  return (v) => values.includes(v) ? v : NO;
}

function listOf(item: Field): Field {
  return (v) => {
    if (!Array.isArray(v)) return NO;
    const out: unknown[] = [];
    for (const each of v) {
      const checked = item(each);
      if (checked === NO) return NO;
      out.push(checked);
    }
    return out;
  };
}

function duration(options: { positive: boolean }): Field {
  return (v) => {
    if (typeof v !== "number" && typeof v !== "string") return NO;
    const result = toDurationMs(v);
    if (!("ms" in result)) return NO;
    return options.positive && result.ms === 0 ? NO : result.ms;
  };
}

const size: Field = (v) =>
  typeof v === "number" || typeof v === "string" ? toSizeBytes(v) ?? NO : NO;

const name: Field = (v) =>
  typeof v === "string" && NAME_PATTERN.test(v) ? v : NO;

const count = integer(0);
const port = integer(1, 65535);
const strings = listOf(string);
const anyDuration = duration({ positive: false });
const positiveDuration = duration({ positive: true });

const env: Field = (v) => {
  if (!isTable(v)) return NO;
  const out: Record<string, string> = {};
  for (const key of Object.keys(v)) {
    const value = v[key];
    if (key === "__proto__" || !ENV_NAME_PATTERN.test(key)) return NO;
    if (typeof value !== "string") return NO;
    out[key] = value;
  }
  return out;
};

const envFileEntry: Field = (v) => {
  if (typeof v === "string") {
    return v === "" ? NO : { path: v, optional: false };
  }
  return table(ENV_FILE_ENTRY, v);
};
const ENV_FILE_ENTRY: TableRules = {
  fields: { path: nonEmpty, optional: boolean },
  defaults: { optional: false },
  required: ["path"],
};
const envFileList = listOf(envFileEntry);
const envFile: Field = (v) => {
  if (Array.isArray(v)) return envFileList(v);
  const entry = envFileEntry(v);
  return entry === NO ? NO : [entry];
};

const glob: Field = (v) =>
  typeof v === "string" && v !== "" && !v.startsWith("/") &&
    !v.split("/").includes("..")
    ? v
    : NO;

const stopSignal: Field = (v) =>
  typeof v === "string" ? stopSignalOf(v) ?? NO : NO;

const ready: Field = (v) => {
  if (!isTable(v)) return NO;
  const kinds = Object.keys(v);
  const [kind] = kinds;
  if (
    kinds.length !== 1 || !(READY_KINDS as readonly unknown[]).includes(kind)
  ) {
    return NO;
  }
  const given = v[kind!];
  switch (kind) {
    case "tcp": {
      if (port(given) === NO && typeof given !== "string") return NO;
      const target = String(given).trim();
      return isTcpTarget(target) ? { kind: "tcp", target } : NO;
    }
    case "http":
      return typeof given === "string" && isHttpUrl(given)
        ? { kind: "http", url: given }
        : NO;
    case "log":
      return typeof given === "string" && isRegExp(given)
        ? { kind: "log", pattern: given }
        : NO;
    default:
      return nonEmpty(given) === NO ? NO : { kind: "command", command: given };
  }
};

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

const http: Field = (v) =>
  typeof v === "boolean"
    ? httpOf(v)
    : typeof v === "string"
    ? parseHostPort(v) ?? NO
    : NO;

/** The `[[processes]]` fields this check settles: all but the schedule's. */
const SERVICE_FIELDS: Readonly<Record<string, Field>> = {
  name,
  command: nonEmpty,
  type: oneOf("service", "oneshot"),
  args: strings,
  "working_directory": nonEmpty,
  env,
  "env_file": envFile,
  port,
  "port_strategy": oneOf("next", "fail"),
  "auto_restart": boolean,
  restart: oneOf("always", "on-failure", "never"),
  "success_exit_codes": listOf(integer(0, 255)),
  "restart_delay": anyDuration,
  "restart_delay_max": anyDuration,
  "min_uptime": anyDuration,
  "max_restarts": count,
  "restart_window": positiveDuration,
  ready,
  "ready_timeout": positiveDuration,
  "min_ready": anyDuration,
  "stop_signal": stopSignal,
  "stop_timeout": anyDuration,
  "depends_on": strings,
  instances: integer(1, MAX_INSTANCES),
  "max_instances": integer(1),
  autostart: boolean,
  "check_interval": positiveDuration,
  "capture_output": boolean,
  "log_file": nonEmpty,
  "log_max_size": size,
  "max_log_size": size,
  "log_backups": count,
  image: nonEmpty,
  watch: listOf(glob),
  "watch_ignore": listOf(glob),
  "watch_debounce": anyDuration,
  "on_ready": nonEmpty,
  "on_exit": nonEmpty,
  "on_failed": nonEmpty,
  "on_restart": nonEmpty,
  "hook_timeout": positiveDuration,
  "max_memory": size,
};

/** The `[daemon]` fields. */
const DAEMON_FIELDS: Readonly<Record<string, Field>> = {
  "pid_file": nonEmpty,
  "log_file": nonEmpty,
  "check_interval": positiveDuration,
  http,
  "http_allow_remote": boolean,
  "log_max_size": size,
  "log_backups": count,
};

const SERVICE: TableRules = {
  fields: SERVICE_FIELDS,
  defaults: SERVICE_DEFAULTS,
  required: ["name", "command"],
};

const DAEMON: TableRules = {
  fields: DAEMON_FIELDS,
  defaults: DAEMON_DEFAULTS,
  required: [],
};
