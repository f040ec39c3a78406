/**
 * Runs a short command (`ps`, `sysctl`) in the C locale, so that its output
 * reads the same everywhere, and returns its trimmed stdout.
 */

/**
 * The trimmed stdout of `cmd args` run in the C locale; empty when it exits
 * with a failure. Rejects when `cmd` cannot be run at all.
 *
 * @example
 * ```ts ignore
 * const state = await capture("ps", ["-o", "stat=", "-p", "4242"]);
 * ```
 */
export async function capture(
  cmd: string,
  args: readonly string[],
): Promise<string> {
  return textOf(await command(cmd, args).output());
}

/** {@linkcode capture}, synchronously. */
export function captureSync(cmd: string, args: readonly string[]): string {
  return textOf(command(cmd, args).outputSync());
}

function command(cmd: string, args: readonly string[]): Deno.Command {
  return new Deno.Command(cmd, {
    args: [...args],
    env: { LC_ALL: "C" },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  });
}

function textOf(out: Deno.CommandOutput): string {
  return out.success ? new TextDecoder().decode(out.stdout).trim() : "";
}
