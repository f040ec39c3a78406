import assert from "node:assert/strict";
import { quickConfig } from "../../src/config/quick.ts";
import { configSchema } from "../../src/config/schema.ts";
import { loadCronCheck } from "../../src/config/_schedule.ts";
import { parseTomlText } from "../../src/config/_toml.ts";

await loadCronCheck();

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DURATIONS = [
  0,
  0.25,
  1,
  "100ms",
  "2m",
  "1h",
  " 3s ",
  "5x",
  -1,
  "0s",
  1e9,
  2147483.647,
  2147484,
  ".5s",
];
const SIZES = [1, "10MB", "0B", 0, "5kb", 1.5, "1.5kb", -3, "2 GiB", "1e3"];
const COUNTS = [0, 5, -1, 1.5, "3", 2 ** 53];
const BOOLEANS = [true, false, "yes"];
const GLOBS = [["src/**/*.ts"], ["/abs"], ["a/../b"], [], [""], "src", [
  "a",
  "b/c",
]];
const HOOKS = ["echo hi", "", 3];

/** Values each field is drawn from: valid ones mostly, and a few that are not. */
const SERVICE_VALUES: Record<string, unknown[]> = {
  name: ["web", "db", "worker", "w-1", "web", "db", "bad.name", "", 5],
  command: ["node", "sleep", "", 1],
  type: ["service", "oneshot", "job"],
  args: [[], ["{port}"], ["--db", "{services.db.port}"], ["x"], "x", [1], [
    "{services.web.host}",
  ], ["{services.nope.port}"]],
  "working_directory": ["app", "", 3],
  env: [{}, { A: "1" }, { PORT: "{port}" }, { "A=B": "1" }, { A: 1 }, {
    DB: "{services.db.host}:{services.db.port}",
  }, { Z: "z", A: "a", "1": "one" }],
  "env_file": [
    ".env",
    "",
    [".env", { path: ".env.local", optional: true }],
    { optional: true, path: ".x" },
    { path: "" },
    [],
    3,
    { path: "p", extra: 1 },
  ],
  port: [8080, 0, 65535, 65536, 3000, 3000.5, "80", 65500, 5432],
  "port_strategy": ["next", "fail", "x"],
  "auto_restart": BOOLEANS,
  restart: ["always", "on-failure", "never", "sometimes"],
  "success_exit_codes": [[0], [0, 1], [256], [], "0", [-1]],
  "restart_delay": DURATIONS,
  "restart_delay_max": DURATIONS,
  "min_uptime": DURATIONS,
  "max_restarts": COUNTS,
  "restart_window": DURATIONS,
  ready: [
    { tcp: 8080 },
    { tcp: "{port}" },
    { tcp: " localhost:3000 " },
    { tcp: 70000 },
    { tcp: "{services.db.port}" },
    { http: "http://127.0.0.1:{port}/" },
    { http: "ftp://x" },
    { log: "ready" },
    { log: "(" },
    { command: "true" },
    { command: "" },
    {},
    { tcp: 1, log: "x" },
    "tcp",
    { unknown: 1 },
  ],
  "ready_timeout": DURATIONS,
  "min_ready": DURATIONS,
  "stop_signal": ["SIGTERM", "int", "  hup ", "SIGUSR1", "KILL", "SIGFOO", 15],
  "stop_timeout": DURATIONS,
  "depends_on": [[], ["db"], ["web"], ["nope"], ["db", "db"], "db", ["worker"]],
  instances: [1, 2, 3, 64, 65, 0],
  "max_instances": [1, 2, 10, 0],
  autostart: BOOLEANS,
  "check_interval": DURATIONS,
  "capture_output": BOOLEANS,
  "log_file": ["logs/web.log", "", "x.log", "noext"],
  "log_max_size": SIZES,
  "max_log_size": SIZES,
  "log_backups": COUNTS,
  image: ["node:20", ""],
  watch: GLOBS,
  "watch_ignore": GLOBS,
  "watch_debounce": DURATIONS,
  "on_ready": HOOKS,
  "on_exit": HOOKS,
  "on_failed": HOOKS,
  "on_restart": HOOKS,
  "hook_timeout": DURATIONS,
  "max_memory": SIZES,
  schedule: ["*/5 * * * *", "61 * * * *", {
    cron: "0 * * * *",
    timezone: "UTC",
  }],
  timezone: ["Europe/Paris", "Nowhere/Land"],
  overlap: ["skip", "queue", "never"],
  bogus: [1],
};

