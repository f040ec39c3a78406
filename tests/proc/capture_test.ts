import assert from "node:assert/strict";
import { capture, captureSync } from "../../src/proc/_capture.ts";

Deno.test("capture gives the trimmed stdout, run in the C locale", async () => {
  assert.equal(await capture("sh", ["-c", 'echo "  $LC_ALL  "']), "C");
});

Deno.test("capture is empty when the command fails, stdout or not", async () => {
  assert.equal(await capture("sh", ["-c", "echo partial; exit 1"]), "");
});

Deno.test("capture rejects when the command does not exist", async () => {
  await assert.rejects(
    capture("tend-no-such-command", []),
    Deno.errors.NotFound,
  );
});

Deno.test("captureSync answers as capture does", async () => {
  const args = ["-c", 'echo " $LC_ALL "; echo done >&2'];
  assert.equal(captureSync("sh", args), await capture("sh", args));
  assert.equal(captureSync("sh", ["-c", "exit 3"]), "");
});

Deno.test("capture reads ps for this process", async () => {
  const state = await capture("ps", ["-o", "stat=", "-p", String(Deno.pid)]);
  assert.match(state, /^[RS]/);
});
