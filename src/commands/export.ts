import { basename, join, resolve } from "../_path.ts";
import { messageOf, TendError } from "../errors.ts";
import { exportCompose } from "../export/compose_export.ts";
import type { ExportResult } from "../export/export_types.ts";
import { exportSystemd } from "../export/systemd_export.ts";
import { loadWorkspaceConfig } from "../client/config.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

const TARGETS = ["systemd", "compose"] as const;
type Target = (typeof TARGETS)[number];

/** `tend export systemd|compose [--out DIR] [--image IMG] [--prefix NAME]` */
export async function run(
  ctx: Context,
  args: ArgsOf<"export">,
): Promise<number> {
  const target = parseTarget(args.positionals);
  const ws = await resolveWorkspace(ctx);
  const config = await loadWorkspaceConfig(ws);
  const { values } = args;
  const result: ExportResult = target === "systemd"
    ? exportSystemd(config, {
      prefix: stringOption(values.prefix) ?? defaultPrefix(config.root),
      resolveCommand: onPath,
    })
    : exportCompose(config, { image: stringOption(values.image) });
  for (const warning of result.warnings) ctx.out.warn(warning);
  const out = stringOption(values.out);
  if (out === undefined) {
    if (ctx.globals.json) ctx.out.json(result);
    else ctx.out.data(result.files.map((f) => f.text).join("\n"));
    return 0;
  }
  const dir = resolve(ctx.cwd, out);
  const written = await writeFiles(dir, result);
  if (ctx.globals.json) ctx.out.json({ written, warnings: result.warnings });
  for (const file of written) ctx.out.note(`wrote ${file}`);
  return 0;
}

function parseTarget(positionals: readonly string[]): Target {
  const [target, ...rest] = positionals;
  if (target === "systemd" || target === "compose") {
    if (rest.length === 0) return target;
    throw new TendError(
      "USAGE",
      `Cannot run "tend export ${target}": unexpected argument "${rest[0]}"`,
    );
  }
  throw new TendError(
    "USAGE",
    `Cannot run "tend export": expected systemd or compose${
      target === undefined ? "" : `, got "${target}"`
    }`,
    { hint: 'See "tend export --help"' },
  );
}

function stringOption(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** `tend-<workspace directory>`, safe in a unit name. */
function defaultPrefix(root: string): string {
  const slug = basename(root).replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 40);
  return `tend-${slug || "ws"}`;
}

/** The absolute path of a bare command name on PATH, as tend's spawn finds it. */
function onPath(command: string): string | undefined {
  if (command.includes("/")) return undefined;
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = join(dir, command);
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && (info.mode ?? 0o111) & 0o111) return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

async function writeFiles(
  dir: string,
  result: ExportResult,
): Promise<string[]> {
  const written: string[] = [];
  try {
    await Deno.mkdir(dir, { recursive: true });
    for (const file of result.files) {
      const path = join(dir, file.name);
      await Deno.writeTextFile(path, file.text);
      written.push(path);
    }
  } catch (error) {
    throw new TendError(
      "PERMISSION_DENIED",
      `Cannot write the export to "${dir}": ${messageOf(error)}`,
      { cause: error },
    );
  }
  return written;
}
