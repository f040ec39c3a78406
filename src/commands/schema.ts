import { lazyImport } from "../_lazy.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend schema`: the JSON Schema of tend.toml on stdout. */
export async function run(
  ctx: Context,
  _args: ArgsOf<"schema">,
): Promise<number> {
  const { configJsonSchema } = await lazyImport<
    typeof import("../config/json_schema.ts")
  >(new URL("../config/json_schema.ts", import.meta.url));
  ctx.out.json(configJsonSchema());
  return 0;
}
