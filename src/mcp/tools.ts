import type { McpServer } from "npm:@modelcontextprotocol/sdk@1.32.2/server/mcp.js";
import { z } from "npm:zod@4.6.7";
import type { TendWorkspace } from "../api/workspace.ts";
import { TendError } from "../errors.ts";
import { toolError, type ToolResult, toolResult, usage } from "./_result.ts";

/** Most names one call may carry, as the control API. */
const MAX_NAMES = 1_000;
/** Most log lines one call returns. */
const MAX_LOG_LINES = 1_000;
/** Log lines returned when the call does not say. */
const DEFAULT_LOG_LINES = 50;

const serviceName = z.string(usage("a service name must be a string"))
  .min(1, usage("a service name cannot be empty"))
  .max(200, usage("a service name is at most 200 characters"));

const names = z.array(
  serviceName,
  usage('"names" must be a list of service names'),
).max(MAX_NAMES, usage(`"names" holds at most ${MAX_NAMES} names`))
  .optional()
  .describe(
    "Services to act on (a group name selects its instances); all when left out",
  );

/** Input of the tools that act on services. */
const namesInput = { names };
/** Input of `start`. */
const startInput = {
  names,
  wait: z.boolean(usage('"wait" must be true or false')).optional()
    .describe("Wait until the services are ready (default true)"),
};
/** Input of `logs`. */
const logsInput = {
  name: serviceName.describe("The service"),
  lines: z.int(usage('"lines" must be a whole number'))
    .min(0, usage('"lines" cannot be negative'))
    .max(MAX_LOG_LINES, usage(`"lines" is at most ${MAX_LOG_LINES}`))
    .optional()
    .describe(`How many lines (default ${DEFAULT_LOG_LINES})`),
};

/** The validated arguments of a tool whose input is `shape`. */
type Args<Shape extends z.ZodRawShape> = z.infer<z.ZodObject<Shape>>;

/** Runs a tool's work; a TendError becomes a tool error with its code. */
async function answer(work: () => Promise<object>): Promise<ToolResult> {
  try {
    return toolResult(await work());
  } catch (error) {
    if (error instanceof TendError) return toolError(error);
    throw error;
  }
}

/**
 * Registers tend's tools on `server`, each over the library call of the
 * same name on `ws`: status, start, stop, restart, logs, reload.
 */
export function registerTools(server: McpServer, ws: TendWorkspace): void {
  server.registerTool(
    "status",
    {
      title: "Service status",
      description:
        "Status of the workspace's services, as `tend status --json`: each service's state (running, stopped, failed, backoff, stale, …), pid, port, uptime, restarts, last exit, CPU and memory; and the supervisor's.",
      inputSchema: namesInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args: Args<typeof namesInput>) =>
      answer(() => ws.status(args.names ?? [])),
  );

  server.registerTool(
    "start",
    {
      title: "Start services",
      description:
        "Start services and their dependencies (all autostart services when no names are given), launching the workspace's background supervisor when none runs. Waits until each is ready unless wait is false. A running service is reported already-running, never started twice.",
      inputSchema: startInput,
      annotations: { destructiveHint: false, openWorldHint: false },
    },
    (args: Args<typeof startInput>) =>
      answer(() =>
        ws.start(args.names ?? [], args.wait === false ? { wait: false } : {})
      ),
  );

  server.registerTool(
    "stop",
    {
      title: "Stop services",
      description:
        "Stop services (all when no names are given): their stop signal to the whole process group, then SIGKILL after stop_timeout. Dependents stop first.",
      inputSchema: namesInput,
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    (args: Args<typeof namesInput>) => answer(() => ws.stop(args.names ?? [])),
  );

  server.registerTool(
    "restart",
    {
      title: "Restart services",
      description:
        "Stop then start services (all running ones when no names are given), waiting until they are ready.",
      inputSchema: namesInput,
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    (args: Args<typeof namesInput>) =>
      answer(() => ws.restart(args.names ?? [])),
  );

  server.registerTool("logs", {
    title: "Service logs",
    description:
      "The last lines of a service's log (its stdout and stderr), continuing into the rotated file when the current one is shorter.",
    inputSchema: logsInput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, (args: Args<typeof logsInput>) =>
    answer(async () => {
      const lines: string[] = [];
      const wanted = args.lines ?? DEFAULT_LOG_LINES;
      for await (const line of ws.logs(args.name, { lines: wanted })) {
        lines.push(line);
      }
      return { service: args.name, lines };
    }));

  server.registerTool("reload", {
    title: "Reload the config",
    description:
      "Re-read tend.toml and apply the difference: new services start, removed ones stop, changed ones restart, unchanged ones keep running. An invalid file changes nothing (CONFIG_INVALID).",
    inputSchema: {},
    annotations: { destructiveHint: true, openWorldHint: false },
  }, () => answer(() => ws.reload()));
}
