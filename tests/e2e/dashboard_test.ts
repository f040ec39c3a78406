import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import {
  freePort,
  isAlive,
  makeTempWorkspace,
  statusJson,
  tend,
  waitFor,
} from "../_helpers.ts";
import { counterService, webConfig } from "../web/_client.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function chromiumMissing(): boolean {
  try {
    Deno.statSync(CHROMIUM);
    return false;
  } catch {
    // Missing in CI is a failure (the test runs and fails), elsewhere a skip.
    return Deno.env.get("CI") !== "true";
  }
}

async function pidOf(
  ws: Parameters<typeof statusJson>[0],
  name: string,
): Promise<number | null> {
  const status = await statusJson(ws);
  return status.services.find((s) => s.name === name)?.pid ?? null;
}

Deno.test({
  name: "dashboard shows services, stops and starts one, follows logs, reloads",
  ignore: chromiumMissing(),
  // Playwright keeps pipes and timers of its own between steps; the browser
  // and every process the test started are closed in `finally`.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using ws = await makeTempWorkspace(webConfig(freePort("127.0.0.1")));
    const started = await tend(ws, ["start"]);
    assert.equal(started.code, 0, started.stderr);
    const ui = await tend(ws, ["ui", "--no-open"]);
    assert.equal(ui.code, 0, ui.stderr);
    const link = ui.stdout.trim();
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
    const profile = await Deno.makeTempDir({ prefix: "tend-chromium-" });
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
    });
    try {
      const page = browser.pages()[0] ?? await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(link);
      const card = (name: string) => page.locator(`[data-service="${name}"]`);
      const statusOf = (name: string) => card(name).locator(".status");
      const shows = (name: string, status: string) =>
        statusOf(name).filter({ hasText: new RegExp(`^${status}$`) })
          .waitFor({ timeout: 20_000 });

      await t.step("the token leaves the URL for a cookie", async () => {
        assert.ok(!page.url().includes("token="), page.url());
        await page.locator('#connection[data-state="live"]').waitFor();
      });
      await t.step("every service is shown, running", async () => {
        for (const name of ["web", "count"]) {
          await shows(name, "running");
        }
        const pid = await pidOf(ws, "web");
        assert.equal(
          await card("web").locator(".pid").textContent(),
          String(pid),
        );
      });
      await t.step(
        "stop one: it becomes stopped and its process is gone",
        async () => {
          const pid = await pidOf(ws, "web");
          assert.ok(pid !== null && isAlive(pid));
          await card("web").getByRole("button", {
            name: "Stop web",
            exact: true,
          }).click();
          await shows("web", "stopped");
          assert.ok(!isAlive(pid));
          assert.equal(await statusOf("web").textContent(), "stopped");
        },
      );
      await t.step("start it again", async () => {
        await card("web").getByRole("button", {
          name: "Start web",
          exact: true,
        }).click();
        await shows("web", "running");
        const pid = await pidOf(ws, "web");
        assert.ok(pid !== null && isAlive(pid));
      });
      await t.step("new log lines arrive in the log panel", async () => {
        await card("count").locator("summary").click();
        const log = card("count").locator(".log");
        await log.locator("div").first().waitFor();
        const last = async () =>
          (await log.locator("div").last().textContent()) ?? "";
        const before = await last();
        await waitFor(async () => await last() !== before, {
          message: "a new log line",
        });
        assert.match(await last(), /^line \d{6}$/);
        assert.notEqual(await last(), before);
        const shown = await log.locator("div").allTextContents();
        assert.equal(new Set(shown).size, shown.length, shown.join("\n"));
      });
      await t.step("ANSI colours are rendered, never as HTML", async () => {
        await card("web").locator("summary").click();
        const red = card("web").locator(".log span", { hasText: "red alert" })
          .first();
        await red.waitFor();
        assert.match(
          (await red.getAttribute("style")) ?? "",
          /color: rgb\(204, 0, 0\)/,
        );
        const line = card("web").locator(".log div", { hasText: "red alert" })
          .first();
        assert.equal(await line.textContent(), "red alert plain");
      });
      await t.step("a bad config is shown plainly on reload", async () => {
        const toml = await Deno.readTextFile(ws.path("tend.toml"));
        await ws.writeConfig(toml + "\n[[processes]]\nname = 7\n");
        await page.getByRole("button", { name: "Reload config", exact: true })
          .click();
        const problem = page.locator("#problem-text", {
          hasText: "CONFIG_INVALID",
        });
        await problem.waitFor();
        assert.match(
          (await problem.textContent()) ?? "",
          /processes\[\d\]\.name must be a string/,
        );
        await ws.writeConfig(toml);
      });
      await t.step(
        "reload after editing tend.toml shows the new service",
        async () => {
          const toml = await Deno.readTextFile(ws.path("tend.toml"));
          await ws.writeConfig(toml + counterService("extra", 500));
          await page.getByRole("button", { name: "Reload config", exact: true })
            .click();
          await shows("extra", "running");
          await page.locator("#problems").waitFor({ state: "hidden" });
        },
      );
      await t.step("a screenshot", async () => {
        await page.waitForTimeout(0);
        const file = ws.path("dashboard.png");
        await page.screenshot({ path: file, fullPage: true });
        assert.ok((await Deno.stat(file)).size > 10_000);
        const copy = Deno.env.get("TEND_DASHBOARD_PNG");
        if (copy) await Deno.copyFile(file, copy);
      });
      await t.step(
        "the page says disconnected when the supervisor goes away",
        async () => {
          const down = await tend(ws, ["down"]);
          assert.equal(down.code, 0, down.stderr);
          await page.locator('#connection[data-state="disconnected"]')
            .waitFor();
          const started = await tend(ws, ["start"]);
          assert.equal(started.code, 0, started.stderr);
          // A new supervisor has a new token: the page says so.
          await page.locator('#connection[data-state="unauthorized"]').waitFor({
            timeout: 20_000,
          });
        },
      );
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});
