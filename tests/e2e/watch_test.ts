import assert from "node:assert/strict";
import {
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readLines,
  type TempWorkspace,
  tend,
  waitFor,
  waitForLines,
  waitForService,
} from "../_helpers.ts";

/** The lines of tend.log that say a watched file restarted "web". */
async function watchRestarts(ws: TempWorkspace): Promise<string[]> {
  const log = await readLines(ws.path(".tend/log/tend.log"));
  return log.filter((line) => /restarting "web": .* changed/.test(line));
}

/** A workspace whose "web" watches src/**\/*.ts, started; returns its pid. */
async function watchedWorkspace(): Promise<
  { ws: TempWorkspace; marker: string; pid: number }
> {
  const ws = await makeTempWorkspace(undefined, { timing: "fast" });
  await Deno.mkdir(ws.path("src/lib"), { recursive: true });
  await Deno.writeTextFile(ws.path("src/app.ts"), "1");
  const marker = ws.path("marker");
  await ws.writeConfig(fixtureService(
    "web",
    ["--marker", marker],
    'watch = ["src/**/*.ts"]\nwatch_ignore = ["src/generated"]\nwatch_debounce = "300ms"\nmin_ready = "100ms"',
  ));
  const start = await tend(ws, ["start"]);
  assert.equal(start.code, 0, JSON.stringify(start));
  const [line = ""] = await waitForLines(marker, 1);
  return { ws, marker, pid: Number(line.split(" ")[0]) };
}

/** Saves `file` as editors do: a temporary file renamed over it. */
async function editorSave(file: string, text: string): Promise<void> {
  const temp = `${file}.swp-${crypto.randomUUID()}`;
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, file);
}

Deno.test("watch restarts a service when an editor saves by rename, again and again", async () => {
  const { ws, marker, pid } = await watchedWorkspace();
  await using _ws = ws;
  // Not watched: an ignored directory and another extension.
  await Deno.mkdir(ws.path("src/generated"));
  await Deno.writeTextFile(ws.path("src/generated/out.ts"), "x");
  await Deno.writeTextFile(ws.path("src/notes.md"), "x");

  await editorSave(ws.path("src/app.ts"), "2");
  const after = await waitForLines(marker, 2);
  const second = Number(after[1]!.split(" ")[0]);
  assert.notEqual(second, pid);
  assert.ok(!isAlive(pid), "the old process is gone");
  const view = await waitForService(
    ws,
    "web",
    (s) => s.pid === second && s.status === "running",
  );
  assert.equal(view.restarts, 1);
  assert.equal(view.reason, "restarted: src/app.ts changed");
  assert.deepEqual(
    (await watchRestarts(ws)).map((line) => line.replace(/^\S+ /, "")),
    ['INFO  restarting "web": src/app.ts changed (restart 1)'],
  );

  // The file now is another inode; the watch (on directories) still sees it,
  // and a file in a subdirectory created after the start too.
  await editorSave(ws.path("src/app.ts"), "3");
  await waitForLines(marker, 3);
  await Deno.mkdir(ws.path("src/lib/deep"));
  await Deno.writeTextFile(ws.path("src/lib/deep/new.ts"), "4");
  await waitForLines(marker, 4);
  const restarts = await watchRestarts(ws);
  assert.equal(restarts.length, 3, restarts.join("\n"));
  assert.match(restarts[2]!, /src\/lib\/deep\/new\.ts changed/);
  assert.equal((await tend(ws, ["down"])).code, 0);
});

Deno.test("watch turns a burst of 50 writes into exactly one restart", async () => {
  const { ws, marker, pid } = await watchedWorkspace();
  await using _ws = ws;
  for (let i = 0; i < 50; i++) {
    await Deno.writeTextFile(ws.path(`src/lib/f${i}.ts`), String(i));
  }
  const after = await waitForLines(marker, 2);
  assert.notEqual(Number(after[1]!.split(" ")[0]), pid);
  // One more change after the burst: its restart comes after every restart
  // the burst could have caused, so the log then holds all of them.
  await waitForService(ws, "web", (s) => s.status === "running");
  await Deno.writeTextFile(ws.path("src/app.ts"), "after");
  await waitForLines(marker, 3);
  await waitFor(async () => (await watchRestarts(ws)).length >= 2, {
    message: "the second restart in tend.log",
  });
  const restarts = await watchRestarts(ws);
  assert.equal(restarts.length, 2, restarts.join("\n"));
  assert.match(restarts[0]!, /src\/lib\/f0\.ts and 49 more files changed/);
  assert.match(restarts[1]!, /src\/app\.ts changed/);
  assert.equal((await readLines(marker)).length, 3);
  assert.equal((await tend(ws, ["down"])).code, 0);
});

Deno.test("a stopped service stays stopped when its files change", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  await Deno.mkdir(ws.path("src"));
  const marker = ws.path("marker");
  const watched = 'watch = ["src/*.ts"]\nwatch_debounce = "200ms"';
  await ws.writeConfig(
    fixtureService("web", ["--marker", marker], watched) +
      fixtureService("witness", ["--marker", marker], watched),
  );
  assert.equal((await tend(ws, ["start"])).code, 0);
  await waitForLines(marker, 2);
  assert.equal((await tend(ws, ["stop", "web"])).code, 0);
  await Deno.writeTextFile(ws.path("src/app.ts"), "changed");
  // The witness, with the same debounce, shows the change was seen.
  await waitForLines(marker, 3);
  const lines = await readLines(marker);
  assert.match(lines[2]!, / witness$/);
  assert.equal(lines.filter((line) => line.endsWith(" web")).length, 1);
  assert.deepEqual(await watchRestarts(ws), []);
  assert.equal((await tend(ws, ["down"])).code, 0);
});

Deno.test("tend reload applies a changed watch without a restart", async () => {
  const { ws, marker } = await watchedWorkspace();
  await using _ws = ws;
  const config = await Deno.readTextFile(ws.path("tend.toml"));
  await ws.writeConfig(
    config.replace('watch = ["src/**/*.ts"]', 'watch = ["lib/*.js"]'),
  );
  const reload = await tend(ws, ["reload"]);
  assert.equal(reload.code, 0, JSON.stringify(reload));
  assert.equal((await readLines(marker)).length, 1, "reload restarted nothing");
  await Deno.mkdir(ws.path("lib"));
  await Deno.writeTextFile(ws.path("lib/new.js"), "x");
  await waitForLines(marker, 2);
  const restarts = await watchRestarts(ws);
  assert.equal(restarts.length, 1, restarts.join("\n"));
  assert.match(restarts[0]!, /lib\/new\.js changed/);
  assert.equal((await tend(ws, ["down"])).code, 0);
});
