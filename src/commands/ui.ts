import { supervisorClient } from "../client/supervisor_client.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend ui [--no-open]` */
export async function run(ctx: Context, args: ArgsOf<"ui">): Promise<number> {
  const ws = await resolveWorkspace(ctx);
  using client = await supervisorClient(ws, ctx);
  const { url, token } = await client.http();
  const link = `${url}/?token=${token}`;
  if (ctx.globals.json) {
    ctx.out.json({ url, token, link });
  } else {
    ctx.out.data(link);
  }
  if (args.values["no-open"] !== true) {
    const opened = await openBrowser(link);
    if (!opened) ctx.out.note("no browser to open here: open the URL above");
  }
  return 0;
}

/** The command that opens a URL on this system, or `null` when there is none. */
export function browserOpener(
  env: { os: typeof Deno.build.os; display: boolean },
): string | null {
  if (env.os === "darwin") return "open";
  if (env.os === "linux" && env.display) return "xdg-open";
  return null;
}

async function openBrowser(link: string): Promise<boolean> {
  const command = browserOpener({
    os: Deno.build.os,
    display: Boolean(
      Deno.env.get("DISPLAY") || Deno.env.get("WAYLAND_DISPLAY"),
    ),
  });
  if (command === null) return false;
  try {
    const child = new Deno.Command(command, {
      args: [link],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    return (await child.status).success;
  } catch {
    return false;
  }
}
