import { basename, dirname, join } from "../_path.ts";
import { SUPERVISOR_V8_FLAGS } from "../client/self_command.ts";

/**
 * How to run this very tend again from a unit file: the compiled executable
 * itself, or, run from source, `deno run -A --v8-flags=… [--config
 * deno.json] main.ts` with absolute paths. The V8 flags are the
 * supervisor's (the unit's `tend up` is one), as a compiled tend has them.
 */
export function tendExecArgv(): string[] {
  const exec = Deno.execPath();
  const main = Deno.mainModule;
  const runtime = /^deno(\.exe)?$/.test(basename(exec));
  if (
    !runtime || !main.startsWith("file:") || main.includes("/deno-compile-")
  ) {
    return [exec];
  }
  const mainPath = decodeURIComponent(new URL(main).pathname);
  const config = join(dirname(mainPath), "deno.json");
  const hasConfig = (() => {
    try {
      return Deno.statSync(config).isFile;
    } catch {
      return false;
    }
  })();
  return [
    exec,
    "run",
    "-A",
    `--v8-flags=${SUPERVISOR_V8_FLAGS}`,
    ...(hasConfig ? ["--config", config] : []),
    mainPath,
  ];
}
