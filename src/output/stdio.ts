import process from "node:process";
import type { Readable, Writable } from "node:stream";

/** Console methods that write to stdout. */
const STDOUT_METHODS = [
  "log",
  "info",
  "debug",
  "dir",
  "dirxml",
  "table",
] as const;

/**
 * The streams of a protocol spoken on stdio (`tend mcp`): stdin, and stdout,
 * which then carries the protocol's messages and nothing else. From this
 * call on, whatever calls `console.log` (a dependency, say) writes to stderr
 * instead, so no stray line can corrupt the protocol.
 *
 * @example
 * ```ts ignore
 * const { stdin, stdout } = protocolStdio();
 * const transport = new StdioServerTransport(stdin, stdout);
 * ```
 */
export function protocolStdio(): { stdin: Readable; stdout: Writable } {
  for (const method of STDOUT_METHODS) {
    // deno-lint-ignore no-console -- the sink: stdout belongs to the protocol.
    console[method] = (...data: unknown[]) => console.error(...data);
  }
  return { stdin: process.stdin, stdout: process.stdout };
}
