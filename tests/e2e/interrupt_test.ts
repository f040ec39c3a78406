/** What a person sees while `tend start` waits: the spinner, and Ctrl-C. */
import assert from "node:assert/strict";
import {
  cliEnv,
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readPids,
  spawnTend,
  statusJson,
  tendArgv,
  waitFor,
} from "../_helpers.ts";

/** A service that logs `booting` and is never ready (within `timeout`). */
function neverReady(marker: string, timeout: string): string {
  return fixtureService(
    "web",
    ["--marker", marker, "--say", "booting"],
    `ready = { log = "never-printed" }\nready_timeout = "${timeout}"`,
  );
}

Deno.test("Ctrl-C during tend start says what keeps running and exits 130", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(neverReady(marker, "30s"));
  const child = spawnTend(ws, ["start"]);
  const stdout = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: "the service to start",
  });
  child.kill("SIGINT");
  const { code } = await child.status;
  assert.equal(code, 130, await stderr);
  assert.equal(await stdout, "");
  assert.match(
    await stderr,
    /^error: Interrupted: the supervisor keeps starting services in the background, and what already started keeps running\nhint: See "tend status"; stop them with "tend stop"\n$/,
  );
  const [pid] = await readPids(marker);
  const web = (await statusJson(ws)).services[0]!;
  assert.equal(web.status, "starting", JSON.stringify(web));
  assert.ok(isAlive(pid!), "the service keeps starting");
});

Deno.test("the spinner of tend start names the check it waits for", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(neverReady(marker, "1s"));
  const line = [Deno.execPath(), ...tendArgv(["start"])]
    .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ");
  // `script` gives tend a terminal, where the spinner shows.
  const output = await new Deno.Command("script", {
    args: ["-qec", line, "/dev/null"],
    cwd: ws.dir,
    clearEnv: true,
    env: cliEnv({ TEND_SUPERVISOR: ws.dir }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const shown = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 1, shown);
  assert.match(
    shown,
    /starting web: waiting for a log line matching \/never-printed\/…/,
  );
  assert.match(
    shown,
    /not ready after 1 s \(waited for a log line matching \/never-printed\/\)/,
  );
});
