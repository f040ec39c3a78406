/** Seconds systemd waits for `tend down` beyond the services' own stop timeouts. */
export const STOP_MARGIN_SEC = 30;

/** The least `TimeoutStopSec=` tend writes. */
export const MIN_STOP_TIMEOUT_SEC = 90;

/** Seconds between a crash of `tend up` and its restart. */
export const RESTART_SEC = 2;

/** Everything a boot unit or agent says about one workspace. */
export interface BootSpec {
  /** The unit's base name, `tend-<dir>-<hash>` (no `.service`). */
  name: string;
  /** The workspace (absolute). */
  root: string;
  /** How to run tend: the executable, then its leading arguments. */
  tend: readonly string[];
  /** `-c FILE` when the config is not found by walking up. */
  configFile: string | undefined;
  /** tend's own log, where `tend logs` and people look. */
  logFile: string;
  /** Seconds the service manager waits for `tend down`. */
  stopTimeoutSec: number;
  /** A system unit: runs as `user` at boot, not at login. */
  system: boolean;
  /** The account a system unit runs as; none when root installs it. */
  user: string | undefined;
}

/** The argv of `tend ARGS` for this workspace. */
export function tendArgv(spec: BootSpec, args: readonly string[]): string[] {
  const config = spec.configFile === undefined ? [] : ["-c", spec.configFile];
  return [...spec.tend, "-C", spec.root, ...config, ...args];
}

/**
 * How long the service manager lets `tend down` run: every service's
 * stop_timeout in turn (the worst case of the stop order) plus a margin,
 * never less than {@linkcode MIN_STOP_TIMEOUT_SEC}.
 *
 * @example
 * ```ts
 * stopTimeoutSec([10_000, 10_000]); // 90
 * stopTimeoutSec([120_000]); // 150
 * ```
 */
export function stopTimeoutSec(stopTimeoutsMs: readonly number[]): number {
  const total = stopTimeoutsMs.reduce((sum, ms) => sum + ms, 0);
  return Math.max(
    MIN_STOP_TIMEOUT_SEC,
    Math.ceil(total / 1_000) + STOP_MARGIN_SEC,
  );
}

/**
 * The unit name of a workspace: `tend-<dir name>-<8 hex of its path>`, so two
 * workspaces named alike never share a unit.
 *
 * @example
 * ```ts
 * await bootUnitName("/home/me/shop"); // "tend-shop-1a2b3c4d"
 * ```
 */
export async function bootUnitName(root: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(root),
  );
  const hash = [...new Uint8Array(digest).slice(0, 4)]
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
  const base = root.split("/").filter(Boolean).at(-1) ?? "root";
  const slug = base.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 40) || "ws";
  return `tend-${slug}-${hash}`;
}
