import assert from "node:assert/strict";
import type { BootSpec } from "../../src/boot/boot_spec.ts";
import {
  type BootTarget,
  installBoot,
  uninstallBoot,
} from "../../src/boot/install.ts";
import type { ToolResult } from "../../src/boot/service_manager.ts";
import { makeTempDir } from "../config/_helpers.ts";

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

/** A service manager that answers `answer` and records what it was asked. */
function fakeRunner(answer: (argv: readonly string[]) => ToolResult) {
  const calls: string[] = [];
  return {
    calls,
    run: (argv: readonly string[]) => {
      calls.push(argv.join(" "));
      return Promise.resolve(answer(argv));
    },
  };
}

const ok: ToolResult = { kind: "ran", code: 0, stdout: "", stderr: "" };
const noBus: ToolResult = {
  kind: "ran",
  code: 1,
  stdout: "",
  stderr: "Failed to connect to bus: No medium found",
};

Deno.test("installBoot() enables the unit where the service manager answers, else says why", async (t) => {
  const cases: [string, Partial<BootTarget>, ToolResult, string[], string[]][] =
    [
      ["systemd with a user bus", {}, ok, [
        "systemctl --user daemon-reload",
        "systemctl --user enable tend-shop-1a2b3c4d",
      ], [
        "enabled: starts at login; to start it now: tend down && systemctl --user start tend-shop-1a2b3c4d",
      ]],
      ["systemd without a user bus", {}, noBus, [
        "systemctl --user daemon-reload",
      ], [
        'skipped "systemctl --user daemon-reload": Failed to connect to bus: No medium found',
        "enable it where systemd runs: systemctl --user daemon-reload && systemctl --user enable tend-shop-1a2b3c4d",
      ]],
      ["no systemctl at all", {}, { kind: "missing" }, [
        "systemctl --user daemon-reload",
      ], [
        'skipped "systemctl --user daemon-reload": systemctl is not installed',
        "enable it where systemd runs: systemctl --user daemon-reload && systemctl --user enable tend-shop-1a2b3c4d",
      ]],
      ["a system unit", { spec: { ...SPEC, system: true } }, ok, [
        "systemctl daemon-reload",
        "systemctl enable tend-shop-1a2b3c4d",
      ], [
        "enabled: starts at boot; to start it now: tend down && systemctl start tend-shop-1a2b3c4d",
      ]],
      ["launchd", { kind: "launchd" }, ok, [
        "launchctl load -w {dir}/dev.tend.tend-shop-1a2b3c4d.plist",
      ], ['ran "launchctl load -w"']],
      ["--unit-dir", { manage: false }, ok, [], [
        "not enabled: --unit-dir names a directory the service manager does not read",
      ]],
    ];
  for (const [label, change, answer, calls, notes] of cases) {
    await t.step(label, async () => {
      await using dir = await makeTempDir();
      const target: BootTarget = {
        kind: "systemd",
        spec: SPEC,
        dir: dir.path,
        manage: true,
        ...change,
      };
      const runner = fakeRunner(() => answer);
      const report = await installBoot(target, runner.run);
      assert.equal(report.state, "created");
      assert.deepEqual(
        runner.calls,
        calls.map((c) => c.replace("{dir}", dir.path)),
      );
      assert.deepEqual(report.notes, notes);
    });
  }
});

Deno.test("uninstallBoot() disables, removes, then reloads systemd; absent is no error", async () => {
  await using dir = await makeTempDir();
  const target: BootTarget = {
    kind: "systemd",
    spec: SPEC,
    dir: dir.path,
    manage: true,
  };
  await installBoot(target, fakeRunner(() => ok).run);
  const runner = fakeRunner(() => ok);
  const report = await uninstallBoot(target, runner.run);
  assert.equal(report.state, "removed");
  assert.deepEqual(runner.calls, [
    "systemctl --user disable --now tend-shop-1a2b3c4d",
    "systemctl --user daemon-reload",
  ]);
  const again = fakeRunner(() => ok);
  assert.equal((await uninstallBoot(target, again.run)).state, "absent");
  assert.deepEqual(again.calls, []);
});
