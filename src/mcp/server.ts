import { McpServer } from "npm:@modelcontextprotocol/sdk@1.32.2/server/mcp.js";
import { StdioServerTransport } from "npm:@modelcontextprotocol/sdk@1.32.2/server/stdio.js";
import type { Readable, Writable } from "node:stream";
import type { TendWorkspace } from "../api/workspace.ts";
import { VERSION } from "../version.ts";
import { registerTools } from "./tools.ts";

/** What an assistant is told about this server when it connects. */
const INSTRUCTIONS =
  "tend supervises this workspace's background services (defined in tend.toml). Use status to see them, start/stop/restart to act on them, logs to read their output, reload after editing tend.toml. Errors start with tend's code (UNKNOWN_SERVICE, CONFIG_INVALID, NOT_RUNNING, …).";

/** An MCP server with tend's tools over the workspace `ws`. */
export function createMcpServer(ws: TendWorkspace): McpServer {
  const server = new McpServer(
    { name: "tend", version: VERSION },
    { instructions: INSTRUCTIONS },
  );
  registerTools(server, ws);
  return server;
}

/**
 * Serves MCP on `stdin`/`stdout` (newline-delimited JSON-RPC) until the
 * client closes stdin or stops reading stdout.
 */
export async function serveMcp(
  ws: TendWorkspace,
  options: { stdin: Readable; stdout: Writable },
): Promise<void> {
  const server = createMcpServer(ws);
  const transport = new StdioServerTransport(options.stdin, options.stdout);
  const ended = Promise.withResolvers<void>();
  options.stdin.once("end", () => ended.resolve());
  options.stdin.once("close", () => ended.resolve());
  // A client gone without closing our stdin: writes fail (EPIPE); end too.
  options.stdout.once("error", () => ended.resolve());
  transport.onclose = () => ended.resolve();
  await server.connect(transport);
  await ended.promise;
  await server.close();
}
