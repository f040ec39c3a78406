import { join } from "../_path.ts";
import { messageOf, TendError } from "../errors.ts";
import type { BootSpec } from "./boot_spec.ts";
import { launchdLabel, launchdPlist } from "./launchd_plist.ts";
import type { ManagerKind, ToolRunner } from "./service_manager.ts";
import { systemdBootUnit } from "./systemd_unit.ts";

/** A boot unit ready to be written: where and what. */
export interface BootTarget {
  kind: ManagerKind;
  spec: BootSpec;
  /** The directory the unit goes to. */
  dir: string;
  /** Tell the service manager (enable / disable); off with --unit-dir. */
  manage: boolean;
}

/** What `install`, `uninstall` and `status` report. */
export interface BootReport {
  unit: string;
  file: string;
  manager: ManagerKind;
  /** created, updated, unchanged, removed, absent, installed, outdated. */
  state: string;
  /** What the service manager said or why it was not asked. */
  notes: string[];
}

/** The unit's file name: `<name>.service` or `dev.tend.<name>.plist`. */
export function unitFileName(
  target: Pick<BootTarget, "kind" | "spec">,
): string {
  return target.kind === "systemd"
    ? `${target.spec.name}.service`
    : `${launchdLabel(target.spec)}.plist`;
}

/** The unit's text. */
export function unitText(target: Pick<BootTarget, "kind" | "spec">): string {
  return target.kind === "systemd"
    ? systemdBootUnit(target.spec)
    : launchdPlist(target.spec);
}

/** Writes the unit (only when it changed) and enables it where possible. */
export async function installBoot(
  target: BootTarget,
  run: ToolRunner,
): Promise<BootReport> {
  const file = join(target.dir, unitFileName(target));
  const text = unitText(target);
  const before = await readText(file);
  if (before !== text) {
    await Deno.mkdir(target.dir, { recursive: true }).catch((error) => {
      throw writeError(file, error);
    });
    const temp = `${file}.tmp-${Deno.pid}`;
    try {
      await Deno.writeTextFile(temp, text, { mode: 0o644 });
      await Deno.rename(temp, file);
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      throw writeError(file, error);
    }
  }
  const state = before === null
    ? "created"
    : before === text
    ? "unchanged"
    : "updated";
  const notes = await enable(target, { file, run });
  return {
    unit: unitFileName(target),
    file,
    manager: target.kind,
    state,
    notes,
  };
}

/** Disables and removes the unit; absent is not an error. */
export async function uninstallBoot(
  target: BootTarget,
  run: ToolRunner,
): Promise<BootReport> {
  const file = join(target.dir, unitFileName(target));
  const present = await readText(file) !== null;
  const notes = present ? await disable(target, { file, run }) : [];
  if (present) {
    await Deno.remove(file).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) {
        throw writeError(file, error);
      }
    });
    if (target.manage && target.kind === "systemd") {
      await systemctl(target, run, ["daemon-reload"]);
    }
  }
  return {
    unit: unitFileName(target),
    file,
    manager: target.kind,
    state: present ? "removed" : "absent",
    notes,
  };
}

/** Whether the unit is written, current, and what the manager says of it. */
export async function bootStatus(
  target: BootTarget,
  run: ToolRunner,
): Promise<BootReport> {
  const file = join(target.dir, unitFileName(target));
  const text = await readText(file);
  const state = text === null
    ? "absent"
    : text === unitText(target)
    ? "installed"
    : "outdated";
  const notes: string[] = [];
  if (text !== null && target.manage && target.kind === "systemd") {
    for (const verb of ["is-enabled", "is-active"]) {
      const result = await systemctlOutput(target, run, [
        verb,
        target.spec.name,
      ]);
      notes.push(`systemctl ${verb}: ${result}`);
    }
  }
  return {
    unit: unitFileName(target),
    file,
    manager: target.kind,
    state,
    notes,
  };
}

async function enable(
  target: BootTarget,
  io: { file: string; run: ToolRunner },
): Promise<string[]> {
  if (!target.manage) {
    return [
      "not enabled: --unit-dir names a directory the service manager does not read",
    ];
  }
  if (target.kind === "launchd") {
    const result = await io.run(["launchctl", "load", "-w", io.file]);
    return [toolNote("launchctl load -w", result)];
  }
  const reload = await systemctl(target, io.run, ["daemon-reload"]);
  if (reload !== null) return [reload, manualHint(target)];
  const enabled = await systemctl(target, io.run, ["enable", target.spec.name]);
  if (enabled !== null) return [enabled];
  const scope = target.spec.system ? "" : "--user ";
  return [
    `enabled: starts at ${
      target.spec.system ? "boot" : "login"
    }; to start it now: tend down && systemctl ${scope}start ${target.spec.name}`,
  ];
}

async function disable(
  target: BootTarget,
  io: { file: string; run: ToolRunner },
): Promise<string[]> {
  if (!target.manage) return [];
  if (target.kind === "launchd") {
    return [
      toolNote(
        "launchctl unload -w",
        await io.run(["launchctl", "unload", "-w", io.file]),
      ),
    ];
  }
  const result = await systemctl(target, io.run, [
    "disable",
    "--now",
    target.spec.name,
  ]);
  return [result ?? "disabled and stopped"];
}

/** Runs `systemctl [--user] ARGS`; `null` on success, else a note saying why not. */
async function systemctl(
  target: BootTarget,
  run: ToolRunner,
  args: readonly string[],
): Promise<string | null> {
  const scope = target.spec.system ? [] : ["--user"];
  const argv = ["systemctl", ...scope, ...args];
  const result = await run(argv);
  if (result.kind === "ran" && result.code === 0) return null;
  return toolNote(argv.join(" "), result);
}

async function systemctlOutput(
  target: BootTarget,
  run: ToolRunner,
  args: readonly string[],
): Promise<string> {
  const scope = target.spec.system ? [] : ["--user"];
  const argv = ["systemctl", ...scope, ...args];
  const result = await run(argv);
  if (result.kind === "ran" && result.stdout !== "") {
    return result.stdout.split("\n")[0]!;
  }
  return toolNote(argv.join(" "), result);
}

function toolNote(
  what: string,
  result: Awaited<ReturnType<ToolRunner>>,
): string {
  if (result.kind === "missing") {
    return `skipped "${what}": ${what.split(" ")[0]} is not installed`;
  }
  if (result.code === 0) return `ran "${what}"`;
  const why = result.stderr.split("\n")[0] || `exit status ${result.code}`;
  return `skipped "${what}": ${why}`;
}

function manualHint(target: BootTarget): string {
  const scope = target.spec.system ? "" : "--user ";
  return `enable it where systemd runs: systemctl ${scope}daemon-reload && systemctl ${scope}enable ${target.spec.name}`;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw writeError(file, error);
  }
}

function writeError(file: string, error: unknown): TendError {
  const code = error instanceof Deno.errors.PermissionDenied
    ? "PERMISSION_DENIED"
    : "START_FAILED";
  return new TendError(
    code,
    `Cannot write "${file}": ${messageOf(error)}`,
    {
      hint: code === "PERMISSION_DENIED"
        ? "A --system unit needs root (sudo)"
        : undefined,
      cause: error,
    },
  );
}
