// deno-lint-ignore-file no-console -- a program of its own: it prints.
/**
 * Smoke test of a tend executable: `deno task smoke ./dist/tend`, or, with no
 * argument, of `deno run -A main.ts`. Runs init-like config, start, status,
 * stop and down in a temp workspace and fails loudly on any surprise.
 */
const [exe] = Deno.args;
const root = new URL("../", import.meta.url).pathname;
const base = exe
  ? [exe]
  : [Deno.execPath(), "run", "--quiet", "-A", `${root}main.ts`];
const dir = await Deno.realPath(
  await Deno.makeTempDir({ prefix: "tend-smoke-" }),
);
await Deno.writeTextFile(
  `${dir}/tend.toml`,
  `[[processes]]\nname = "sleeper"\ncommand = "sleep"\nargs = ["300"]\nmin_ready = "200ms"\n`,
);

async function run(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...rest] = base;
  const out = await new Deno.Command(command!, {
    args: [...rest, "-C", dir, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const result = {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
  console.log(
    `$ tend ${
      args.join(" ")
    }  -> ${result.code}\n${result.stdout}${result.stderr}`,
  );
  return result;
}

/** `tend mcp`: the server's answer to `initialize`, then its exit code once stdin closes. */
async function mcpHandshake(): Promise<{ name: unknown; code: number }> {
  const [command, ...rest] = base;
  const child = new Deno.Command(command!, {
    args: [...rest, "-C", dir, "mcp"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "smoke", version: "1" },
      },
    }) + "\n",
  ));
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).values();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await lines.next();
    if (done) break;
    text += value;
  }
  await writer.close();
  await lines.return?.();
  const { code } = await child.status;
  const answer = JSON.parse(text.split("\n")[0] || "{}");
  console.log(`$ tend mcp  (initialize) -> ${code}\n${text}`);
  return { name: answer.result?.serverInfo?.name, code };
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`smoke: ${what}`);
}

try {
  expect(
    (await run("--version")).stdout.startsWith("tend "),
    "--version prints the version",
  );
  expect((await run("start")).code === 0, "start exits 0");
  const status = JSON.parse((await run("status", "--json")).stdout);
  expect(status.services[0].status === "running", "the service runs");
  expect((await run("start")).code === 0, "a second start exits 0");
  const ui = JSON.parse((await run("ui", "--no-open", "--json")).stdout);
  const page = await fetch(`${ui.url}/`, {
    headers: { authorization: `Bearer ${ui.token}` },
  });
  const html = await page.text();
  expect(page.status === 200, "the dashboard answers");
  expect(
    html.includes("<title>tend</title>"),
    "the dashboard assets are there",
  );
  const chart = await fetch(`${ui.url}/assets/vendor/uPlot.iife.min.js`, {
    headers: { authorization: `Bearer ${ui.token}` },
  });
  expect(
    chart.status === 200 && (await chart.text()).includes("uPlot"),
    "uPlot is served",
  );
  expect((await run("down")).code === 0, "down exits 0");
  expect((await run("status")).code === 3, "status exits 3 once stopped");
  const mcp = await mcpHandshake();
  expect(mcp.name === "tend", "tend mcp answers initialize");
  expect(mcp.code === 0, "tend mcp exits 0 when its stdin closes");
  console.log("smoke: ok");
} finally {
  await run("down");
  await Deno.remove(dir, { recursive: true });
}
