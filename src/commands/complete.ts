import { loadWorkspaceConfig } from "../client/config.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/**
 * `tend __complete services`: this workspace's service names (groups and
 * instances), one per line, for shell completion. Prints nothing, exit 0,
 * when there is no workspace or its config is invalid: a completion never
 * shows an error.
 */
export async function run(
  ctx: Context,
  args: ArgsOf<"__complete">,
): Promise<number> {
  if (args.positionals[0] !== "services") return 0;
  try {
    const config = await loadWorkspaceConfig(await resolveWorkspace(ctx));
    const names = new Set(
      config.services.flatMap((s) =>
        s.name === s.group ? [s.name] : [s.group, s.name]
      ),
    );
    if (names.size > 0) ctx.out.data([...names].join("\n"));
  } catch {
    // No workspace or a bad config: nothing to complete.
  }
  return 0;
}
