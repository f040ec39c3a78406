import { TendError } from "../errors.ts";
import { GLOBAL_OPTIONS } from "./command.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

const SHELLS = ["bash", "zsh", "fish"] as const;

/** `tend completions bash|zsh|fish` */
export async function run(
  ctx: Context,
  args: ArgsOf<"completions">,
): Promise<number> {
  const [shell, ...rest] = args.positionals;
  if (!(SHELLS as readonly string[]).includes(shell ?? "") || rest.length) {
    throw new TendError(
      "USAGE",
      `Cannot run "tend completions": expected bash, zsh or fish${
        shell === undefined ? "" : `, got "${[shell, ...rest].join(" ")}"`
      }`,
    );
  }
  const { INFO } = await import("./_info.ts");
  const commands = new Map(
    Object.entries(INFO).map(([name, info]) => [name, { name, ...info }]),
  );
  const { completionModel } = await import("../completions/model.ts");
  const model = completionModel(commands, GLOBAL_OPTIONS);
  if (shell === "bash") {
    const { bashCompletion } = await import("../completions/bash.ts");
    ctx.out.data(bashCompletion(model));
  } else if (shell === "zsh") {
    const { zshCompletion } = await import("../completions/zsh.ts");
    ctx.out.data(zshCompletion(model));
  } else {
    const { fishCompletion } = await import("../completions/fish.ts");
    ctx.out.data(fishCompletion(model));
  }
  return 0;
}
