import assert from "node:assert/strict";
import {
  fixtureService,
  makeTempWorkspace,
  spawnTend,
  type TempWorkspace,
  tend,
  waitFor,
} from "../_helpers.ts";
import { fromFileUrl } from "../_path.ts";
import { LineSplitter } from "../../src/logs/line_splitter.ts";
import { backupPath, rotateLog } from "../../src/logs/rotate_log.ts";
import { assertHumanError, assertRun } from "./_assert.ts";

const COUNTER = fromFileUrl(new URL("../fixtures/counter.ts", import.meta.url));

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
const text = (from: number, to: number) =>
  numbered(from, to).map((line) => `${line}\n`).join("");

/** The default log file of service `name`. */
function logOf(ws: TempWorkspace, name: string): string {
  return ws.path(`.tend/log/${name}.log`);
}

/** A workspace with the (never started) services `names`. */
async function workspaceWith(...names: string[]): Promise<TempWorkspace> {
  const ws = await makeTempWorkspace(
    names.map((n) => fixtureService(n)).join(""),
  );
  await Deno.mkdir(ws.path(".tend/log"), { recursive: true });
  return ws;
}

/** Reads lines of a child's stdout, each within a deadline. */
function lineReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const splitter = new LineSplitter();
  const queue: string[] = [];
  return {
    async next(timeoutMs = 15_000): Promise<string> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no line within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        while (queue.length === 0) {
          const { value, done } = await Promise.race([reader.read(), timeout]);
          if (done) throw new Error("the output ended");
          queue.push(...splitter.push(value));
        }
        return queue.shift()!;
      } finally {
        clearTimeout(timer);
      }
    },
    async cancel(): Promise<void> {
      await reader.cancel();
    },
  };
}

