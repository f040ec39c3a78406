import assert from "node:assert/strict";
import { parseState } from "../../src/workspace/state_schema.ts";
import {
  emptyState,
  readState,
  type ServiceRecord,
  type StateFile,
  writeState,
} from "../../src/workspace/state_file.ts";
import { makeTempDir, tendError } from "../fence/_helpers.ts";

const RECORD: ServiceRecord = {
  desired: "running",
  identity: { pid: 4321, startTicks: 123_456, bootId: "boot-1" },
  port: 8642,
  startedAt: "2024-05-01T10:00:00.000Z",
  restarts: 2,
  lastExit: { code: 1, signal: null, at: "2024-05-01T09:59:00.000Z" },
  fingerprint: '{"command":"python3"}',
};

const STOPPED: ServiceRecord = {
  desired: "stopped",
  identity: null,
  port: null,
  startedAt: null,
  restarts: 0,
  lastExit: null,
  fingerprint: null,
};

const STATE: StateFile = {
  version: 1,
  services: { web: RECORD, "db.0": STOPPED },
};

/** state.json text with `web`'s record changed by `patch`. */
function withWeb(patch: Record<string, unknown>): string {
  return JSON.stringify({
    version: 1,
    services: { web: { ...RECORD, ...patch } },
  });
}

Deno.test("parseState() returns every field of a valid file", () => {
  assert.deepEqual(parseState(JSON.stringify(STATE)), STATE);
});

Deno.test("parseState() accepts an empty service map", () => {
  assert.deepEqual(
    parseState('{"version":1,"services":{}}'),
    emptyState(),
  );
});

Deno.test("parseState() drops unknown fields", () => {
  const text = JSON.stringify({
    version: 1,
    extra: true,
    services: { web: { ...RECORD, extra: "x" } },
  });
  assert.deepEqual(parseState(text), { version: 1, services: { web: RECORD } });
});

Deno.test("parseState() accepts a signal exit and a name with dots and dashes", () => {
  const record = {
    ...RECORD,
    lastExit: { code: null, signal: "SIGKILL", at: RECORD.startedAt },
  };
  const text = JSON.stringify({
    version: 1,
    services: { "api-v2_x.3": record },
  });
  assert.deepEqual(parseState(text)?.services["api-v2_x.3"], record);
});

Deno.test("parseState() returns null for damaged files", async (t) => {
  const cases: [string, string][] = [
    ["not JSON", "{version: 1"],
    ["empty text", ""],
    ["JSON null", "null"],
    ["a number", "1"],
    ["an array at the top", "[]"],
    ["no version", '{"services":{}}'],
    ["wrong version", '{"version":2,"services":{}}'],
    ["version as a string", '{"version":"1","services":{}}'],
    ["services missing", '{"version":1}'],
    ["services an array", '{"version":1,"services":[]}'],
    ["services null", '{"version":1,"services":null}'],
    ["a record that is an array", '{"version":1,"services":{"web":[]}}'],
    ["a record that is null", '{"version":1,"services":{"web":null}}'],
    ["bad desired", withWeb({ desired: "maybe" })],
    [
      "identity with pid 0",
      withWeb({ identity: { ...RECORD.identity, pid: 0 } }),
    ],
    [
      "identity with a string pid",
      withWeb({ identity: { ...RECORD.identity, pid: "1" } }),
    ],
    [
      "identity without a boot id",
      withWeb({ identity: { pid: 1, startTicks: 1 } }),
    ],
    [
      "identity with an empty boot id",
      withWeb({ identity: { ...RECORD.identity, bootId: "" } }),
    ],
    [
      "identity with a huge pid",
      withWeb({ identity: { ...RECORD.identity, pid: 2 ** 60 } }),
    ],
    [
      "identity with negative start",
      withWeb({ identity: { ...RECORD.identity, startTicks: -1 } }),
    ],
    ["port 0", withWeb({ port: 0 })],
    ["port 65536", withWeb({ port: 65_536 })],
    ["port 1.5", withWeb({ port: 1.5 })],
    ["port as a string", withWeb({ port: "8080" })],
    ["port missing", withWeb({ port: undefined })],
    ["bad startedAt", withWeb({ startedAt: "yesterday" })],
    ["startedAt a number", withWeb({ startedAt: 1_700_000_000_000 })],
    [
      "startedAt too long",
      withWeb({ startedAt: `${RECORD.startedAt}${" ".repeat(40)}` }),
    ],
    ["negative restarts", withWeb({ restarts: -1 })],
    ["fractional restarts", withWeb({ restarts: 1.5 })],
    ["huge restarts", withWeb({ restarts: 1e300 })],
    ["restarts as a string", withWeb({ restarts: "2" })],
    ["restarts null", withWeb({ restarts: null })],
    ["lastExit without at", withWeb({ lastExit: { code: 1, signal: null } })],
    [
      "lastExit with a bad date",
      withWeb({ lastExit: { code: 1, signal: null, at: "never" } }),
    ],
    [
      "lastExit with a huge code",
      withWeb({ lastExit: { code: 1e20, signal: null, at: RECORD.startedAt } }),
    ],
    [
      "lastExit with a numeric signal",
      withWeb({ lastExit: { code: null, signal: 9, at: RECORD.startedAt } }),
    ],
    ["lastExit an array", withWeb({ lastExit: [] })],
    ["fingerprint a number", withWeb({ fingerprint: 1 })],
    ["fingerprint missing", withWeb({ fingerprint: undefined })],
  ];
  for (const [label, text] of cases) {
    await t.step(label, () => {
      assert.equal(parseState(text), null);
    });
  }
});

