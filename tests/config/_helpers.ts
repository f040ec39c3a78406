import assert from "node:assert/strict";
import { parseConfigText } from "../../src/config/validate.ts";
import { loadCronCheck } from "../../src/config/_schedule.ts";
import type { Config } from "../../src/config/schema.ts";
import { TendError } from "../../src/errors.ts";

/** The config file the parse helpers pretend to read. */
export const FILE = "/w/tend.toml";

/** The workspace the parse helpers resolve paths against. */
export const ROOT = "/w";

// The helpers parse synchronously: the cron check is loaded for them.
await loadCronCheck();

/** Parses config text as if it were `/w/tend.toml`. */
export function parse(text: string): Config {
  return parseConfigText(text, { file: FILE, workspace: ROOT });
}

/** A config with one service "web" plus `lines`. */
export function web(...lines: string[]): string {
  return ["[[processes]]", 'name = "web"', 'command = "python3"', ...lines]
    .join("\n");
}

/** Parses a config that must be invalid and returns its error. */
export function parseError(text: string): TendError {
  try {
    parse(text);
  } catch (error) {
    assert.ok(error instanceof TendError, `not a TendError: ${error}`);
    assert.equal(error.code, "CONFIG_INVALID");
    return error;
  }
  assert.fail(`parsed without error:\n${text}`);
}

/** A temporary directory that removes itself. */
export interface TempDir extends AsyncDisposable {
  /** Its real path. */
  readonly path: string;
}

/** Makes a temporary directory for `await using`. */
export async function makeTempDir(): Promise<TempDir> {
  const path = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "tend_config_test_" }),
  );
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true });
    },
  };
}
