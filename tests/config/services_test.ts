import assert from "node:assert/strict";
import {
  dependencyOrder,
  expandNames,
  serviceByName,
} from "../../src/config/services.ts";
import { TendError } from "../../src/errors.ts";
import { parse } from "./_helpers.ts";

function service(name: string, ...lines: string[]): string {
  return ["[[processes]]", `name = "${name}"`, 'command = "x"', ...lines].join(
    "\n",
  );
}

const CONFIG = parse([
  service("web", "instances = 2", 'depends_on = ["api"]'),
  service("api", 'depends_on = ["db", "cache"]'),
  service("db", "instances = 2"),
  service("cache"),
  service("worker", 'depends_on = ["db"]'),
].join("\n"));

Deno.test("serviceByName() finds an instance by its name", () => {
  assert.equal(serviceByName(CONFIG, "web.1")?.instance, 1);
  assert.equal(serviceByName(CONFIG, "api")?.group, "api");
  assert.equal(serviceByName(CONFIG, "web"), undefined);
  assert.equal(serviceByName(CONFIG, "nope"), undefined);
});

Deno.test("expandNames() turns service names into instance names", async (t) => {
  const cases: [string[], string[]][] = [
    [[], []],
    [["api"], ["api"]],
    [["web"], ["web.0", "web.1"]],
    [["db.1"], ["db.1"]],
    [["cache", "web", "web.0"], ["cache", "web.0", "web.1"]],
  ];
  for (const [names, expected] of cases) {
    await t.step(JSON.stringify(names), () => {
      assert.deepEqual(expandNames(CONFIG, names), expected);
    });
  }
});

Deno.test("expandNames() throws UNKNOWN_SERVICE listing the known services", () => {
  assert.throws(
    () => expandNames(CONFIG, ["api", "nope"]),
    (error: unknown) => {
      assert.ok(error instanceof TendError);
      assert.equal(error.code, "UNKNOWN_SERVICE");
      assert.equal(
        error.message,
        'Cannot find service "nope" in "/w/tend.toml"',
      );
      assert.equal(
        error.hint,
        "Known services: web (web.0 to web.1), api, db (db.0 to db.1), cache, worker",
      );
      return true;
    },
  );
});

Deno.test("expandNames() says when no services are configured", () => {
  assert.throws(() => expandNames(parse(""), ["web"]), {
    name: "TendError",
    hint: 'No services are configured in "/w/tend.toml"',
  });
});

Deno.test("dependencyOrder() puts dependencies first, transitively", async (t) => {
  const cases: [string[], string[]][] = [
    [[], []],
    [["cache"], ["cache"]],
    [["worker"], ["db.0", "db.1", "worker"]],
    [["web.0"], ["db.0", "db.1", "cache", "api", "web.0"]],
    [["web"], ["db.0", "db.1", "cache", "api", "web.0", "web.1"]],
    [["worker", "api"], ["db.0", "db.1", "worker", "cache", "api"]],
    [
      CONFIG.services.map((s) => s.name),
      ["db.0", "db.1", "cache", "api", "web.0", "web.1", "worker"],
    ],
  ];
  for (const [names, expected] of cases) {
    await t.step(JSON.stringify(names), () => {
      assert.deepEqual(dependencyOrder(CONFIG, names), expected);
    });
  }
});

Deno.test("dependencyOrder() rejects unknown names", () => {
  assert.throws(() => dependencyOrder(CONFIG, ["nope"]), {
    name: "TendError",
  });
});