/** SIGKILLs a process of this test by PID; it may be gone already. */
function sigkill(pid: number): void {
  try {
    Deno.kill(pid, "SIGKILL");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

Deno.test("tend logs NAME -n N prints the last N lines; the default is 50", async () => {
  await using ws = await workspaceWith("web");
  await Deno.writeTextFile(logOf(ws, "web"), text(1, 60));
  assertRun(await tend(ws, ["logs", "web", "-n", "3"]), {
    code: 0,
    stdout: text(58, 60),
    stderr: "",
  });
  assertRun(await tend(ws, ["logs", "web"]), {
    code: 0,
    stdout: text(11, 60),
    stderr: "",
  });
});

Deno.test("tend logs up prints the log of a service named up and exits like any logs call", async () => {
  await using ws = await workspaceWith("up", "web");
  await Deno.writeTextFile(logOf(ws, "up"), text(1, 3));
  assertRun(await tend(ws, ["logs", "up"]), {
    code: 0,
    stdout: text(1, 3),
    stderr: "",
  });
  assertRun(await tend(ws, ["logs", "-n", "1", "up", "--json"]), {
    code: 0,
    stdout: `${JSON.stringify({ service: "up", line: "line 3" })}\n`,
    stderr: "",
  });
});

Deno.test("tend logs NAME continues into NAME.log.1 when the log is shorter", async () => {
  await using ws = await workspaceWith("web");
  await Deno.writeTextFile(backupPath(logOf(ws, "web"), 1), text(1, 5));
  await Deno.writeTextFile(logOf(ws, "web"), text(6, 7));
  assertRun(await tend(ws, ["logs", "web", "-n", "4"]), {
    code: 0,
    stdout: text(4, 7),
    stderr: "",
  });
});

Deno.test("tend logs without a name shows every service, prefixed; --json gives objects", async () => {
  await using ws = await workspaceWith("web", "worker", "quiet");
  await Deno.writeTextFile(logOf(ws, "web"), "w1\nw2\nw3\n");
  await Deno.writeTextFile(logOf(ws, "worker"), "k1\nk2\n");
  assertRun(await tend(ws, ["logs", "-n", "2"]), {
    code: 0,
    stdout: "web | w2\nweb | w3\nworker | k1\nworker | k2\n",
    stderr: "",
  });
  const json = await tend(ws, ["logs", "worker", "--json"]);
  assertRun(json, { code: 0, stdout: /^\{/, stderr: "" });
  assert.deepEqual(
    json.stdout.trimEnd().split("\n").map((l) => JSON.parse(l)),
    [
      { service: "worker", line: "k1" },
      { service: "worker", line: "k2" },
    ],
  );
});

Deno.test("tend logs prints nothing for a log not written yet", async () => {
  await using ws = await workspaceWith("web");
  assertRun(await tend(ws, ["logs", "web"]), {
    code: 0,
    stdout: "",
    stderr: "",
  });
});

Deno.test("tend logs rejects an unknown service and a bad -n", async () => {
  await using ws = await workspaceWith("web");
  assertHumanError(await tend(ws, ["logs", "nope"]), {
    code: 4,
    message: /"nope"/,
  });
  assertHumanError(await tend(ws, ["logs", "web", "-n", "many"]), {
    code: 2,
    message: /-n "many"/,
  });
});

Deno.test("tend logs -f prints new lines of every service as they come, prefixed", async () => {
  await using ws = await workspaceWith("web", "worker");
  await Deno.writeTextFile(logOf(ws, "web"), "old web\n");
  const child = spawnTend(ws, ["logs", "-f", "-n", "1"]);
  const stderr = new Response(child.stderr).text();
  const lines = lineReader(child.stdout);
  try {
    assert.equal(await lines.next(), "web | old web");
    // worker.log does not exist yet: the follower waits for it.
    await Deno.writeTextFile(logOf(ws, "worker"), "k1\n", { append: true });
    assert.equal(await lines.next(), "worker | k1");
    await Deno.writeTextFile(logOf(ws, "web"), "w1\n", { append: true });
    assert.equal(await lines.next(), "web | w1");
  } finally {
    sigkill(child.pid);
    await child.status;
    await lines.cancel();
  }
  assert.equal(await stderr, "");
});

Deno.test("tend logs -f follows a running service across rotations without a gap", async () => {
  await using ws = await makeTempWorkspace(`[[processes]]
name = "ticker"
command = ${JSON.stringify(Deno.execPath())}
args = ${JSON.stringify(["run", COUNTER, "--batch", "1", "--delay", "10"])}
`);
  const log = logOf(ws, "ticker");
  assertRun(await tend(ws, ["start", "ticker"]), {
    code: 0,
    stdout: /^started "ticker" \(pid \d+\)\n$/,
    stderr: "",
  });
  await waitFor(
    async () => ((await Deno.stat(log).catch(() => null))?.size ?? 0) > 0,
    {
      message: "the ticker to write its log",
    },
  );
  const child = spawnTend(ws, ["logs", "ticker", "-f", "-n", "3"]);
  const stderr = new Response(child.stderr).text();
  const lines = lineReader(child.stdout);
  const seen: string[] = [];
  const readUntil = async (count: number) => {
    while (seen.length < count) seen.push(await lines.next());
  };
  try {
    await readUntil(10);
    for (let rotation = 1; rotation <= 3; rotation++) {
      const { copiedBytes } = await rotateLog(log, { backups: 3 });
      assert.ok(copiedBytes > 0);
      await readUntil(10 + 15 * rotation);
    }
  } finally {
    sigkill(child.pid);
    await child.status;
    await lines.cancel();
  }
  assert.equal(await stderr, "");
  assertRun(await tend(ws, ["stop", "ticker"]), {
    code: 0,
    stdout: /stopped "ticker"/,
    stderr: "",
  });
  // What was printed is exactly what the log files hold from the first
  // line printed on: nothing skipped, nothing twice.
  let onDisk = "";
  for (const n of [3, 2, 1]) {
    onDisk += await Deno.readTextFile(backupPath(log, n));
  }
  onDisk += await Deno.readTextFile(log);
  const all = onDisk.split("\n");
  const from = all.indexOf(seen[0]!);
  assert.ok(from >= 0, `${seen[0]} is not in the logs`);
  assert.deepEqual(seen, all.slice(from, from + seen.length));
  assert.match(seen[0]!, /^line \d{6}$/);
});
