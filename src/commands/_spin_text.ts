import { lazyImport } from "../_lazy.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { Context } from "./command.ts";

/**
 * The spinner's text while `verb` (`starting`, `restarting`) runs on
 * `names`: the services and the check each waits for (`starting web:
 * waiting for http://127.0.0.1:8080/ to answer 2xx…`). The config is read
 * only when a spinner shows; a config that does not load gives the short
 * text.
 */
export async function spinText(
  ctx: Context,
  options: { ws: Workspace; verb: string; names: readonly string[] },
): Promise<string> {
  const { ws, verb, names } = options;
  const short = `${verb} ${names.length > 0 ? names.join(", ") : "services"}…`;
  if (!ctx.out.spins) return short;
  try {
    const { loadWorkspaceConfig } = await lazyImport<
      typeof import("../client/config.ts")
    >(new URL("../client/config.ts", import.meta.url));
    const { expandNames } = await lazyImport<
      typeof import("../config/services.ts")
    >(new URL("../config/services.ts", import.meta.url));
    const { describeReady } = await lazyImport<
      typeof import("../config/ready_words.ts")
    >(new URL("../config/ready_words.ts", import.meta.url));
    const config = await loadWorkspaceConfig(ws);
    const named = new Set(expandNames(config, names));
    const selected = config.services.filter((s) =>
      names.length === 0 ? s.autostart : named.has(s.name)
    );
    const waits = selected.map((s) =>
      selected.length === 1
        ? describeReady(s, s.port)
        : `${s.name}: ${describeReady(s, s.port)}`
    );
    if (waits.length === 0) return short;
    const who = selected.map((s) => s.name).join(", ");
    return `${verb} ${who}: waiting for ${waits.join("; ")}…`;
  } catch {
    return short;
  }
}
