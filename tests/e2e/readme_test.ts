/** The README's examples run as pasted. */
import assert from "node:assert/strict";
import { fromFileUrl } from "../_path.ts";
import {
  freePort,
  isAlive,
  makeTempWorkspace,
  readLines,
  statusJson,
  taggedWith,
  tend,
  waitFor,
} from "../_helpers.ts";

const README = fromFileUrl(new URL("../../README.md", import.meta.url));

/** The first ```toml block after the heading `heading`. */
async function tomlAfter(heading: string): Promise<string> {
  const text = await Deno.readTextFile(README);
  const at = text.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README has no heading ${heading}`);
  const block = /```toml\n([^]*?)```/.exec(text.slice(at));
  assert.ok(block, `no toml block after ${heading}`);
  return block[1]!;
}

Deno.test("the README's config example runs with tend start, status and down", async () => {
  const example = await tomlAfter("## Configuration (`tend.toml`)");
  await using ws = await makeTempWorkspace();
  // The one change: a port of the kernel's choosing, as other test runs
  // share this machine (the example's port_strategy = "next" would also cope).
  const port = freePort("127.0.0.1");
  assert.match(example, /^port = 8642$/m);
  await ws.writeConfig(example.replace(/^port = 8642$/m, `port = ${port}`));

  const start = await tend(ws, ["start"]);
  assert.equal(start.code, 0, JSON.stringify(start));
  const said = start.stdout + start.stderr;
  assert.match(
    said,
    new RegExp(`^started "web" \\(pid \\d+, port ${port}\\)$`, "m"),
  );
  assert.match(said, /^started "worker" \(pid \d+\)$/m);

  const status = await statusJson(ws);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status]),
    [["web", "running"], ["worker", "running"]],
  );
  const response = await fetch(`http://127.0.0.1:${port}/`);
  await response.body?.cancel();
  assert.equal(response.status, 200, "web serves HTTP");
  await waitFor(
    async () =>
      (await readLines(ws.path(".tend/log/worker.log"))).includes("tick"),
    { message: "the worker to tick" },
  );

  const down = await tend(ws, ["down"]);
  assert.equal(down.code, 0, JSON.stringify(down));
  for (const service of status.services) {
    assert.ok(!isAlive(service.pid!), `${service.name} still runs`);
  }
  assert.deepEqual(await taggedWith(ws.dir), [], "something still runs");
});
