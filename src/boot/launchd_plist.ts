import { type BootSpec, tendArgv } from "./boot_spec.ts";

/** Seconds launchd waits before starting tend again after it exits. */
const THROTTLE_SEC = 2;

/** The launchd label of a workspace: `dev.tend.<unit name>`. */
export function launchdLabel(spec: Pick<BootSpec, "name">): string {
  return `dev.tend.${spec.name}`;
}

/**
 * The launchd agent (or daemon, with `system`) that runs `tend up` for a
 * workspace at login (boot): launchd restarts it when it exits with a
 * failure (`KeepAlive` / `SuccessfulExit = false`), and stops it with
 * SIGTERM, on which a foreground tend stops its services in order.
 *
 * @example
 * ```ts
 * launchdPlist({
 *   name: "tend-shop-1a2b3c4d", root: "/Users/me/shop",
 *   tend: ["/usr/local/bin/tend"], configFile: undefined,
 *   logFile: "/Users/me/shop/.tend/log/tend.log", stopTimeoutSec: 90,
 *   system: false, user: undefined,
 * }).includes("<string>dev.tend.tend-shop-1a2b3c4d</string>"); // true
 * ```
 */
export function launchdPlist(spec: BootSpec): string {
  const args = tendArgv(spec, ["up", "--quiet"])
    .map((arg) => `    <string>${xml(arg)}</string>`).join("\n");
  const user = spec.system && spec.user !== undefined
    ? `  <key>UserName</key>\n  <string>${xml(spec.user)}</string>\n`
    : "";
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by "tend service install" for ${xmlComment(spec.root)}. -->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${xml(launchdLabel(spec))}</string>
${user}  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>WorkingDirectory</key>
  <string>${xml(spec.root)}</string>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ThrottleInterval</key>
  <integer>${THROTTLE_SEC}</integer>
  <key>ExitTimeOut</key>
  <integer>${spec.stopTimeoutSec}</integer>
  <key>StandardOutPath</key>
  <string>${xml(spec.logFile)}</string>
  <key>StandardErrorPath</key>
  <string>${xml(spec.logFile)}</string>
</dict>
</plist>
`;
}

/** Escapes text for an XML element. */
export function xml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    // XML 1.0 has no control characters but tab and newlines.
    // deno-lint-ignore no-control-regex
    .replace(/[\0-\x08\x0b\x0c\x0e-\x1f]/g, "");
}

function xmlComment(text: string): string {
  return xml(text).replaceAll("--", "- -");
}
