import { lazyImport } from "../_lazy.ts";
import type { AdhocDefinition } from "../config/adhoc.ts";
import { TendError } from "../errors.ts";
import { reportActions } from "./_report.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import { type Context, parseCount } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend run NAME [--port N] [--ready CHECK] [--save] -- COMMAND ARGS...` */
export async function run(
  ctx: Context,
  args: ArgsOf<"run">,
): Promise<number> {
  const definition = await runDefinition(args);
  const ws = await resolveWorkspace(ctx);
  const { runService } = await lazyImport<typeof import("../api/run.ts")>(
    new URL("../api/run.ts", import.meta.url),
  );
  const save = args.values.save === true;
  const result = await ctx.out.spin(
    `starting "${definition.name}"…`,
    runService(ws, { definition, save, timing: ctx.timing }),
  );
  if (result.saved !== undefined && !ctx.globals.json) {
    ctx.out.note(`added to "${ws.configFile}":\n${result.saved.trimEnd()}`);
  }
  return reportActions(ctx, result);
}

/**
 * The service `tend run` asks for, from its parsed arguments: the first
 * positional is the name, the rest (after `--`, where the parser stops
 * reading options) the command and its arguments.
 */
export async function runDefinition(
  args: Pick<ArgsOf<"run">, "values" | "positionals">,
): Promise<AdhocDefinition> {
  const [name, command, ...rest] = args.positionals;
  if (name === undefined || command === undefined) {
    throw new TendError(
      "USAGE",
      'Cannot run "tend run": expected a name and a command',
      {
        hint:
          "Usage: tend run NAME [--port N] [--ready CHECK] -- COMMAND ARGS...",
      },
    );
  }
  const port = parseCount(args.values.port, "--port");
  const ready = args.values.ready;
  const { readyFlag } = await lazyImport<typeof import("../config/adhoc.ts")>(
    new URL("../config/adhoc.ts", import.meta.url),
  );
  return {
    name,
    command,
    args: rest,
    ...(port === undefined ? {} : { port }),
    ...(ready === undefined ? {} : { ready: readyFlag(ready) }),
  };
}
