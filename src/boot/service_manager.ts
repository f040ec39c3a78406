/** The service managers tend writes boot units for. */
export type ManagerKind = "systemd" | "launchd";

/** What running a service-manager command gave. */
export type ToolResult =
  | { kind: "missing" }
  | { kind: "ran"; code: number; stdout: string; stderr: string };

/** Runs a tool (`systemctl`, `launchctl`), telling a missing tool apart. */
export type ToolRunner = (argv: readonly string[]) => Promise<ToolResult>;

/** Runs `argv` with no input, collecting its exit code and stderr. */
export async function runTool(argv: readonly string[]): Promise<ToolResult> {
  try {
    const output = await new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      kind: "ran",
      code: output.code,
      stdout: new TextDecoder().decode(output.stdout).trim(),
      stderr: new TextDecoder().decode(output.stderr).trim(),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    throw error;
  }
}

/** Where units go when no `--unit-dir` is given. */
export function defaultUnitDir(
  kind: ManagerKind,
  options: { system: boolean; env: (name: string) => string | undefined },
): string {
  const home = options.env("HOME") ?? "/";
  if (kind === "launchd") {
    return options.system
      ? "/Library/LaunchDaemons"
      : `${home}/Library/LaunchAgents`;
  }
  if (options.system) return "/etc/systemd/system";
  const config = options.env("XDG_CONFIG_HOME");
  return `${
    config && config.startsWith("/") ? config : `${home}/.config`
  }/systemd/user`;
}

/** The manager of this OS: launchd on macOS, systemd elsewhere. */
export function managerOfOs(os: typeof Deno.build.os): ManagerKind {
  return os === "darwin" ? "launchd" : "systemd";
}
