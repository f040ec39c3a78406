import assert from "node:assert/strict";
import {
  type BootSpec,
  bootUnitName,
  stopTimeoutSec,
} from "../../src/boot/boot_spec.ts";
import { launchdPlist } from "../../src/boot/launchd_plist.ts";
import { systemdBootUnit } from "../../src/boot/systemd_unit.ts";

const SPEC: BootSpec = {
  name: "tend-shop-1a2b3c4d",
  root: "/home/me/shop",
  tend: ["/usr/local/bin/tend"],
  configFile: undefined,
  logFile: "/home/me/shop/.tend/log/tend.log",
  stopTimeoutSec: 90,
  system: false,
  user: undefined,
};

Deno.test("bootUnitName() is unique per workspace path and safe as a unit name", async (t) => {
  const cases: [string, RegExp][] = [
    ["/home/me/shop", /^tend-shop-[0-9a-f]{8}$/],
    ["/srv/my shop 100%", /^tend-my_shop_100_-[0-9a-f]{8}$/],
    ["/", /^tend-root-[0-9a-f]{8}$/],
  ];
  for (const [root, pattern] of cases) {
    await t.step(root, async () => {
      assert.match(await bootUnitName(root), pattern);
    });
  }
  await t.step("same directory name, other path", async () => {
    assert.notEqual(
      await bootUnitName("/a/shop"),
      await bootUnitName("/b/shop"),
    );
  });
});

Deno.test("stopTimeoutSec() covers every stop_timeout plus a margin", async (t) => {
  const cases: [number[], number][] = [
    [[], 90],
    [[10_000, 10_000], 90],
    [[60_000, 30_000], 120],
    [[1_500], 90],
    [[100_500], 131],
  ];
  for (const [timeouts, expected] of cases) {
    await t.step(`${JSON.stringify(timeouts)} → ${expected}`, () => {
      assert.equal(stopTimeoutSec(timeouts), expected);
    });
  }
});

Deno.test("systemdBootUnit() runs tend up in the foreground and tend down on stop", async (t) => {
  const cases: [string, Partial<BootSpec>, string[], string[]][] = [
    ["a user unit", {}, [
      "ExecStart=/usr/local/bin/tend -C /home/me/shop up --quiet",
      "ExecStop=/usr/local/bin/tend -C /home/me/shop down --quiet",
      "Restart=on-failure",
      "TimeoutStopSec=90s",
      "WorkingDirectory=/home/me/shop",
      "WantedBy=default.target",
    ], ["User=", "network-online.target"]],
    ["a system unit", { system: true, user: "me" }, [
      "User=me",
      "WantedBy=multi-user.target",
      "After=network-online.target",
    ], []],
    ["a config given with -c", { configFile: "/home/me/shop/daemon.toml" }, [
      "ExecStart=/usr/local/bin/tend -C /home/me/shop -c /home/me/shop/daemon.toml up --quiet",
    ], []],
    ["a path with a space and a percent sign", {
      root: "/srv/my shop 100%",
      tend: ["/opt/deno", "run", "-A", "/opt/te$nd/main.ts"],
    }, [
      'ExecStart=/opt/deno run -A "/opt/te$$nd/main.ts" -C "/srv/my shop 100%%" up --quiet',
      "WorkingDirectory=/srv/my shop 100%%",
    ], []],
  ];
  for (const [label, change, present, absent] of cases) {
    await t.step(label, () => {
      const unit = systemdBootUnit({ ...SPEC, ...change });
      const lines = unit.split("\n");
      for (const line of present) assert.ok(lines.includes(line), line);
      for (const text of absent) assert.ok(!unit.includes(text), text);
    });
  }
});

Deno.test("systemdBootUnit() refuses a path that spans lines", () => {
  assert.throws(
    () => systemdBootUnit({ ...SPEC, root: "/home/me/a\nExecStartPre=/x" }),
    /spans several lines/,
  );
});

Deno.test("launchdPlist() escapes XML and restarts tend only after a failure", () => {
  const plist = launchdPlist({ ...SPEC, root: "/Users/me/a&b <c>" });
  assert.ok(plist.includes("<string>/Users/me/a&amp;b &lt;c&gt;</string>"));
  assert.ok(plist.includes("<key>SuccessfulExit</key>\n    <false/>"));
  assert.ok(plist.includes("<integer>90</integer>"));
});
