import assert from "node:assert/strict";
import { adhocBlock, adhocService, readyFlag } from "../../src/config/adhoc.ts";
import { parseConfigText } from "../../src/config/validate.ts";
import { TendError } from "../../src/errors.ts";

const WHERE = { file: "/srv/app/tend.toml", workspace: "/srv/app" };

Deno.test("readyFlag reads each documented form of --ready", () => {
  assert.deepEqual(readyFlag("tcp"), { tcp: "{port}" });
  assert.deepEqual(readyFlag("tcp=127.0.0.1:5432"), { tcp: "127.0.0.1:5432" });
  assert.deepEqual(readyFlag("http=/health"), {
    http: "http://127.0.0.1:{port}/health",
  });
  assert.deepEqual(readyFlag("http=http://localhost:9/x"), {
    http: "http://localhost:9/x",
  });
  assert.deepEqual(readyFlag("log=listening on \\d+"), {
    log: "listening on \\d+",
  });
  assert.deepEqual(readyFlag("command=pg_isready -q"), {
    command: "pg_isready -q",
  });
  for (const bad of ["smtp", "http", "log=", ""]) {
    assert.throws(() => readyFlag(bad), (e) => e instanceof TendError);
  }
});

Deno.test("adhocBlock writes a block that loads back to the same service, quoting hostile text", () => {
  const definition = {
    name: "web",
    command: "python3",
    args: ["-m", "http.server", "{port}", 'a "quoted"\nline', "\\"],
    port: 8000,
    ready: readyFlag("http=/"),
  };
  const block = adhocBlock(definition, { key: "processes" });
  assert.match(block, /^\[\[processes\]\]\nname = "web"\n/);
  assert.match(
    block,
    /\nready = \{ http = "http:\/\/127\.0\.0\.1:\{port\}\/" \}\n$/,
  );
  const config = parseConfigText(`# kept\n\n${block}`, WHERE);
  const [service] = config.services;
  assert.deepEqual(service?.args, definition.args);
  assert.equal(service?.port, 8000);
  assert.deepEqual(service?.ready, {
    kind: "http",
    url: "http://127.0.0.1:{port}/",
  });
  const direct = adhocService(definition, {
    config: parseConfigText("", WHERE),
  });
  assert.equal(direct.fingerprint, service?.fingerprint);
  assert.match(
    adhocBlock(definition, { key: "services" }),
    /^\[\[services\]\]\n/,
  );
});

Deno.test("adhocService refuses a name of the file and an invalid field", () => {
  const config = parseConfigText(
    '[[processes]]\nname = "db"\ncommand = "x"\ninstances = 2\n',
    WHERE,
  );
  assert.throws(
    () => adhocService({ name: "db", command: "y", args: [] }, { config }),
    /already has a service "db"/,
  );
  assert.throws(
    () => adhocService({ name: "a.b", command: "y", args: [] }, { config }),
    /Cannot run "a\.b": name must be 1 to 64 letters/,
  );
});
