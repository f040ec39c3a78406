import assert from "node:assert/strict";
import { findPortHolder, portInUseError } from "../../src/net/holder.ts";
import { TendError } from "../../src/errors.ts";
import { holdPort } from "./_hold_port.ts";
import { HOSTS } from "./_hosts.ts";

for (const { hostname, supported } of HOSTS) {
  Deno.test({
    name: `findPortHolder() finds the process listening on ${hostname}`,
    ignore: !supported,
    async fn() {
      await using hold = await holdPort(hostname);
      const holder = await findPortHolder(hold.port);
      assert.equal(holder?.pid, hold.child.pid);
      assert.match(holder?.command ?? "", /hold_port\.ts /);
    },
  });
}

Deno.test("findPortHolder() returns null for a port nobody listens on", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  assert.equal((await findPortHolder(port))?.pid, Deno.pid);
  listener.close();
  assert.equal(await findPortHolder(port), null);
});

Deno.test("portInUseError() names the holder", () => {
  const error = portInUseError("web", {
    port: 8642,
    holder: { pid: 1234, command: "python3 -m http.server 8642" },
  });
  assert.ok(error instanceof TendError);
  assert.equal(error.code, "PORT_IN_USE");
  assert.equal(
    error.message,
    'Cannot start "web": port 8642 is in use by pid 1234 (python3 -m http.server 8642)',
  );
  assert.equal(
    error.hint,
    'Free the port, or set port_strategy = "next" to take the next free one',
  );
});

Deno.test("portInUseError() says when the holder is not visible", () => {
  const error = portInUseError("web", { port: 8642, holder: null });
  assert.equal(
    error.message,
    'Cannot start "web": port 8642 is in use by another process (not visible to this user)',
  );
});

Deno.test("portInUseError() cleans and shortens a hostile command", () => {
  const command = "evil\u001b[2J\u0007 " + "x".repeat(500);
  const error = portInUseError("web", { port: 1, holder: { pid: 7, command } });
  assert.ok(
    !error.message.includes("\u001b") && !error.message.includes("\u0007"),
  );
  assert.match(error.message, /\(evil\?\[2J\? x+…\)$/);
  assert.ok(error.message.length < 200, `${error.message.length} chars`);
});
