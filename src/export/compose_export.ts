import type { ReadyCheck, ServiceConfig } from "../config/schema.ts";
import { TendError } from "../errors.ts";
import { parseTarget } from "../supervisor/ready.ts";
import {
  commonWarnings,
  durationText,
  type ExportConfig,
  exportEnv,
  type ExportResult,
  fillPort,
} from "./export_types.ts";
import { toYaml, type YamlValue } from "./yaml.ts";

/** The file `tend export compose --out DIR` writes. */
export const COMPOSE_FILE = "docker-compose.yml";

/** How often Compose runs a healthcheck made from a ready check. */
const HEALTH_INTERVAL = "1s";
/** How long one healthcheck may take. */
const HEALTH_TIMEOUT = "5s";

/** The profile of services tend does not autostart: `docker-compose up` skips them. */
export const MANUAL_PROFILE = "manual";

/** Options of {@linkcode exportCompose}. */
export interface ComposeExportOptions {
  /** The image of services that name none (`--image`). */
  image: string | undefined;
}

/**
 * A Compose file running the same services in containers: each runs its
 * `command` in its `image` (or `--image`) with the workspace mounted at the
 * same path and its working directory set, its env and port, a healthcheck
 * made from its ready check, `depends_on` waiting for `service_healthy`, its
 * restart policy, stop signal and grace period. What Compose cannot do the
 * same way is listed in `warnings`. Every `$` is doubled: Compose would
 * otherwise substitute variables.
 *
 * @example
 * ```ts
 * const { files } = exportCompose({ root: "/w", services: [] }, { image: undefined });
 * files[0]?.text; // "services: {}\n"
 * ```
 */
export function exportCompose(
  config: ExportConfig,
  options: ComposeExportOptions,
): ExportResult {
  const missing = config.services.filter((s) =>
    s.image === null && options.image === undefined
  );
  if (missing.length > 0) {
    throw new TendError(
      "USAGE",
      `Cannot export to Compose: ${
        missing.map((s) => `"${s.name}"`).join(", ")
      } name${missing.length === 1 ? "s" : ""} no image`,
      {
        hint:
          'Add image = "..." to the service in tend.toml, or pass --image IMAGE',
      },
    );
  }
  const byName = new Map(config.services.map((s) => [s.name, s]));
  const warnings: string[] = [];
  const services: Record<string, YamlValue> = {};
  for (const service of config.services) {
    warnings.push(...commonWarnings(service), ...composeWarnings(service));
    services[service.name] = composeService(service, {
      config,
      byName,
      image: service.image ?? options.image!,
    });
  }
  if (config.services.length > 0) {
    warnings.push(
      "log files (log_file, rotation) are not carried over: output goes to Docker's log driver (docker-compose logs)",
    );
  }
  return {
    files: [{ name: COMPOSE_FILE, text: toYaml({ services }) }],
    warnings,
  };
}

interface ServiceContext {
  config: ExportConfig;
  byName: ReadonlyMap<string, ServiceConfig>;
  image: string;
}

function composeService(
  service: ServiceConfig,
  context: ServiceContext,
): YamlValue {
  const root = context.config.root;
  const env = Object.fromEntries(
    Object.entries(exportEnv(service)).map(([k, v]) => [k, dollars(v)]),
  );
  const argv = [
    service.command,
    ...service.args.map((a) => fillPort(a, service)),
  ];
  return {
    image: dollars(context.image),
    command: argv.map(dollars),
    "working_dir": dollars(service.cwd),
    volumes: [dollars(`${root}:${root}`)],
    environment: Object.keys(env).length > 0 ? env : undefined,
    ports: service.port === null
      ? undefined
      : [`${service.port}:${service.port}`],
    healthcheck: healthcheck(service),
    "depends_on": dependsOn(service, context.byName),
    restart: RESTART[service.restart],
    "stop_signal": service.stopSignal,
    "stop_grace_period": durationText(service.stopTimeoutMs),
    profiles: service.autostart ? undefined : [MANUAL_PROFILE],
  };
}

const RESTART = {
  always: "always",
  "on-failure": "on-failure",
  never: "no",
} as const;

function dependsOn(
  service: ServiceConfig,
  byName: ReadonlyMap<string, ServiceConfig>,
): YamlValue | undefined {
  if (service.dependsOn.length === 0) return undefined;
  return Object.fromEntries(service.dependsOn.map((name) => {
    const dep = byName.get(name);
    const healthy = dep !== undefined && healthTest(dep) !== null;
    return [name, {
      condition: healthy ? "service_healthy" : "service_started",
    }];
  }));
}

function healthcheck(service: ServiceConfig): YamlValue | undefined {
  const test = healthTest(service);
  if (test === null) return undefined;
  return {
    test: ["CMD-SHELL", dollars(test)],
    interval: HEALTH_INTERVAL,
    timeout: HEALTH_TIMEOUT,
    retries: 3,
    "start_period": durationText(service.readyTimeoutMs),
  };
}

/** The shell command that tells a ready check's answer inside the container. */
export function healthTest(
  service: Pick<ServiceConfig, "ready" | "port">,
): string | null {
  const ready: ReadyCheck | null = service.ready;
  if (ready === null) return null;
  const fill = (text: string) =>
    service.port === null
      ? text
      : text.replaceAll("{port}", String(service.port));
  switch (ready.kind) {
    case "tcp": {
      const { hostname, port } = parseTarget(fill(ready.target));
      return `nc -z ${shellWord(hostname)} ${port}`;
    }
    case "http": {
      const url = shellWord(fill(ready.url));
      return `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url}`;
    }
    case "command":
      return fill(ready.command);
    case "log":
      return null;
  }
}

function composeWarnings(service: ServiceConfig): string[] {
  const name = `"${service.name}"`;
  const out: string[] = [];
  const ready = service.ready;
  if (ready?.kind === "log") {
    out.push(
      `${name}: ready = { log = ... } has no Compose equivalent: no healthcheck, dependents wait only for the start`,
    );
  } else if (ready?.kind === "tcp" || ready?.kind === "http") {
    out.push(
      `${name}: the healthcheck runs ${
        ready.kind === "tcp" ? "nc" : "curl or wget"
      } inside the container: the image must have it`,
    );
  }
  if (service.restart !== "never") {
    out.push(
      `${name}: max_restarts, restart_window and the restart backoff are not carried over: Docker restarts with its own delays`,
    );
  }
  if (service.successExitCodes.some((code) => code !== 0)) {
    out.push(
      `${name}: success_exit_codes is not carried over: Docker counts only exit 0 as success`,
    );
  }
  return out;
}

/** Compose substitutes `$VAR` everywhere; `$$` is a literal `$`. */
function dollars(text: string): string {
  return text.replaceAll("$", () => "$$");
}

/** A word for `sh -c`: single-quoted unless plain. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text)
    ? text
    : `'${text.replaceAll("'", `'\\''`)}'`;
}
