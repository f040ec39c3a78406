import assert from "node:assert/strict";
import {
  fixtureService,
  makeTempWorkspace,
  statusJson,
  supervisorPid,
  tend,
} from "../_helpers.ts";

Deno.test("tend ui launches a supervisor, serves HTTP on demand and records the URL", async () => {
  await using ws = await makeTempWorkspace(fixtureService("web"));
  const first = await tend(ws, ["ui", "--no-open"]);
  assert.equal(first.code, 0, first.stderr);
  const match = /^(http:\/\/127\.0\.0\.1:\d+)\/\?token=([0-9a-f]{64})\n$/
    .exec(first.stdout);
  assert.ok(match, first.stdout);
  const [, url, token] = match;
  assert.ok(await supervisorPid(ws));
  const descriptor = JSON.parse(
    await Deno.readTextFile(ws.path(".tend/run/supervisor.json")),
  );
  assert.equal(descriptor.http, url);
  assert.equal(
    (await Deno.readTextFile(ws.path(".tend/run/http.token"))).trim(),
    token,
  );
  const response = await fetch(`${url}/api/v1/status`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  assert.equal((await response.json()).workspace, ws.dir);

  const again = await tend(ws, ["ui", "--no-open", "--json"]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout), {
    url,
    token,
    link: `${url}/?token=${token}`,
  });
  assert.equal((await statusJson(ws)).services[0]?.status, "stopped");

  const down = await tend(ws, ["down"]);
  assert.equal(down.code, 0, down.stderr);
  await assert.rejects(Deno.stat(ws.path(".tend/run/http.token")));
  const closed = await fetch(`${url}/api/v1/status`).then(
    (r) => r.body?.cancel().then(() => r.status),
    () => "refused",
  );
  assert.equal(closed, "refused");
  const next = await tend(ws, ["ui", "--no-open", "--json"]);
  assert.equal(next.code, 0, next.stderr);
  assert.notEqual(JSON.parse(next.stdout).token, token, "token rotated");
});

Deno.test("tend start refuses a dashboard address off loopback", async () => {
  await using ws = await makeTempWorkspace(
    `[daemon]\nhttp = "0.0.0.0:8644"\n\n${fixtureService("web")}`,
  );
  const result = await tend(ws, ["start"]);
  assert.equal(result.code, 4, result.stderr);
  assert.match(result.stderr, /daemon\.http must be a loopback address/);
  assert.match(result.stderr, /http_allow_remote = true/);
  assert.equal(await supervisorPid(ws), null);
});
