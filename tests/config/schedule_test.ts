import assert from "node:assert/strict";
import { parseConfigText } from "../../src/config/validate.ts";
import { loadCronCheck } from "../../src/config/_schedule.ts";

// parseConfigText() is synchronous: the cron check is loaded for it.
await loadCronCheck();

const WHERE = { file: "/w/tend.toml", workspace: "/w" };

function service(fields: string) {
  const config = parseConfigText(
    `[[processes]]\nname = "job"\ncommand = "x"\n${fields}\n`,
    WHERE,
  );
  return config.services[0]!;
}

Deno.test("schedule: a cron string, with seconds, a time zone and an overlap policy", () => {
  assert.deepEqual(service('schedule = "*/5 * * * *"').schedule, {
    cron: "*/5 * * * *",
    timezone: null,
    overlap: "skip",
  });
  assert.deepEqual(
    service(
      'schedule = "*/2 * * * * *"\ntimezone = "Europe/Paris"\noverlap = "queue"',
    ).schedule,
    { cron: "*/2 * * * * *", timezone: "Europe/Paris", overlap: "queue" },
  );
  assert.equal(service("").schedule, null);
});

Deno.test("schedule: mi7soft-daemon's table spelling loads instead of failing", () => {
  assert.deepEqual(
    service('schedule = { cron = "0 * * * *", timezone = "UTC" }').schedule,
    { cron: "0 * * * *", timezone: "UTC", overlap: "skip" },
  );
});

Deno.test("a scheduled service waits for its first tick: it is not autostarted", () => {
  assert.ok(!service('schedule = "0 * * * *"').autostart);
  assert.ok(service("").autostart);
});

Deno.test("a schedule change does not restart the service (not in its fingerprint)", () => {
  assert.equal(
    service('schedule = "0 * * * *"').fingerprint,
    service('schedule = "*/5 * * * *"').fingerprint,
  );
});
