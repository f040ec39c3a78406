import assert from "node:assert/strict";
import { parse, parseError, web } from "./_helpers.ts";

Deno.test("configSchema reads watch, hooks and max_memory", () => {
  const [service] = parse(web(
    'watch = ["src/**/*.ts", "*.json"]',
    'watch_ignore = ["dist"]',
    'watch_debounce = "250ms"',
    'on_ready = "echo ready"',
    'on_exit = "echo exit"',
    'on_failed = "echo failed"',
    'on_restart = "echo restart"',
    'hook_timeout = "5s"',
    'max_memory = "512MB"',
  )).services;
  assert.ok(service);
  assert.deepEqual(service.watch, ["src/**/*.ts", "*.json"]);
  assert.deepEqual(service.watchIgnore, ["dist"]);
  assert.equal(service.watchDebounceMs, 250);
  assert.deepEqual(service.hooks, {
    ready: "echo ready",
    exit: "echo exit",
    failed: "echo failed",
    restart: "echo restart",
  });
  assert.equal(service.hookTimeoutMs, 5_000);
  assert.equal(service.maxMemoryBytes, 512 * 1024 * 1024);
});

Deno.test("configSchema rejects bad watch, hook and max_memory values", async (t) => {
  const table: [string, string, RegExp][] = [
    [
      "absolute glob",
      'watch = ["/etc/*"]',
      /\("web"\)\.watch\[0\] must be a pattern relative to the service's working directory/,
    ],
    ["glob leaving the directory", 'watch = ["../lib/*.ts"]', /watch\[0\]/],
    ["watch not a list", 'watch = "src"', /watch.*array of patterns/],
    ["empty hook", 'on_exit = ""', /on_exit.*non-empty string/],
    [
      "zero hook_timeout",
      "hook_timeout = 0",
      /hook_timeout.*greater than zero/,
    ],
    ["bad max_memory", 'max_memory = "lots"', /max_memory.*size/],
  ];
  for (const [what, line, message] of table) {
    await t.step(what, () => {
      assert.match(parseError(web(line)).message, message);
    });
  }
});
