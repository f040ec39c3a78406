import { dirname, join, resolve } from "../_path.ts";
import {
  configJsonSchema,
  WORKSPACE_SCHEMA_PATH,
} from "../config/json_schema.ts";
import { findWorkspace } from "../config/workspace.ts";
import { workspacePaths } from "../config/paths.ts";
import { TendError } from "../errors.ts";
import { writeGitignore } from "../workspace/gitignore.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

const TEMPLATE = `#:schema ./${WORKSPACE_SCHEMA_PATH}
# tend.toml: the services of this workspace. Reference: tend's README.
# The line above points TOML editors (Taplo, Even Better TOML) at the schema
# tend wrote beside it; refresh it with: tend schema > ${WORKSPACE_SCHEMA_PATH}

[daemon]
check_interval = 3            # seconds between liveness checks of adopted services

[[processes]]
name = "web"
command = "python3"
args = ["-m", "http.server", "--bind", "127.0.0.1", "{port}"]   # {port}: the port tend granted
port = 8642                   # wanted port
port_strategy = "next"        # take the next free port when it is taken
ready = { tcp = "{port}" }    # ready once the port accepts connections
restart = "on-failure"        # "always" | "on-failure" | "never"
stop_timeout = "10s"          # SIGTERM, then SIGKILL after this long
`;

/** `tend init` */
export async function run(
  ctx: Context,
  _args: ArgsOf<"init">,
): Promise<number> {
  const dir = ctx.globals.workspace
    ? resolve(ctx.cwd, ctx.globals.workspace)
    : ctx.cwd;
  const file = join(dir, "tend.toml");
  try {
    await Deno.writeTextFile(file, TEMPLATE, { createNew: true });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) {
      throw new TendError(
        "USAGE",
        `Cannot write "${file}": it already exists`,
      );
    }
    if (
      error instanceof Deno.errors.NotFound ||
      error instanceof Deno.errors.NotADirectory
    ) {
      throw new TendError(
        "CONFIG_INVALID",
        `Cannot write "${file}": "${dir}" is not an existing directory`,
        { hint: "Create the directory first, or pass -C an existing one" },
      );
    }
    throw new TendError(
      "PERMISSION_DENIED",
      `Cannot write "${file}": ${error}`,
      { cause: error },
    );
  }
  ctx.out.note(`wrote ${file}`);
  const schema = join(dir, WORKSPACE_SCHEMA_PATH);
  try {
    await Deno.mkdir(join(dir, ".tend"), { recursive: true });
    await Deno.writeTextFile(
      schema,
      JSON.stringify(configJsonSchema(), null, 2) + "\n",
    );
    ctx.out.note(`wrote ${schema} (for the #:schema line of tend.toml)`);
  } catch (error) {
    ctx.out.warn(`cannot write ${schema}: ${error}`);
  }
  await writeGitignore(workspacePaths(dir)).catch((error) =>
    ctx.out.warn(`cannot write "${dir}/.tend/.gitignore": ${error}`)
  );
  await warnNested(ctx, dir);
  const daemonToml = join(dir, "daemon.toml");
  if (await Deno.lstat(daemonToml).then(() => true, () => false)) {
    ctx.out.warn(
      `"${daemonToml}" is here too: tend uses "${file}" and ignores it`,
    );
  }
  return 0;
}

/** Warns when `dir` lies inside another workspace, which it now hides. */
async function warnNested(ctx: Context, dir: string): Promise<void> {
  if (dirname(dir) === dir) return;
  const outer = await findWorkspace({ cwd: dirname(dir) }).catch(() => null);
  if (outer === null) return;
  ctx.out.warn(
    `"${dir}" is inside the workspace "${outer.root}": tend commands run here now use the new tend.toml, not "${outer.configFile}"`,
  );
}
