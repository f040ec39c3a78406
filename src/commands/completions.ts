import { lazyImport } from "../_lazy.ts";
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
  const { INFO } = await lazyImport<typeof import("./_info.ts")>(
    new URL("./_info.ts", import.meta.url),
  );
  const commands = new Map(
    Object.entries(INFO).map(([name, info]) => [name, { name, ...info }]),
  );
  const { completionModel } = await lazyImport<
    typeof import("../completions/model.ts")
  >(new URL("../completions/model.ts", import.meta.url));
  const model = completionModel(commands, GLOBAL_OPTIONS);
  if (shell === "bash") {
    const { bashCompletion } = await lazyImport<
      typeof import("../completions/bash.ts")
    >(new URL("../completions/bash.ts", import.meta.url));
    ctx.out.data(bashCompletion(model));
  } else if (shell === "zsh") {
    const { zshCompletion } = await lazyImport<
      typeof import("../completions/zsh.ts")
    >(new URL("../completions/zsh.ts", import.meta.url));
    ctx.out.data(zshCompletion(model));
  } else {
    const { fishCompletion } = await lazyImport<
      typeof import("../completions/fish.ts")
    >(new URL("../completions/fish.ts", import.meta.url));
    ctx.out.data(fishCompletion(model));
  }
  return 0;
}
