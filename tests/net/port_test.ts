import assert from "node:assert/strict";
import {
  candidatePorts,
  choosePort,
  isPortFree,
  PORT_SPAN,
} from "../../src/net/port.ts";
import { holdPort } from "./_hold_port.ts";
import { HOSTS } from "./_hosts.ts";

Deno.test.each(
  [
    ["fail gives the wanted port", 8642, "fail", {}, [8642]],
    ["next gives the following ports", 8642, "next", { span: 3 }, [
      8642,
      8643,
      8644,
    ]],
    ["next stops at 65535", 65534, "next", {}, [65534, 65535]],
    ["next from 65535 gives 65535", 65535, "next", {}, [65535]],
    ["a span of 1 gives the wanted port", 1, "next", { span: 1 }, [1]],
  ] as const,
)("candidatePorts(): %s", (_, wanted, strategy, options, expected) => {
  assert.deepEqual(candidatePorts(wanted, strategy, options), expected);
});

Deno.test("candidatePorts() tries 100 ports by default", () => {
  const ports = candidatePorts(8000, "next");
  assert.equal(ports.length, PORT_SPAN);
  assert.equal(ports.at(-1), 8099);
});

Deno.test("candidatePorts() rejects ports and spans out of range", () => {
  for (const port of [0, -1, 65536, 80.5, Number.NaN]) {
    assert.throws(() => candidatePorts(port, "next"), RangeError);
  }
  for (const span of [0, -3, 1.5]) {
    assert.throws(() => candidatePorts(8642, "next", { span }), RangeError);
  }
});

/** A probe that says every port in `taken` is in use. */
function takenProbe(taken: number[]): (port: number) => Promise<boolean> {
  return (port) => Promise.resolve(!taken.includes(port));
}

Deno.test("choosePort() with next skips taken and reserved ports", async () => {
  const choice = await choosePort(8642, {
    strategy: "next",
    reserved: new Set([8643, 8645]),
    isFree: takenProbe([8642, 8644]),
  });
  assert.deepEqual(choice, { port: 8646 });
});

Deno.test("choosePort() returns the wanted port when it is free", async () => {
  const choice = await choosePort(8642, {
    strategy: "fail",
    isFree: takenProbe([]),
  });
  assert.deepEqual(choice, { port: 8642 });
});

Deno.test("choosePort() with fail returns what it tried", async () => {
  const taken = await choosePort(8642, {
    strategy: "fail",
    isFree: takenProbe([8642]),
  });
  assert.deepEqual(taken, { port: null, tried: [8642] });
  const reserved = await choosePort(8642, {
    strategy: "fail",
    reserved: new Set([8642]),
    isFree: takenProbe([]),
  });
  assert.deepEqual(reserved, { port: null, tried: [8642] });
});

Deno.test("choosePort() with next returns every port tried when all are taken", async () => {
  const choice = await choosePort(65533, {
    strategy: "next",
    reserved: new Set([65534]),
    isFree: takenProbe([65533, 65535]),
  });
  assert.deepEqual(choice, { port: null, tried: [65533, 65534, 65535] });
});

Deno.test("choosePort() does not probe reserved ports", async () => {
  const probed: number[] = [];
  await choosePort(8642, {
    strategy: "next",
    reserved: new Set([8642]),
    isFree: (port) => {
      probed.push(port);
      return takenProbe([])(port);
    },
  });
  assert.deepEqual(probed, [8643]);
});

Deno.test("isPortFree() is false while a process holds the port, true after", async () => {
  await using hold = await holdPort("127.0.0.1");
  assert.ok(!(await isPortFree(hold.port)));
  const choice = await choosePort(hold.port, { strategy: "next" });
  assert.ok(choice.port !== null && choice.port > hold.port);
  await hold.kill();
  assert.ok(await isPortFree(hold.port));
});

for (const { hostname, supported } of HOSTS) {
  Deno.test({
    name: `isPortFree() sees a holder on ${hostname}`,
    ignore: !supported,
    async fn() {
      await using hold = await holdPort(hostname);
      assert.ok(!(await isPortFree(hold.port)));
    },
  });
}

Deno.test("isPortFree() rejects ports out of range", async () => {
  for (const port of [0, 65536, 1.5]) {
    await assert.rejects(() => isPortFree(port), RangeError);
  }
});
