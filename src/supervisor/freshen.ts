/**
 * The pure part of "the file on disk is the truth": which services of a
 * request the file's definitions apply to, the config the supervisor runs
 * afterwards, and how the file differs from what runs (for `status`).
 *
 * Why the supervisor re-reads the file itself, on each start, restart and
 * up request, rather than the CLI sending the config it parsed: the
 * supervisor reads and applies under one queue (with `reload`), so the
 * definitions it runs are always those of the newest read of the file. A
 * config parsed by a CLI could be older than one another CLI already had
 * applied (two edits, two commands racing), and would then undo it. It also
 * keeps the TOML parser and zod off the CLI path of `start`.
 */
import type { Config, ServiceConfig } from "../config/schema.ts";
import {
  dependencyOrder,
  expandNames,
  unknownService,
} from "../config/services.ts";
import type {
  ActionResponse,
  ConfigApplied,
  ConfigDrift,
} from "../ipc/protocol.ts";
import { TendError } from "../errors.ts";

/** What applying the file to some services changes. */
export interface FreshenPlan {
  /** The config to run afterwards: the file's definitions for the touched services, the running ones otherwise. */
  config: Config;
  /** Services the supervisor did not know (new runners). */
  added: string[];
  /** Known services whose definition changed in any field. */
  changed: string[];
  /** Of `changed`: those whose change takes effect only on a restart (their fingerprint differs). */
  restart: string[];
}

/**
 * The names a start or restart without names stands for, else `names`:
 * for a start, the file's autostart services; for a restart, every service
 * not stopped that the file still lists, or the autostart ones when none is
 * (restart then starts them).
 */
export function requestedNames(
  disk: Config,
  options: {
    names: readonly string[];
    all: "autostart" | "running";
    states: readonly (readonly [string, string])[];
  },
): string[] {
  if (options.names.length > 0) return [...options.names];
  const autostart = disk.services.filter((s) => s.autostart)
    .map((s) => s.name);
  if (options.all === "autostart") return autostart;
  const notStopped = options.states
    .filter(([name, state]) => state !== "stopped" && isKnown(disk, name))
    .map(([name]) => name);
  return notStopped.length > 0 ? notStopped : autostart;
}

/**
 * The services a request touches in the file's config `disk`: the named ones
 * (a group stands for its instances) and everything they depend on there.
 * Throws `UNKNOWN_SERVICE` for a name the file does not list, with a hint
 * that tells a service still running from an earlier load apart.
 */
export function touchedServices(
  disk: Config,
  options: { names: readonly string[]; running: Config },
): string[] {
  for (const name of options.names) {
    if (!isKnown(disk, name)) throw unknownInFile(name, options.running, disk);
  }
  return dependencyOrder(disk, expandNames(disk, options.names));
}

/**
 * Applies the file's definitions of `touched` (instance names of `disk`) to
 * the running config `current`. Services the file removed stay as they run:
 * only `reload` and `down` stop them.
 */
export function planFreshen(
  current: Config,
  options: { disk: Config; touched: readonly string[] },
): FreshenPlan {
  const { disk } = options;
  const touched = new Set(options.touched);
  const known = new Map(current.services.map((s) => [s.name, s]));
  const inFile = new Set(disk.services.map((s) => s.name));
  const services: ServiceConfig[] = [];
  const plan: Omit<FreshenPlan, "config"> = {
    added: [],
    changed: [],
    restart: [],
  };
  for (const service of disk.services) {
    const old = known.get(service.name);
    if (!touched.has(service.name)) {
      if (old !== undefined) services.push(old);
      continue;
    }
    services.push(service);
    if (old === undefined) plan.added.push(service.name);
    else if (!sameDefinition(old, service)) {
      plan.changed.push(service.name);
      if (old.fingerprint !== service.fingerprint) {
        plan.restart.push(service.name);
      }
    }
  }
  for (const service of current.services) {
    if (!inFile.has(service.name)) services.push(service);
  }
  return { ...plan, config: { ...current, services } };
}

/** The summary a CLI prints, or `null` when the file changed nothing. */
export function appliedSummary(
  plan: FreshenPlan,
  file: string,
): ConfigApplied | null {
  if (plan.added.length === 0 && plan.changed.length === 0) return null;
  return { file, added: plan.added, changed: plan.changed };
}

/** `response` with what was applied first, when anything was. */
export function withApplied(
  response: ActionResponse,
  applied: ConfigApplied | null,
): ActionResponse {
  return applied === null ? response : { ...response, applied };
}

/**
 * How the file's services differ from the running ones, or `null` when they
 * agree: added, removed, and changed in any field.
 */
export function configDrift(
  running: Config,
  disk: Config,
): ConfigDrift | null {
  const now = new Map(running.services.map((s) => [s.name, s]));
  const inFile = new Set(disk.services.map((s) => s.name));
  const drift: ConfigDrift = {
    file: disk.file,
    added: [],
    removed: [],
    changed: [],
    error: null,
  };
  for (const service of disk.services) {
    const old = now.get(service.name);
    if (old === undefined) drift.added.push(service.name);
    else if (!sameDefinition(old, service)) drift.changed.push(service.name);
  }
  for (const service of running.services) {
    if (!inFile.has(service.name)) drift.removed.push(service.name);
  }
  const same = drift.added.length + drift.removed.length +
      drift.changed.length === 0;
  return same ? null : drift;
}

/**
 * The `UNKNOWN_SERVICE` error of a service the supervisor does not run,
 * with a hint when the file on disk (`disk`, `null` when unreadable) lists
 * it: then a start or a reload loads it.
 */
export function unknownToSupervisor(
  name: string,
  options: { running: Config; disk: Config | null },
): TendError {
  const { running, disk } = options;
  if (disk === null || !isKnown(disk, name)) {
    return unknownService(running, name);
  }
  return new TendError(
    "UNKNOWN_SERVICE",
    `Cannot find service "${name}" among the services the supervisor runs`,
    {
      hint:
        `"${disk.file}" lists it since the supervisor loaded it: "tend start ${name}" or "tend reload" applies the file`,
    },
  );
}

/** Whether `name` is a service or instance name of `config`. */
export function isKnown(config: Config, name: string): boolean {
  return config.services.some((s) => s.name === name || s.group === name);
}

function unknownInFile(
  name: string,
  running: Config,
  disk: Config,
): TendError {
  const error = unknownService(disk, name);
  if (!isKnown(running, name)) return error;
  return new TendError("UNKNOWN_SERVICE", error.message, {
    hint:
      `"${name}" still runs from the config loaded before; "tend reload" stops it, as does "tend stop ${name}"`,
  });
}

/** Whether two definitions of a service agree in every field. */
function sameDefinition(a: ServiceConfig, b: ServiceConfig): boolean {
  return sameValue(a, b);
}

/**
 * Deep equality of JSON-like values, where object key order never counts
 * as a change. Allocates nothing: a start of many services compares each
 * of their definitions.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    a === null || b === null || typeof a !== "object" || typeof b !== "object"
  ) {
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
      return false;
    }
    for (let i = 0; i < a.length; i++) {
      if (!sameValue(a[i], b[i])) return false;
    }
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key) || x[key] === undefined) continue;
    keys++;
    if (!Object.hasOwn(y, key) || !sameValue(x[key], y[key])) return false;
  }
  for (const key in y) {
    if (Object.hasOwn(y, key) && y[key] !== undefined) keys--;
  }
  return keys === 0;
}
