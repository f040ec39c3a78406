import assert from "node:assert/strict";
import { browserOpener } from "../../src/commands/ui.ts";

Deno.test("browserOpener() finds the command that opens a URL", () => {
  assert.equal(browserOpener({ os: "darwin", display: false }), "open");
  assert.equal(browserOpener({ os: "linux", display: true }), "xdg-open");
  assert.equal(browserOpener({ os: "linux", display: false }), null);
  assert.equal(browserOpener({ os: "windows", display: true }), null);
});