const DAEMON_VALUES: Record<string, unknown[]> = {
  "pid_file": ["run/tend.pid", ""],
  "log_file": ["logs/tend.log", ""],
  "check_interval": DURATIONS,
  http: [
    true,
    false,
    "127.0.0.1:8644",
    "0.0.0.0:8080",
    "[::1]:9000",
    "localhost:99999",
    "bad",
    5,
  ],
  "http_allow_remote": BOOLEANS,
  "log_max_size": SIZES,
  "log_backups": COUNTS,
  bogus: [1],
};

/** Fields that only zod settles (the cron check), and the unknown one. */
const RARE = new Set(["schedule", "timezone", "overlap", "bogus"]);

function generator(seed: number) {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T =>
    items[Math.floor(next() * items.length)]!;
  const table = (values: Record<string, unknown[]>, density: number) => {
    const out: Record<string, unknown> = {};
    for (const [field, pool] of Object.entries(values)) {
      const chance = RARE.has(field) ? 0.01 : density;
      if (next() < chance) out[field] = structuredClone(pick(pool));
    }
    return out;
  };
  const service = () => {
    const entry = table(SERVICE_VALUES, 0.08);
    // Most entries are plainly valid in their required fields.
    if (next() < 0.9) entry.name = pick(["web", "db", "worker", "cache"]);
    if (next() < 0.9) entry.command = "node";
    return entry;
  };
  return (): Record<string, unknown> => {
    const doc: Record<string, unknown> = {};
    const services = Array.from({ length: Math.floor(next() * 4) }, service);
    const where = next();
    if (where < 0.85) doc.processes = services;
    else if (where < 0.93) doc.services = services;
    else if (where < 0.96) {
      doc.processes = services;
      doc.services = [];
    }
    if (next() < 0.35) doc.daemon = table(DAEMON_VALUES, 0.2);
    if (next() < 0.02) doc.extra = 1;
    if (next() < 0.01) doc.processes = pick([{}, "x", [1], [new Date(0)]]);
    return doc;
  };
}

function hasRareField(doc: Record<string, unknown>): boolean {
  const entries = [doc.processes, doc.services].flatMap((list) =>
    Array.isArray(list) ? list : []
  );
  return entries.some((entry) =>
    typeof entry === "object" && entry !== null &&
    Object.keys(entry).some((key) => RARE.has(key))
  );
}

Deno.test("quickConfig() gives what configSchema gives, and settles every valid config without a schedule", () => {
  const seed = Number(Deno.env.get("QUICK_SEED") ?? 20261130);
  const next = generator(seed);
  let settled = 0;
  let valid = 0;
  for (let i = 0; i < 6000; i++) {
    const doc = next();
    const quick = quickConfig(doc);
    const zod = configSchema.safeParse(doc, { jitless: true });
    const where = `seed ${seed}, document ${i}: ${JSON.stringify(doc)}`;
    if (zod.success) valid++;
    if (quick !== null) {
      settled++;
      assert.ok(zod.success, `settled a document zod refuses (${where})`);
      // The same values, keys in the same order (fingerprints are JSON).
      assert.deepStrictEqual(quick, zod.data, where);
      assert.equal(JSON.stringify(quick), JSON.stringify(zod.data), where);
    } else if (zod.success) {
      assert.ok(
        hasRareField(doc),
        `left a plain valid document to zod (${where})`,
      );
    }
  }
  // The generator must reach both sides often enough to mean something.
  assert.ok(settled > 1000, `only ${settled} documents settled`);
  assert.ok(6000 - valid > 1000, `only ${6000 - valid} invalid documents`);
});

