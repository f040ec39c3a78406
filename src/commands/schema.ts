import type { Context, ParsedArgs } from "./command.ts";

/** `tend schema`: the JSON Schema of tend.toml on stdout. */
export async function run(ctx: Context, _args: ParsedArgs): Promise<number> {
  const { configJsonSchema } = await import("../config/json_schema.ts");
  ctx.out.json(configJsonSchema());
  return 0;
}
