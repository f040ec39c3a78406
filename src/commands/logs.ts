import { tailLines } from "../supervisor/tail.ts";
import { loadWorkspaceConfig, selectNames } from "./_config.ts";
import { resolveWorkspace } from "./_workspace.ts";
import { type Command, parseCommandArgs, parseCount } from "./command.ts";

/** Lines shown by default. */
const DEFAULT_LINES = 50;
/** How often a followed log is checked for new bytes. */
const FOLLOW_INTERVAL_MS = 100;

/** `tend logs NAME [-f] [-n N]` */
export const logs: Command = {
  name: "logs",
  summary: "Show or follow a service's log",
  usage: `tend logs NAME [-n N] [-f]

Prints the last N lines (default 50) of the service's log; -f keeps
printing new lines until Ctrl-C.`,
  options: {
    lines: { type: "string", short: "n" },
    follow: { type: "boolean", short: "f" },
  },
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(this, argv);
    const lines = parseCount(values.lines, "-n") ?? DEFAULT_LINES;
    const ws = await resolveWorkspace(ctx);
    const config = await loadWorkspaceConfig(ws);
    const names = await selectNames(config, positionals);
    for (const name of names) {
      const service = config.services.find((s) => s.name === name)!;
      const prefix = names.length > 1 ? `${name} | ` : "";
      const text = await tailLines(service.logFile, { lines });
      if (text) {
        ctx.out.data(text.split("\n").map((line) => prefix + line).join("\n"));
      }
    }
    if (values.follow !== true) return 0;
    const files = names.map((name) =>
      config.services.find((s) => s.name === name)!.logFile
    );
    await follow(
      files,
      (index, line) =>
        ctx.out.data((names.length > 1 ? `${names[index]} | ` : "") + line),
    );
    return 0;
  },
};

async function follow(
  files: string[],
  emit: (index: number, line: string) => void,
): Promise<void> {
  const offsets = await Promise.all(
    files.map(async (f) =>
      (await Deno.stat(f).catch(() => ({ size: 0 }))).size
    ),
  );
  const pending = files.map(() => "");
  while (true) {
    for (const [i, file] of files.entries()) {
      const size = (await Deno.stat(file).catch(() => ({ size: 0 }))).size;
      if (size < offsets[i]!) offsets[i] = 0;
      if (size === offsets[i]) continue;
      using handle = await Deno.open(file, { read: true });
      await handle.seek(offsets[i]!, Deno.SeekMode.Start);
      const bytes = new Uint8Array(size - offsets[i]!);
      const n = await handle.read(bytes) ?? 0;
      offsets[i]! += n;
      const parts =
        (pending[i] + new TextDecoder().decode(bytes.subarray(0, n))).split(
          "\n",
        );
      pending[i] = parts.pop() ?? "";
      for (const line of parts) emit(i, line);
    }
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
  }
}
