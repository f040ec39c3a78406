import assert from "node:assert/strict";
import { fromFileUrl } from "../_path.ts";
import {
  denoFixtureService,
  freePort,
  holdPort,
  makeTempWorkspace,
  readLines,
  statusJson,
  tend,
  waitFor,
  waitForLines,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

const PEER_FIXTURE = fromFileUrl(
  new URL("../fixtures/peer.ts", import.meta.url),
);

Deno.test("a dependent reads {services.db.port} after db moved under next, reaches the right server, and follows it when it moves back", async () => {
  await using ws = await makeTempWorkspace();
  const wanted = freePort();
  const holder = await holdPort("0.0.0.0", wanted);
  const reached = ws.path("reached");
  await ws.writeConfig(
    denoFixtureService("db", PEER_FIXTURE, {
      args: ["serve"],
      extra: `port = ${wanted}
port_strategy = "next"
ready = { tcp = "{port}" }`,
    }) +
      denoFixtureService("web", PEER_FIXTURE, {
        args: [
          "reach",
          "{services.db.host}",
          "{services.db.port}",
          reached,
        ],
        extra: `depends_on = ["db"]
ready = { log = "^reached" }`,
      }),
  );
  try {
    assertRun(await tend(ws, ["start", "web"]), {
      code: 0,
      stdout: /^started "db" [^\n]+\nstarted "web" /,
      stderr: "",
    });
    const db = (await statusJson(ws)).services.find((s) => s.name === "db")!;
    assert.notEqual(db.port, wanted, "db moved off the held port");
    assert.deepEqual(await readLines(reached), [
      `db ${db.pid} via ${db.port} env ${db.port}`,
    ]);
  } finally {
    await holder.kill();
  }

  // The wanted port is free again: db comes back on it, web follows.
  assertRun(await tend(ws, ["restart", "db"]), {
    code: 0,
    stdout: /^restarted "db" /,
    stderr: /^/,
  });
  const [, second] = await waitForLines(reached, 2);
  const db = (await statusJson(ws)).services.find((s) => s.name === "db")!;
  assert.equal(db.port, wanted);
  assert.equal(second, `db ${db.pid} via ${wanted} env ${wanted}`);
  await waitFor(async () => {
    const log = await Deno.readTextFile(ws.path(".tend/log/tend.log"));
    return /restarting "web": db moved from port \d+ to \d+/.test(log);
  }, { message: "the log to say why web restarted" });
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});
