import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "../../src");
const IMPORTS = (JSON.parse(
  await Deno.readTextFile(join(SRC, "../deno.json")),
) as { imports: Record<string, string> }).imports;
/** src/ imports them by their full `npm:` specifiers (see deps_test.ts). */
const HEAVY = [IMPORTS["zod"]!, IMPORTS["smol-toml"]!];

/** The specifiers a module loads at run time (type-only imports are erased). */
async function runtimeImports(file: string): Promise<string[]> {
  const text = await Deno.readTextFile(file);
  const specifiers: string[] = [];
  for (
    const match of text.matchAll(
      /^(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms,
    )
  ) {
    if (match[2] === undefined && match[3] !== undefined) {
      specifiers.push(match[3]);
    }
  }
  return specifiers;
}

/** zod/mini and the locale it takes its messages from. */
function isZodMini(specifier: string): boolean {
  return specifier === `${IMPORTS["zod"]}/mini` ||
    specifier.startsWith(`${IMPORTS["zod"]}/v4/locales/`);
}

async function reachable(
  file: string,
  seen = new Set<string>(),
): Promise<Set<string>> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const specifier of await runtimeImports(file)) {
    if (specifier.startsWith(".")) {
      await reachable(join(dirname(file), specifier), seen);
    } else {
      seen.add(specifier);
    }
  }
  return seen;
}

Deno.test("workspace.ts and services.ts load neither zod nor smol-toml", async (t) => {
  for (const module of ["config/workspace.ts", "config/services.ts"]) {
    await t.step(module, async () => {
      const loaded = await reachable(join(SRC, module));
      for (const heavy of HEAVY) {
        assert.ok(!loaded.has(heavy), `${module} loads ${heavy}`);
      }
    });
  }
});

Deno.test("the import scan sees zod behind validate.ts", async () => {
  const loaded = await reachable(join(SRC, "config/validate.ts"));
  assert.ok(HEAVY.every((heavy) => loaded.has(heavy)));
});

Deno.test("load.ts loads the TOML parser but not zod: a plainly valid config needs no validator", async () => {
  const loaded = await reachable(join(SRC, "config/load.ts"));
  assert.ok(loaded.has(IMPORTS["smol-toml"]!));
  assert.ok(
    ![...loaded].some((s) => s.startsWith(IMPORTS["zod"]!)),
    "load.ts loads zod",
  );
  assert.ok(!loaded.has(join(SRC, "config/validate.ts")));
});

Deno.test("status, start, stop and the library load neither zod, smol-toml nor the MCP SDK", async (t) => {
  const heavy = [...HEAVY, IMPORTS["@modelcontextprotocol/sdk"]!];
  for (
    const module of [
      "commands/status.ts",
      "commands/start.ts",
      "commands/stop.ts",
      "api/workspace.ts",
    ]
  ) {
    await t.step(module, async () => {
      const loaded = [...await reachable(join(SRC, module))];
      for (const name of heavy) {
        // zod/mini (npm:zod@x/mini) is the light part of zod, meant here.
        assert.ok(
          !loaded.some((specifier) =>
            specifier === name ||
            (specifier.startsWith(`${name}/`) && !isZodMini(specifier))
          ),
          `${module} loads ${name}`,
        );
      }
    });
  }
});

Deno.test("the commands that talk to a supervisor load no npm package: no zod, not even zod/mini, nor smol-toml", async (t) => {
  for (
    const module of [
      "ipc/client.ts",
      "commands/status.ts",
      "commands/start.ts",
      "commands/stop.ts",
      "client/workspace.ts",
    ]
  ) {
    await t.step(module, async () => {
      const loaded = [...await reachable(join(SRC, module))];
      assert.deepEqual(loaded.filter((s) => s.startsWith("npm:")), []);
      // Answers are checked by their generated JSON Schemas, zod only when unsure.
      assert.ok(!loaded.some((file) => file.endsWith("/ipc/protocol.ts")));
      assert.ok(!loaded.some((file) => file.endsWith("/config/load.ts")));
    });
  }
  assert.ok(
    (await reachable(join(SRC, "ipc/client.ts"))).has(
      join(SRC, "ipc/quick_check.ts"),
    ),
  );
  // The status command reads the config only when no supervisor answers.
  assert.ok(
    !(await reachable(join(SRC, "commands/status.ts"))).has(
      join(SRC, "client/config.ts"),
    ),
  );
});

Deno.test("the supervisor loads zod/mini at most: neither zod, smol-toml nor logtape", async () => {
  const loaded = [...await reachable(join(SRC, "supervisor/run.ts"))];
  const heavy = [...HEAVY, "npm:@logtape/logtape", "npm:@logtape/file"];
  for (const name of heavy) {
    const found = loaded.filter((specifier) =>
      (specifier === name || specifier.startsWith(`${name}/`) ||
        specifier.startsWith(`${name}@`)) && !isZodMini(specifier)
    );
    assert.deepEqual(found, [], `the supervisor loads ${name}`);
  }
  assert.ok(!loaded.some((file) => file.endsWith("/config/load.ts")));
  assert.ok(!loaded.some((file) => file.endsWith("/config/adhoc.ts")));
});

Deno.test("the supervisor's static graph loads no npm package: zod, croner, hono and the MCP SDK load only when used", async () => {
  for (const module of ["commands/supervise.ts", "supervisor/run.ts"]) {
    const loaded = [...await reachable(join(SRC, module))];
    assert.deepEqual(loaded.filter((s) => s.startsWith("npm:")), [], module);
    const lazyOnes = [
      "/ipc/protocol.ts",
      "/ipc/client.ts",
      "/web/server",
      "/mcp/",
    ];
    for (const lazy of lazyOnes) {
      assert.ok(!loaded.some((file) => file.includes(lazy)), lazy);
    }
  }
});
