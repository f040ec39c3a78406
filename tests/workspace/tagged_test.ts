import assert from "node:assert/strict";
import { readBootId } from "../../src/proc/identity.ts";
import { findOrphans } from "../../src/workspace/tagged.ts";
import { startSleeper } from "../proc/_sleeper.ts";

Deno.test("findOrphans() lists a tagged group unless it is tracked, and only this workspace's", async () => {
  const root = `/tmp/tend_tagged_${crypto.randomUUID()}`;
  const bootId = await readBootId();
  await using sleeper = await startSleeper({
    detached: true,
    fork: true,
    env: { TEND_WORKSPACE: root, TEND_SERVICE: "web", PORT: "4321" },
  });

  const orphans = await findOrphans(root, { tracked: new Set(), bootId });
  assert.deepEqual(
    orphans.map((o) => o.pid).sort((a, b) => a - b),
    [sleeper.pid, sleeper.childPid!].sort((a, b) => a - b),
  );
  assert.ok(
    orphans.every((o) => o.pgid === sleeper.pid && o.service === "web"),
  );

  const tracked = new Set([sleeper.pid]);
  assert.deepEqual(await findOrphans(root, { tracked, bootId }), []);
  assert.deepEqual(
    await findOrphans(`${root}_other`, { tracked: new Set(), bootId }),
    [],
  );
});
