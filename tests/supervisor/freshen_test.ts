import assert from "node:assert/strict";
import { parseConfigText } from "../../src/config/validate.ts";
import type { Config } from "../../src/config/schema.ts";
import { TendError } from "../../src/errors.ts";
import {
  appliedSummary,
  configDrift,
  planFreshen,
  requestedNames,
  touchedServices,
  unknownToSupervisor,
} from "../../src/supervisor/freshen.ts";

/** A config of services given as `name: extra TOML lines`. */
function config(services: Record<string, string>): Config {
  const text = Object.entries(services).map(([name, extra]) =>
    `[[processes]]\nname = "${name}"\ncommand = "sleep"\n${extra}\n`
  ).join("");
  return parseConfigText(text, {
    file: "/ws/tend.toml",
    workspace: "/ws",
  });
}

const names = (c: Config) => c.services.map((s) => s.name);

Deno.test("touchedServices() adds the file's dependencies of the named services", () => {
  const disk = config({ db: "", web: 'depends_on = ["db"]', cron: "" });
  assert.deepEqual(
    touchedServices(disk, { names: ["web"], running: config({ web: "" }) }),
    ["db", "web"],
  );
});

Deno.test("touchedServices() refuses a name the file does not list, hinting at reload when it still runs", async (t) => {
  const disk = config({ web: "" });
  await t.step("never known", () => {
    assert.throws(
      () => touchedServices(disk, { names: ["nope"], running: disk }),
      (error) =>
        error instanceof TendError && error.code === "UNKNOWN_SERVICE" &&
        error.hint === "Known services: web",
    );
  });
  await t.step("removed from the file, still running", () => {
    const running = config({ web: "", old: "" });
    assert.throws(
      () => touchedServices(disk, { names: ["old"], running }),
      (error) =>
        error instanceof TendError && error.code === "UNKNOWN_SERVICE" &&
        /"tend reload" stops it/.test(error.hint ?? ""),
    );
  });
});

Deno.test("planFreshen() applies the file to the touched services only", () => {
  const current = config({
    a: "port = 8000",
    b: 'restart_delay = "1s"',
    c: "",
    gone: "",
  });
  const disk = config({
    a: "port = 8001", // restart needed
    b: 'restart_delay = "2s"', // policy only
    c: "port = 9000", // changed, but not touched
    cron: "", // new, touched
    later: "", // new, not touched
  });
  const plan = planFreshen(current, { disk, touched: ["a", "b", "cron"] });
  assert.deepEqual(plan.added, ["cron"]);
  assert.deepEqual(plan.changed, ["a", "b"]);
  assert.deepEqual(plan.restart, ["a"]);
  assert.deepEqual(names(plan.config), ["a", "b", "c", "cron", "gone"]);
  const byName = new Map(plan.config.services.map((s) => [s.name, s]));
  assert.equal(byName.get("a")?.port, 8001);
  assert.equal(byName.get("b")?.restartDelayMs, 2000);
  assert.equal(byName.get("c")?.port, null, "c keeps its running definition");
  assert.deepEqual(appliedSummary(plan, disk.file), {
    file: "/ws/tend.toml",
    added: ["cron"],
    changed: ["a", "b"],
  });
});

Deno.test("planFreshen() of an unchanged file changes nothing", () => {
  const current = config({ a: "", b: 'env = { X = "1", Y = "2" }' });
  const disk = config({ a: "", b: 'env = { Y = "2", X = "1" }' });
  const plan = planFreshen(current, { disk, touched: ["a", "b"] });
  assert.equal(appliedSummary(plan, disk.file), null);
  assert.deepEqual(names(plan.config), ["a", "b"]);
});

Deno.test("configDrift() names added, removed and changed services, or null", () => {
  const running = config({ a: "", b: "", c: "" });
  assert.equal(configDrift(running, config({ a: "", b: "", c: "" })), null);
  assert.deepEqual(
    configDrift(running, config({ a: "", b: "autostart = false", d: "" })),
    {
      file: "/ws/tend.toml",
      added: ["d"],
      removed: ["c"],
      changed: ["b"],
      error: null,
    },
  );
});

Deno.test("unknownToSupervisor() hints at start and reload when only the file lists the service", () => {
  const running = config({ a: "" });
  const hinted = unknownToSupervisor("cron", {
    running,
    disk: config({ a: "", cron: "" }),
  });
  assert.equal(hinted.code, "UNKNOWN_SERVICE");
  assert.match(hinted.hint ?? "", /"tend start cron" or "tend reload"/);
  const plain = unknownToSupervisor("nope", { running, disk: null });
  assert.equal(plain.hint, "Known services: a");
});

Deno.test("requestedNames() stands for the autostart or the running services when none are named", async (t) => {
  const disk = config({ a: "", b: "autostart = false", c: "" });
  const states = [["a", "stopped"], ["b", "running"], ["gone", "running"]] as [
    string,
    string,
  ][];
  await t.step("named", () => {
    assert.deepEqual(
      requestedNames(disk, { names: ["b"], all: "autostart", states }),
      ["b"],
    );
  });
  await t.step("start: the file's autostart services", () => {
    assert.deepEqual(
      requestedNames(disk, { names: [], all: "autostart", states }),
      ["a", "c"],
    );
  });
  await t.step("restart: those not stopped that the file lists", () => {
    assert.deepEqual(
      requestedNames(disk, { names: [], all: "running", states }),
      ["b"],
    );
  });
  await t.step("restart with nothing running: the autostart ones", () => {
    assert.deepEqual(
      requestedNames(disk, {
        names: [],
        all: "running",
        states: [["a", "stopped"]],
      }),
      ["a", "c"],
    );
  });
});
