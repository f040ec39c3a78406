import assert from "node:assert/strict";
import {
  fillReferences,
  findReferences,
  portEnvironment,
  portVariable,
} from "../../src/config/references.ts";
import { parse, parseError } from "./_helpers.ts";

const PREFIX = 'Cannot load config "/w/tend.toml": ';

function service(name: string, ...lines: string[]): string {
  return ["[[processes]]", `name = "${name}"`, 'command = "x"', ...lines, ""]
    .join("\n");
}

Deno.test("fillReferences() fills {port} and another service's port and host", () => {
  const values = { port: 8080, ports: new Map([["db", 6391], ["web.1", 9]]) };
  assert.equal(
    fillReferences(
      "{port} redis://{services.db.host}:{services.db.port} {services.web.1.port}",
      values,
    ),
    "8080 redis://127.0.0.1:6391 9",
  );
  // A service without a known port is left as written.
  assert.equal(
    fillReferences("{services.cache.port}", values),
    "{services.cache.port}",
  );
  assert.deepEqual(findReferences("a {services.db.port} {services.x.host}"), [
    { name: "db", field: "port", text: "{services.db.port}" },
    { name: "x", field: "host", text: "{services.x.host}" },
  ]);
});

Deno.test("portVariable() upper-cases the name and turns the rest into _", () => {
  assert.equal(portVariable("db"), "TEND_DB_PORT");
  assert.equal(portVariable("web-api.1"), "TEND_WEB_API_1_PORT");
  assert.deepEqual(portEnvironment(new Map([["db", 6390]])), {
    TEND_DB_PORT: "6390",
  });
});

Deno.test("a config lists the services each one refers to", () => {
  const config = parse(
    service("db", "port = 6390") +
      service(
        "web",
        'args = ["--db", "{services.db.port}"]',
        'env = { DB_HOST = "{services.db.host}" }',
        'ready = { tcp = "{services.db.host}:{services.db.port}" }',
      ),
  );
  assert.deepEqual(config.services[1]?.references, ["db"]);
  assert.deepEqual(config.services[0]?.references, []);
});

Deno.test("a reference to an unknown service is a config error naming both", () => {
  const error = parseError(
    service("db", "port = 6390") +
      service("web", 'args = ["{services.dbx.port}"]'),
  );
  assert.equal(
    error.message,
    PREFIX +
      'processes[1] ("web").args[0] refers to {services.dbx.port} but there is no service "dbx"',
  );
  assert.equal(error.hint, "Known services: db, web");
});

Deno.test("a reference to a service without a port is a config error naming both", () => {
  const error = parseError(
    service("db") + service("web", 'env = { DB = "{services.db.host}" }'),
  );
  assert.equal(
    error.message,
    PREFIX +
      'processes[1] ("web").env.DB refers to {services.db.host} but service "db" has no port',
  );
});

Deno.test("a reference to a service with several instances must name one", () => {
  const error = parseError(
    service("db", "port = 6390", "instances = 2") +
      service(
        "web",
        'ready = { http = "http://{services.db.host}:{services.db.port}/" }',
      ),
  );
  assert.match(error.message, /has 2 instances/);
  assert.equal(error.hint, "Name one instance, e.g. {services.db.0.port}");
  const config = parse(
    service("db", "port = 6390", "instances = 2") +
      service("web", 'args = ["{services.db.1.port}"]'),
  );
  assert.deepEqual(config.services[2]?.references, ["db.1"]);
});

Deno.test("two services asking for the same fixed port under fail are a config error", () => {
  const error = parseError(
    service("a", "port = 7000") + service("b", "port = 7000"),
  );
  assert.equal(
    error.message,
    PREFIX +
      'processes[1] ("b").port asks for port 7000, which "a" also asks for, both with port_strategy = "fail"',
  );
  // Overlapping instance ranges clash too; "next" on either side does not.
  parseError(
    service("a", "port = 7000", "instances = 3") + service("b", "port = 7002"),
  );
  parse(
    service("a", "port = 7000") +
      service("b", "port = 7000", 'port_strategy = "next"'),
  );
});
