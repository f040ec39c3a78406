import assert from "node:assert/strict";
import { PortLedger } from "../../src/supervisor/port_ledger.ts";
import { PortReferences } from "../../src/supervisor/port_references.ts";
import { fakeService } from "./_fake_runner.ts";

const db = fakeService({ name: "db", port: 6390, references: [] });
const web = fakeService({ name: "web", port: null, references: ["db"] });
const worker = fakeService({
  name: "worker",
  port: null,
  references: [],
  dependsOn: ["db"],
});
const lone = fakeService({ name: "lone", port: null, references: [] });
const all = [db, web, worker, lone];

Deno.test("PortReferences: a launch sees granted ports, else wanted ones", () => {
  const ledger = new PortLedger();
  const references = new PortReferences(ledger);
  assert.deepEqual([...references.portsFor(web, all)], [["db", 6390]]);
  ledger.hold("db", 6391);
  assert.deepEqual([...references.portsFor(web, all)], [["db", 6391]]);
});

Deno.test("PortReferences: users of a service launched with its old port are the ones to restart", () => {
  const ledger = new PortLedger();
  const references = new PortReferences(ledger);
  ledger.hold("db", 6391);
  for (const service of [web, worker, lone]) references.portsFor(service, all);
  assert.deepEqual(
    references.moved("db", { port: 6391, running: [web, worker, lone] }),
    [],
  );
  assert.deepEqual(
    references.moved("db", { port: 6390, running: [web, worker, lone] }),
    [
      { name: "web", dependency: "db", from: 6391, to: 6390 },
      { name: "worker", dependency: "db", from: 6391, to: 6390 },
    ],
  );
  assert.equal(references.stale(web), null);
  ledger.hold("db", 6392);
  assert.deepEqual(references.stale(web), {
    name: "web",
    dependency: "db",
    from: 6391,
    to: 6392,
  });
});
