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
  // restart of db restarts web, which depends on it, once db is ready.
  const restart = await tend(ws, ["restart", "db"]);
  assert.equal(restart.code, 0, JSON.stringify(restart));
  assert.match(
    restart.stdout,
    /restarted "web" \(.*depends on "db"\)/,
  );
  const [, second] = await waitForLines(reached, 2);
  const db = (await statusJson(ws)).services.find((s) => s.name === "db")!;
  assert.equal(db.port, wanted);
  assert.equal(second, `db ${db.pid} via ${wanted} env ${wanted}`);
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});
