import type { ServiceConfig } from "../config/schema.ts";
import {
  commonWarnings,
  durationText,
  type ExportConfig,
  exportEnv,
  type ExportResult,
  fillPort,
} from "./export_types.ts";
import {
  environmentValue,
  execLine,
  pathValue,
  renderUnit,
  textValue,
} from "./systemd_syntax.ts";

/** Options of {@linkcode exportSystemd}. */
export interface SystemdExportOptions {
  /** Unit names are `<prefix>-<service>.service`. */
  prefix: string;
  /** Turns a command name into an absolute path (PATH lookup); `undefined` keeps it. */
  resolveCommand?: (command: string) => string | undefined;
}

/**
 * One systemd unit per service, carrying tend's restart policy
 * (`Restart=`, `RestartSec=`, `max_restarts` within `restart_window` as
 * `StartLimitBurst=`/`StartLimitIntervalSec=`), its stop (`KillSignal=`,
 * `TimeoutStopSec=`, `KillMode=control-group`), `depends_on` (`Requires=` +
 * `After=`), env, working directory and log file. What systemd cannot do the
 * same way is listed in `warnings`.
 *
 * @example
 * ```ts
 * const { files } = exportSystemd(
 *   { root: "/w", services: [] },
 *   { prefix: "tend-w" },
 * );
 * files.length; // 0
 * ```
 */
export function exportSystemd(
  config: ExportConfig,
  options: SystemdExportOptions,
): ExportResult {
  const unitOf = (name: string) => `${options.prefix}-${name}.service`;
  const warnings: string[] = [];
  const files = config.services.map((service) => {
    warnings.push(...commonWarnings(service), ...systemdWarnings(service));
    return {
      name: unitOf(service.name),
      text: serviceUnit(service, { ...options, config, unitOf }),
    };
  });
  if (config.services.length > 0) {
    warnings.push(
      "log rotation (log_max_size, log_backups) is not carried over: rotate the StandardOutput= files with logrotate",
    );
  }
  return { files, warnings };
}

interface UnitContext extends SystemdExportOptions {
  config: ExportConfig;
  unitOf: (name: string) => string;
}

function serviceUnit(service: ServiceConfig, context: UnitContext): string {
  const deps = service.dependsOn.map(context.unitOf).join(" ") || undefined;
  const command = context.resolveCommand?.(service.command) ?? service.command;
  const argv = [command, ...service.args.map((arg) => fillPort(arg, service))];
  const env = Object.entries(exportEnv(service)).map(([key, value]) =>
    ["Environment", environmentValue(key, value)] as const
  );
  const log = `append:${pathValue(service.logFile)}`;
  return renderUnit([
    ["Unit", [
      [
        "Description",
        textValue(`"${service.name}" of ${context.config.root} (tend export)`),
      ],
      ["Requires", deps],
      ["After", deps],
      ["StartLimitIntervalSec", durationText(service.restartWindowMs)],
      ["StartLimitBurst", String(service.maxRestarts + 1)],
    ]],
    ["Service", [
      ["Type", "exec"],
      ["WorkingDirectory", pathValue(service.cwd)],
      ...env,
      ["ExecStart", execLine(argv)],
      ["Restart", RESTART[service.restart]],
      ["RestartSec", durationText(service.restartDelayMs)],
      ["SuccessExitStatus", successCodes(service)],
      ["KillMode", "control-group"],
      ["KillSignal", service.stopSignal],
      ["TimeoutStopSec", durationText(service.stopTimeoutMs)],
      ["StandardOutput", log],
      ["StandardError", log],
    ]],
    ...(service.autostart
      ? [["Install", [["WantedBy", "default.target"]]] as const]
      : []),
  ], {
    header: `# ${
      context.unitOf(service.name)
    }: exported by "tend export systemd" from ${
      textValue(context.config.root)
    }`,
  });
}

const RESTART = {
  always: "always",
  "on-failure": "on-failure",
  never: "no",
} as const;

function successCodes(service: ServiceConfig): string | undefined {
  const extra = service.successExitCodes.filter((code) => code !== 0);
  return extra.length > 0 ? extra.join(" ") : undefined;
}

function systemdWarnings(service: ServiceConfig): string[] {
  const out: string[] = [];
  const name = `"${service.name}"`;
  if (service.ready !== null) {
    out.push(
      `${name}: ready (${service.ready.kind}) is not carried over: systemd starts dependents once the process has started`,
    );
  }
  if (
    service.restart !== "never" &&
    service.restartDelayMaxMs > service.restartDelayMs
  ) {
    out.push(
      `${name}: restart backoff (restart_delay doubling up to restart_delay_max ${
        durationText(service.restartDelayMaxMs)
      }) is not carried over: systemd waits RestartSec=${
        durationText(service.restartDelayMs)
      } every time (RestartSteps= needs systemd 254)`,
    );
  }
  if (!service.successExitCodes.includes(0)) {
    out.push(
      `${name}: success_exit_codes without 0 is not carried over: systemd always counts exit 0 as success`,
    );
  }
  return out;
}
