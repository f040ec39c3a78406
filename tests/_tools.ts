/**
 * External tools some tests check their output with (systemd-analyze,
 * docker-compose, plutil). Absent tools skip those tests on a developer's
 * machine, and fail them in CI (CI=true), where .ci/run installs them.
 */

/** Whether `name` runs here (`name --version` exits, whatever its status). */
export function hasTool(name: string): boolean {
  try {
    new Deno.Command(name, {
      args: ["--version"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return true;
  } catch {
    return false;
  }
}

/**
 * `true` when a test needing `name` must be skipped: the tool is absent and
 * this is not CI. In CI an absent tool throws, so the test run fails.
 */
export function skipWithout(name: string): boolean {
  if (hasTool(name)) return false;
  if (Deno.env.get("CI") === "true") {
    throw new Error(
      `${name} is required in CI (CI=true) but is not installed; .ci/run installs it`,
    );
  }
  return true;
}

/** What a tool printed and returned. */
export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion. */
export async function runTool(
  argv: readonly string[],
  options: { cwd?: string } = {},
): Promise<ToolRun> {
  const output = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * Checks unit files with `systemd-analyze verify`, which exits 0 on many
 * errors: its stderr must hold no line about the units.
 */
export async function verifySystemdUnits(
  files: readonly string[],
): Promise<ToolRun> {
  return await runTool(["systemd-analyze", "verify", ...files]);
}
