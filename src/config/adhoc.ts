/**
 * One-off services (`tend run NAME -- COMMAND ARGS...`): the `--ready` flag's
 * syntax, the `[[processes]]` table a definition stands for, and its
 * validation by the same schema as `tend.toml`.
 */
import { stringify } from "npm:smol-toml@1.9.1";
import { TendError } from "../errors.ts";
import { formatIssue, pickIssue } from "./_format_issue.ts";
import { resolveConfig } from "./resolve.ts";
import { type Config, configSchema, type ServiceConfig } from "./schema.ts";

/** What `tend run` asks for: a service that tend.toml does not have. */
export interface AdhocDefinition {
  name: string;
  command: string;
  args: readonly string[];
  /** @default {undefined} no port */
  port?: number | undefined;
  /** The config's `ready` table, e.g. `{ http: "http://127.0.0.1:{port}/" }`. @default {undefined} */
  ready?: Readonly<Record<string, string | number>> | undefined;
}

const READY_FLAG_HINT =
  'Use --ready tcp, tcp=HOST:PORT, http=/PATH, http=URL, log=REGEX or command="CMD"';

/**
 * The `ready` table of a `--ready` flag: `tcp` (the service's own port),
 * `tcp=HOST:PORT`, `http=/PATH` (on the service's own port), `http=URL`,
 * `log=REGEX` or `command=CMD`. Throws `USAGE` for anything else.
 *
 * @example
 * ```ts
 * readyFlag("http=/health"); // { http: "http://127.0.0.1:{port}/health" }
 * ```
 */
export function readyFlag(text: string): Record<string, string> {
  const eq = text.indexOf("=");
  const kind = (eq === -1 ? text : text.slice(0, eq)).trim();
  const value = eq === -1 ? "" : text.slice(eq + 1);
  if (kind === "tcp") return { tcp: value === "" ? "{port}" : value };
  if (value === "") throw badReady(text);
  if (kind === "http") {
    return {
      http: value.startsWith("/") ? `http://127.0.0.1:{port}${value}` : value,
    };
  }
  if (kind === "log" || kind === "command") return { [kind]: value };
  throw badReady(text);
}

function badReady(text: string): TendError {
  return new TendError("USAGE", `Cannot use --ready "${text}"`, {
    hint: READY_FLAG_HINT,
  });
}

/** The `[[processes]]` table of `definition`, as tend.toml would spell it. */
export function adhocEntry(
  definition: AdhocDefinition,
): Record<string, unknown> {
  return {
    name: definition.name,
    command: definition.command,
    ...(definition.args.length > 0 ? { args: [...definition.args] } : {}),
    ...(definition.port === undefined ? {} : { port: definition.port }),
    ...(definition.ready === undefined ? {} : { ready: definition.ready }),
  };
}

/**
 * `definition` validated by the config schema and resolved against the
 * workspace of `config` (its `[daemon]` defaults, paths and fingerprint).
 * Throws `CONFIG_INVALID` naming the field, or `USAGE` when tend.toml
 * already has a service of that name.
 */
export function adhocService(
  definition: AdhocDefinition,
  options: { config: Config },
): ServiceConfig {
  const { config } = options;
  if (config.services.some((s) => s.group === definition.name)) {
    throw alreadyInFile(definition.name, config.file);
  }
  const doc = { processes: [adhocEntry(definition)] };
  const result = configSchema.safeParse(doc, { reportInput: true });
  if (!result.success) {
    const issue = pickIssue(result.error.issues);
    const text = issue ? formatIssue(issue, doc) : undefined;
    throw new TendError(
      "CONFIG_INVALID",
      `Cannot run "${definition.name}": ${
        text?.message.replace(/^processes\[0\] \("[^"]*"\)\.?/, "") ??
          "not a valid service"
      }`,
      { hint: text?.hint, cause: result.error },
    );
  }
  const resolved = resolveConfig(result.data, {
    file: config.file,
    root: config.root,
  });
  const service = resolved.services[0]!;
  return {
    ...service,
    logMaxBytes: config.daemon.logMaxBytes,
    logBackups: config.daemon.logBackups,
    checkIntervalMs: config.daemon.checkIntervalMs,
  };
}

/** The `USAGE` error of a one-off service named like one of tend.toml. */
export function alreadyInFile(name: string, file: string): TendError {
  return new TendError(
    "USAGE",
    `Cannot run "${name}" as a one-off service: "${file}" already has a service "${name}"`,
    { hint: `Use "tend start ${name}", or choose another name` },
  );
}

/**
 * The text of `definition` as a `[[processes]]` block (or `[[services]]`
 * when the file uses that alias), to append to tend.toml as it is.
 */
export function adhocBlock(
  definition: AdhocDefinition,
  options: { key: "processes" | "services" },
): string {
  const { ready, ...rest } = adhocEntry(definition);
  const lines = [`[[${options.key}]]`, ...stringify(rest).trim().split("\n")];
  if (ready !== undefined) {
    const fields = Object.entries(ready as Record<string, unknown>)
      .map(([kind, value]) => `${kind} = ${tomlValue(value)}`);
    lines.push(`ready = { ${fields.join(", ")} }`);
  }
  return lines.join("\n") + "\n";
}

/** One value in TOML syntax. */
function tomlValue(value: unknown): string {
  return stringify({ v: value }).trim().slice("v = ".length);
}
