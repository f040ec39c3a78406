import {
  type BootSpec,
  bootUnitName,
  stopTimeoutSec,
} from "../boot/boot_spec.ts";
import {
  type BootReport,
  bootStatus,
  type BootTarget,
  installBoot,
  uninstallBoot,
} from "../boot/install.ts";
import {
  defaultUnitDir,
  type ManagerKind,
  managerOfOs,
  runTool,
} from "../boot/service_manager.ts";
import { resolve } from "../_path.ts";
import { TendError } from "../errors.ts";
import { loadWorkspaceConfig } from "../client/config.ts";
import { tendExecArgv } from "./_tend_exec.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

const VERBS = ["install", "uninstall", "status"] as const;
type Verb = (typeof VERBS)[number];

/** `tend service install|uninstall|status [--system] [--unit-dir DIR]` */
export async function run(
  ctx: Context,
  args: ArgsOf<"service">,
): Promise<number> {
  const verb = parseVerb(args.positionals);
  const ws = await resolveWorkspace(ctx);
  const target = await bootTarget(ctx, {
    ws,
    args,
    strict: verb === "install",
  });
  const report = verb === "install"
    ? await installBoot(target, runTool)
    : verb === "uninstall"
    ? await uninstallBoot(target, runTool)
    : await bootStatus(target, runTool);
  show(ctx, report);
  return verb === "status" && report.state === "absent" ? 3 : 0;
}

function parseVerb(positionals: readonly string[]): Verb {
  const [verb, ...rest] = positionals;
  if (verb === undefined || !(VERBS as readonly string[]).includes(verb)) {
    throw new TendError(
      "USAGE",
      `Cannot run "tend service": expected install, uninstall or status${
        verb === undefined ? "" : `, got "${verb}"`
      }`,
      { hint: 'See "tend service --help"' },
    );
  }
  if (rest.length > 0) {
    throw new TendError(
      "USAGE",
      `Cannot run "tend service ${verb}": unexpected argument "${rest[0]}"`,
    );
  }
  return verb as Verb;
}

async function bootTarget(
  ctx: Context,
  options: { ws: Workspace; args: ArgsOf<"service">; strict: boolean },
): Promise<BootTarget> {
  const { ws, args } = options;
  const system = args.values.system === true;
  const kind = managerOf(args.values.manager);
  const unitDir = args.values["unit-dir"];
  // install needs a valid config; uninstall and status must work without one.
  const config = await loadWorkspaceConfig(ws).catch((error) => {
    if (options.strict) throw error;
    return null;
  });
  const spec: BootSpec = {
    name: await bootUnitName(ws.root),
    root: ws.root,
    tend: tendExecArgv(),
    configFile: ctx.globals.config === undefined ? undefined : ws.configFile,
    logFile: config?.daemon.logFile ?? ws.paths.supervisorLog,
    stopTimeoutSec: stopTimeoutSec(
      config?.services.map((s) => s.stopTimeoutMs) ?? [],
    ),
    system,
    user: Deno.uid() === 0
      ? undefined
      : Deno.env.get("USER") ?? Deno.env.get("LOGNAME"),
  };
  const dir = typeof unitDir === "string"
    ? resolve(ctx.cwd, unitDir)
    : defaultUnitDir(kind, { system, env: (name) => Deno.env.get(name) });
  return { kind, spec, dir, manage: typeof unitDir !== "string" };
}

function managerOf(value: unknown): ManagerKind {
  if (value === undefined) return managerOfOs(Deno.build.os);
  if (value === "systemd" || value === "launchd") return value;
  throw new TendError(
    "USAGE",
    `Cannot use --manager "${String(value)}": expected systemd or launchd`,
  );
}

function show(ctx: Context, report: BootReport): void {
  if (ctx.globals.json) return ctx.out.json(report);
  const what: Record<string, string> = {
    created: `wrote ${report.file}`,
    updated: `updated ${report.file}`,
    unchanged: `${report.file} is up to date`,
    removed: `removed ${report.file}`,
    absent: `no boot unit at ${report.file}`,
    installed: `installed: ${report.file}`,
    outdated:
      `outdated: ${report.file} differs from what "tend service install" writes now`,
  };
  ctx.out.data(what[report.state] ?? `${report.state}: ${report.file}`);
  for (const note of report.notes) ctx.out.note(note);
}
