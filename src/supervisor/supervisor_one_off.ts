import type { ActionResponse, RunRequest } from "../ipc/protocol.ts";
import type { SupervisorContext } from "./supervisor_context.ts";

/**
 * `tend run`: adds a one-off service (validated as a tend.toml entry, under
 * a name the file does not have) and starts it. A stopped or failed one of
 * the same name is replaced; a live one is `ALREADY_RUNNING`.
 */
export async function runOneOff(
  ctx: SupervisorContext,
  request: RunRequest,
): Promise<ActionResponse> {
  const name = request.name;
  await ctx.source.queued(async () => {
    const disk = await ctx.options.loadConfig().catch(() => ctx.config);
    const existing = ctx.runners.get(name);
    const service = await ctx.oneOffs.prepare(request, {
      disk,
      running: ctx.config,
      existing: existing && { state: existing.state },
    });
    if (existing) existing.config = service;
    else ctx.addRunner(service);
    ctx.options.log.info("one-off service {service}: {command}", {
      service: name,
      command: [request.command, ...request.args].join(" "),
    });
    ctx.changed();
  });
  return await ctx.start([name]);
}