/** Compares the two on `doc`: the same config, or quick leaves it to zod. */
function assertAgree(doc: Record<string, unknown>, where: string): void {
  const quick = quickConfig(doc);
  const zod = configSchema.safeParse(doc, { jitless: true });
  if (quick === null) {
    assert.ok(!zod.success || hasRareField(doc), `left to zod: ${where}`);
    return;
  }
  assert.ok(zod.success, `settled a document zod refuses: ${where}`);
  assert.deepStrictEqual(quick, zod.data, where);
  assert.equal(JSON.stringify(quick), JSON.stringify(zod.data), where);
}

Deno.test("quickConfig() agrees with configSchema on every value of every field, one at a time", () => {
  const db = { name: "db", command: "x", port: 5432 };
  for (const [field, values] of Object.entries(SERVICE_VALUES)) {
    for (const value of values) {
      const web = { name: "web", command: "node", [field]: value };
      assertAgree({ processes: [web, db] }, JSON.stringify(web));
    }
  }
  for (const [field, values] of Object.entries(DAEMON_VALUES)) {
    for (const value of values) {
      const daemon = { [field]: value };
      assertAgree({ daemon, processes: [db] }, JSON.stringify(daemon));
    }
  }
});

Deno.test("quickConfig() agrees with configSchema on the README's configs and the examples", async () => {
  const texts: [string, string][] = [];
  for (
    const file of await tomlFiles(new URL("../../examples/", import.meta.url))
  ) {
    texts.push([file, await Deno.readTextFile(file)]);
  }
  const readme = await Deno.readTextFile(
    new URL("../../README.md", import.meta.url),
  );
  for (
    const [i, block] of [...readme.matchAll(/```toml\n([\s\S]*?)```/g)]
      .entries()
  ) {
    texts.push([`README.md, TOML block ${i + 1}`, block[1]!]);
  }
  let settled = 0;
  for (const [where, text] of texts) {
    let doc: unknown;
    try {
      doc = parseTomlText(text, where);
    } catch {
      continue; // a fragment of a file
    }
    if (!isRecord(doc)) continue;
    assertAgree(doc, where);
    if (quickConfig(doc) !== null) settled++;
  }
  assert.ok(settled >= 3, `only ${settled} of ${texts.length} settled`);
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

Deno.test("quickConfig() leaves to zod what it does not know for sure", () => {
  const web = { name: "web", command: "node" };
  for (
    const doc of [
      null,
      [],
      "x",
      new Date(0),
      { processes: [web], extra: 1 },
      { processes: [{ ...web, schedule: "*/5 * * * *" }] },
      { processes: [web], services: [web] },
      { processes: [web, web] },
      { processes: [{ ...web, depends_on: ["web"] }] },
      { processes: [{ ...web, args: ["{port}"] }] },
      { processes: [{ ...web, env: JSON.parse('{"__proto__": "x"}') }] },
      { processes: [Object.assign(Object.create({ name: "web" }), web)] },
      { daemon: { http: "0.0.0.0:8080" }, processes: [web] },
      { processes: [{ ...web, restart_delay: "2s", restart_delay_max: "1s" }] },
      { processes: [{ ...web, args: ["a\0b"] }] },
      { processes: [{ ...web, env: { X: "\0" } }] },
      { daemon: { log_file: "tend\0.log" }, processes: [web] },
    ]
  ) {
    assert.equal(quickConfig(doc), null, JSON.stringify(doc));
  }
  assert.notEqual(quickConfig({ processes: [web] }), null);
  assert.deepEqual(quickConfig({})?.services, []);
});

async function tomlFiles(dir: URL): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) found.push(...await tomlFiles(url));
    else if (entry.name.endsWith(".toml")) found.push(url.pathname);
  }
  return found;
}
