import assert from "node:assert/strict";
import {
  fixtureService,
  freePort,
  isAlive,
  makeTempWorkspace,
  readPids,
  spawnTend,
  waitFor,
  waitForServices,
} from "../_helpers.ts";

for (const signal of ["SIGHUP", "SIGTERM", "SIGINT"] as const) {
  Deno.test(`tend up in the foreground stops every service on ${signal}`, async () => {
    await using ws = await makeTempWorkspace();
    const markers = [ws.path("web.marker"), ws.path("worker.marker")];
    const grandchild = ws.path("grandchild.pid");
    await ws.writeConfig(
      fixtureService("web", ["--marker", markers[0]!, "--fork", grandchild]) +
        fixtureService("worker", ["--marker", markers[1]!]),
    );

    const child = spawnTend(ws, ["up"], { stdout: "piped", stderr: "piped" });
    // Collects both streams (so neither pipe fills up) and the exit status.
    const output = child.output();
    try {
      // The supervisor's answer: one read from the files while it binds its
      // socket says "running" as soon as a process lives.
      const status = await waitForServices(ws, (s) => s.status === "running", {
        message: "every service to run under tend up",
      });
      assert.equal(status.supervisor.pid, child.pid);
      const pids = status.services.map((s) => s.pid!);
      for (const [i, marker] of markers.entries()) {
        await waitFor(async () => (await readPids(marker)).length > 0, {
          message: `${marker} to be written`,
        });
        assert.deepEqual(await readPids(marker), [pids[i]]);
      }
      await waitFor(async () => (await readPids(grandchild)).length > 0, {
        message: "the grandchild to start",
      });
      pids.push(...await readPids(grandchild));
      assert.ok(pids.every(isAlive));

      child.kill(signal);
      const { code, signal: killedBy, stdout, stderr } = await output;
      const shown = new TextDecoder().decode(stderr);
      assert.equal(code, 0, shown);
      assert.equal(killedBy, null, shown);
      // stdout holds only the services' output, prefixed.
      const shownOut = new TextDecoder().decode(stdout);
      for (const line of shownOut.split("\n").filter(Boolean)) {
        assert.match(line, /^(web|worker) +\| /);
      }
      for (const pid of pids) {
        assert.ok(!isAlive(pid), `pid ${pid} outlived tend up`);
      }
    } finally {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
      await output;
    }
  });
}

Deno.test("tend up in the foreground interleaves the services' output, prefixed, and marks its own lines; --no-logs keeps only its own", async (t) => {
  for (const noLogs of [false, true]) {
    await t.step(noLogs ? "--no-logs" : "with logs", async () => {
      await using ws = await makeTempWorkspace();
      await ws.writeConfig(
        fixtureService("web", ["--say", "hello from web"]) +
          fixtureService("db", ["--say", "hello from db"]),
      );
      const child = spawnTend(ws, noLogs ? ["up", "--no-logs"] : ["up"]);
      const output = child.output();
      try {
        await waitForServices(ws, (s) => s.status === "running", {
          message: "every service to run under tend up",
        });
        // The ready lines this test expects on stderr, once in tend.log.
        await waitFor(async () => {
          const log = await Deno.readTextFile(ws.path(".tend/log/tend.log"))
            .catch(() => "");
          return log.includes('"web" is ready') &&
            log.includes('"db" is ready');
        }, { message: "both services to be ready" });
        // The services still write their own log files.
        for (const name of ["web", "db"]) {
          await waitFor(async () => {
            const log = await Deno.readTextFile(
              ws.path(`.tend/log/${name}.log`),
            ).catch(() => "");
            return log.includes(`service ${name} pid`);
          }, { message: `${name}'s log to hold its lines` });
        }
        child.kill("SIGTERM");
        const result = await output;
        const stdout = new TextDecoder().decode(result.stdout);
        const stderr = new TextDecoder().decode(result.stderr);
        assert.equal(result.code, 0, stderr);
        if (noLogs) {
          assert.equal(stdout, "");
          assert.match(stderr, /^\S+Z INFO {2}supervisor \d+ serving/m);
          assert.doesNotMatch(stderr, /^tend \| /m);
          return;
        }
        const lines = stdout.split("\n").filter(Boolean);
        assert.ok(lines.includes("web  | hello from web"), stdout);
        assert.ok(lines.includes("db   | hello from db"), stdout);
        assert.ok(
          lines.some((line) => /^web {2}\| service web pid \d+ up$/.test(line)),
          stdout,
        );
        const own = stderr.split("\n").filter(Boolean);
        assert.ok(own.every((line) => line.startsWith("tend | ")), stderr);
        assert.ok(
          own.some((line) => / INFO {2}"web" is ready/.test(line)),
          stderr,
        );
      } finally {
        try {
          child.kill("SIGKILL");
        } catch {
          // Already exited.
        }
        await output;
      }
    });
  }
});

Deno.test("tend up in the foreground prints each service's URL and how to stop", async () => {
  await using ws = await makeTempWorkspace();
  const port = freePort();
  await ws.writeConfig(
    fixtureService("web", ["--listen"], `port = ${port}`) +
      fixtureService("worker"),
  );
  // --no-logs: stdout holds the URLs alone (no service output).
  const child = spawnTend(ws, ["up", "--no-logs"], {
    stdout: "piped",
    stderr: "piped",
  });
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let shown = "";
  try {
    const deadline = setTimeout(() => reader.cancel(), 20_000);
    while (!shown.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      shown += value;
    }
    clearTimeout(deadline);
    assert.equal(shown, `web  http://localhost:${port}\n`);
  } finally {
    child.kill("SIGINT");
    await reader.cancel().catch(() => {});
  }
  const { code } = await child.status;
  const logged = await stderr;
  assert.equal(code, 0, logged);
  assert.match(logged, /^Ctrl-C to stop every service and the supervisor$/m);
});
