import assert from "node:assert/strict";
import { parse, parseError, web } from "./_helpers.ts";

Deno.test('type = "oneshot" makes a job that restarts never unless asked', () => {
  const [job] = parse(web('type = "oneshot"')).services;
  assert.equal(job?.type, "oneshot");
  assert.equal(job?.restart, "never");
  const [retried] = parse(web('type = "oneshot"', 'restart = "on-failure"'))
    .services;
  assert.equal(retried?.restart, "on-failure");
  assert.equal(parse(web()).services[0]?.type, "service");
});

Deno.test('a job rejects restart = "always" and a ready check', () => {
  assert.match(
    parseError(web('type = "oneshot"', 'restart = "always"')).message,
    /restart must not be "always" for a job/,
  );
  assert.match(
    parseError(web('type = "oneshot"', "auto_restart = true")).message,
    /auto_restart must not be "always" for a job/,
  );
  assert.match(
    parseError(web('type = "oneshot"', 'ready = { log = "x" }')).message,
    /ready does not apply to a job/,
  );
  assert.match(
    parseError(web('type = "cron"')).message,
    /"service" or "oneshot"/,
  );
});

Deno.test("env_file takes a path, a table or a list, relative to the workspace", () => {
  const files = (line: string) => parse(web(line)).services[0]?.envFiles;
  assert.deepEqual(files('env_file = ".env"'), [
    { path: "/w/.env", optional: false },
  ]);
  assert.deepEqual(
    files('env_file = [".env", { path = ".env.local", optional = true }]'),
    [
      { path: "/w/.env", optional: false },
      { path: "/w/.env.local", optional: true },
    ],
  );
  assert.deepEqual(parse(web()).services[0]?.envFiles, []);
  assert.match(
    parseError(web("env_file = 3")).message,
    /env_file must be a path/,
  );
  assert.match(
    parseError(web('env_file = { path = ".env", optinal = true }')).message,
    /env_file/,
  );
});

Deno.test("a service that does not use the new fields keeps its fingerprint", () => {
  const [service] = parse(web()).services;
  assert.ok(!service?.fingerprint.includes("type"));
  assert.ok(!service?.fingerprint.includes("envFiles"));
  const [job] = parse(web('type = "oneshot"', 'env_file = ".env"')).services;
  assert.ok(job?.fingerprint.includes('"type":"oneshot"'));
  assert.ok(job?.fingerprint.includes("/w/.env"));
});
