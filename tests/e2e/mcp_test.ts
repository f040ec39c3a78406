import assert from "node:assert/strict";
import { Client } from "npm:@modelcontextprotocol/sdk@1.32.2/client/index.js";
import { StdioClientTransport } from "npm:@modelcontextprotocol/sdk@1.32.2/client/stdio.js";
import type { ServiceStatus, StatusResponse } from "../../src/ipc/protocol.ts";
import {
  cliEnv,
  fixtureService,
  MAIN,
  makeTempWorkspace,
  readPids,
  statusJson,
  tend,
  waitFor,
} from "../_helpers.ts";

/** What a tool call returned. */
interface CallResult {
  content: { type: string; text: string }[];
  isError?: boolean;
}

/** Ends the server's stdin (the transport keeps its child process private). */
function endStdin(transport: StdioClientTransport): void {
  const child = (transport as unknown as {
    _process?: { stdin?: { end(): void } };
  })._process;
  assert.ok(child?.stdin, "the transport has a child with a stdin");
  child.stdin.end();
}

/** `promise`, or a failure naming `what` after `ms`. */
async function deadline(
  promise: Promise<void>,
  options: { ms: number; what: string },
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Timed out waiting for ${options.what}`)),
      options.ms,
    );
  });
  try {
    await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The PIDs in a fixture's marker file, once it holds `count` of them. */
async function markerPids(file: string, count: number): Promise<number[]> {
  await waitFor(async () => (await readPids(file)).length >= count, {
    message: `${count} pid(s) in ${file}`,
  });
  return await readPids(file);
}

/** The stable fields of a service (usage figures change between calls). */
function stable(service: ServiceStatus): Partial<ServiceStatus> {
  const { name, status, pid, port, startedAt, restarts, lastExit } = service;
  return { name, status, pid, port, startedAt, restarts, lastExit };
}

/** A tool's JSON answer, after checking it is not an error. */
function json<T>(result: CallResult): T {
  assert.ok(result.isError !== true, JSON.stringify(result));
  assert.equal(result.content[0]?.type, "text");
  return JSON.parse(result.content[0]!.text) as T;
}

/** The text of a tool error. */
function errorText(result: CallResult): string {
  assert.ok(result.isError === true, JSON.stringify(result));
  return result.content[0]!.text;
}

Deno.test("tend mcp serves tend's tools to the SDK's own client over stdio", async () => {
  await using ws = await makeTempWorkspace();
  const webMarker = ws.path("web.marker");
  const workerMarker = ws.path("worker.marker");
  await ws.writeConfig(
    fixtureService(
      "web",
      ["--marker", webMarker, "--say", "hello from web"],
      'ready = { log = "hello from web" }',
    ) +
      fixtureService("worker", ["--marker", workerMarker]),
  );
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "-A", "--quiet", MAIN, "mcp"],
    cwd: ws.dir,
    env: cliEnv(),
    stderr: "pipe",
  });
  // Anything on stdout that is not a protocol message lands here.
  const protocolErrors: unknown[] = [];
  transport.onerror = (error: Error) => protocolErrors.push(error);
  const client = new Client({ name: "tend-test", version: "1.0.0" });
  let closed = false;
  try {
    await client.connect(transport);
    client.onerror = (error: Error) => protocolErrors.push(error);
    assert.equal(client.getServerVersion()?.name, "tend");

    const { tools } = await client.listTools() as {
      tools: {
        name: string;
        description?: string;
        inputSchema: { type: string };
      }[];
    };
    assert.deepEqual(tools.map((t) => t.name).sort(), [
      "logs",
      "reload",
      "restart",
      "start",
      "status",
      "stop",
    ]);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, "object", tool.name);
      assert.ok(tool.description, tool.name);
    }

    const call = async (name: string, args: Record<string, unknown> = {}) =>
      await client.callTool({ name, arguments: args }) as CallResult;

    const started = json<{ results: { name: string; action: string }[] }>(
      await call("start"),
    );
    assert.deepEqual(started.results.map((r) => [r.name, r.action]), [
      ["web", "started"],
      ["worker", "started"],
    ]);
    const [web] = await markerPids(webMarker, 1);
    const [worker] = await markerPids(workerMarker, 1);

    const status = json<StatusResponse>(await call("status"));
    const cli = await statusJson(ws);
    assert.equal(status.workspace, cli.workspace);
    assert.deepEqual(status.supervisor, cli.supervisor);
    assert.deepEqual(status.services.map(stable), cli.services.map(stable));
    assert.deepEqual(status.services.map((s) => [s.name, s.status, s.pid]), [
      ["web", "running", web],
      ["worker", "running", worker],
    ]);

    const restarted = json<{ results: { name: string; action: string }[] }>(
      await call("restart", { names: ["web"] }),
    );
    assert.deepEqual(restarted.results.map((r) => [r.name, r.action]), [
      ["web", "restarted"],
    ]);
    const [, newWeb] = await markerPids(webMarker, 2);
    assert.notEqual(newWeb, web);
    const after = await statusJson(ws);
    assert.deepEqual(after.services.map((s) => [s.name, s.status, s.pid]), [
      ["web", "running", newWeb],
      ["worker", "running", worker],
    ]);
    const shownAfter = json<StatusResponse>(await call("status"));
    assert.deepEqual(
      shownAfter.services.map(stable),
      after.services.map(stable),
    );

    const logs = json<{ service: string; lines: string[] }>(
      await call("logs", { name: "web", lines: 10 }),
    );
    assert.equal(logs.service, "web");
    assert.ok(logs.lines.includes("hello from web"), logs.lines.join("\n"));

    const unknown = errorText(await call("start", { names: ["nope"] }));
    assert.match(unknown, /^UNKNOWN_SERVICE: /);
    const invalid = errorText(await call("stop", { names: "web" }));
    assert.match(invalid, /USAGE: "names" must be a list of service names/);
    const notWhole = errorText(await call("logs", { name: "web", lines: 1.5 }));
    assert.match(notWhole, /USAGE: "lines" must be a whole number/);
    // Neither bad call touched anything.
    assert.equal((await statusJson(ws)).services[0]!.pid, newWeb);

    // tend mcp exits by itself once its stdin closes. (The SDK's close()
    // would also end stdin, but then leaves a 2 s timer behind, which the
    // op sanitizer reports: end stdin here and close the client after.)
    const exited = Promise.withResolvers<void>();
    client.onclose = () => exited.resolve();
    endStdin(transport);
    await deadline(exited.promise, { ms: 10_000, what: "tend mcp to exit" });
    await client.close();
    closed = true;
    assert.deepEqual(protocolErrors, []);
  } finally {
    if (!closed) await client.close();
    await tend(ws, ["down"]);
  }
});
