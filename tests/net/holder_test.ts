import assert from "node:assert/strict";
import {
  describePortMove,
  findPortHolder,
  portInUseError,
} from "../../src/net/holder.ts";
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

Deno.test('portInUseError() with a range names it and does not hint at "next"', () => {
  const error = portInUseError("web", {
    port: 8700,
    holder: { pid: 42, command: "python3 -m http.server 8700" },
    tried: [8700, 8701, 8702],
  });
  assert.equal(
    error.message,
    'Cannot start "web": every port of 8700-8702 is in use (8700 by pid 42 (python3 -m http.server 8700))',
  );
  assert.equal(
    error.hint,
    'Free one of ports 8700-8702, or give "web" another port',
  );
});

Deno.test("portInUseError() names another service of the workspace", () => {
  const error = portInUseError("b", { port: 8700, holder: { service: "a" } });
  assert.equal(
    error.message,
    'Cannot start "b": port 8700 is in use by service "a"',
  );
});

Deno.test("describePortMove() says which port was taken and by whom", () => {
  assert.equal(
    describePortMove({
      wanted: 8700,
      granted: 8701,
      holder: { pid: 42, command: "python3 -m http.server 8700" },
    }),
    "port 8701 (8700 is in use by pid 42: python3 -m http.server 8700)",
  );
  assert.equal(
    describePortMove({ wanted: 8700, granted: 8702, holder: null }),
    "port 8702 (8700 is in use by another process (not visible to this user))",
  );
});