Deno.test("parseState() returns null for unsafe service names", async (t) => {
  const names = [
    "a/b",
    "../etc",
    "..",
    ".",
    ".hidden",
    "-dash",
    "_under",
    "__proto__",
    "",
    "with space",
    "a\nb",
    "x".repeat(72),
  ];
  for (const name of names) {
    await t.step(JSON.stringify(name), () => {
      const text = JSON.stringify({ version: 1, services: { [name]: RECORD } });
      assert.equal(parseState(text), null);
    });
  }
});

Deno.test("readState() and writeState() round-trip a state", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("state.json");
  await writeState(path, STATE);
  assert.deepEqual(await readState(path), STATE);
  const info = await Deno.stat(path);
  assert.equal(info.mode! & 0o777, 0o600);
  assert.ok((await Deno.readTextFile(path)).endsWith("}\n"));
  const entries = [];
  for await (const entry of Deno.readDir(dir.path)) entries.push(entry.name);
  assert.deepEqual(entries, ["state.json"], "no temp file is left behind");
});

Deno.test("writeState() replaces an existing state", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("state.json");
  await writeState(path, STATE);
  await writeState(path, emptyState());
  assert.deepEqual(await readState(path), emptyState());
});

Deno.test("readState() returns an empty state when the file is absent", async () => {
  await using dir = await makeTempDir();
  assert.deepEqual(await readState(dir.join("state.json")), emptyState());
});

Deno.test("readState() throws PID_FILE_CORRUPTED on garbage", async (t) => {
  await using dir = await makeTempDir();
  const path = dir.join("state.json");
  for (const text of ["not json", '{"version":9,"services":{}}', "[]"]) {
    await t.step(JSON.stringify(text), async () => {
      await Deno.writeTextFile(path, text);
      await assert.rejects(readState(path), tendError("PID_FILE_CORRUPTED"));
    });
  }
});

Deno.test("readState() throws PERMISSION_DENIED on a symlink", async () => {
  await using dir = await makeTempDir();
  const target = dir.join("real.json");
  await Deno.writeTextFile(target, JSON.stringify(STATE));
  const path = dir.join("state.json");
  await Deno.symlink(target, path);
  await assert.rejects(readState(path), tendError("PERMISSION_DENIED"));
});

Deno.test("readState() throws FILE_IN_THE_WAY on a directory", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("state.json");
  await Deno.mkdir(path);
  await assert.rejects(readState(path), tendError("FILE_IN_THE_WAY"));
});
