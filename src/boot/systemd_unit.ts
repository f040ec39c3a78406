import {
  environmentValue,
  execLine,
  pathValue,
  renderUnit,
  textValue,
} from "../export/systemd_syntax.ts";
import { type BootSpec, RESTART_SEC, tendArgv } from "./boot_spec.ts";

/**
 * The systemd unit that runs `tend up` in the foreground for a workspace:
 * systemd supervises tend, restarts it when it dies (`Restart=on-failure`),
 * and on stop runs `tend down`, which stops the services in tend's own order
 * with their own timeouts. tend logs to its own file (`--quiet` keeps the
 * journal free of a second copy).
 *
 * @example
 * ```ts
 * systemdBootUnit({
 *   name: "tend-shop-1a2b3c4d", root: "/home/me/shop",
 *   tend: ["/usr/local/bin/tend"], configFile: undefined,
 *   logFile: "/home/me/shop/.tend/log/tend.log", stopTimeoutSec: 90,
 *   system: false, user: undefined,
 * }).includes("ExecStop=/usr/local/bin/tend -C /home/me/shop down"); // true
 * ```
 */
export function systemdBootUnit(spec: BootSpec): string {
  return renderUnit([
    ["Unit", [
      ["Description", textValue(`tend: the services of ${spec.root}`)],
      ["After", spec.system ? "network-online.target" : undefined],
      ["Wants", spec.system ? "network-online.target" : undefined],
    ]],
    ["Service", [
      ["Type", "simple"],
      ["User", spec.system ? spec.user : undefined],
      ["WorkingDirectory", pathValue(spec.root)],
      ["Environment", environmentValue("TEND_BOOT_UNIT", spec.name)],
      ["ExecStart", execLine(tendArgv(spec, ["up", "--quiet"]))],
      ["ExecStop", execLine(tendArgv(spec, ["down", "--quiet"]))],
      ["Restart", "on-failure"],
      ["RestartSec", `${RESTART_SEC}s`],
      ["TimeoutStopSec", `${spec.stopTimeoutSec}s`],
      ["KillMode", "mixed"],
    ]],
    ["Install", [
      ["WantedBy", spec.system ? "multi-user.target" : "default.target"],
    ]],
  ], {
    header:
      `# Written by "tend service install" for ${spec.root}; tend's log: ${spec.logFile}\n# Remove with "tend service uninstall".`,
  });
}
