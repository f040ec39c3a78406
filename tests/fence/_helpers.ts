import { type ErrorCode, TendError } from "../../src/errors.ts";

/** A temporary directory for the unit tests that removes itself. */
export interface TempDir extends AsyncDisposable {
  /** Its real path (symlinks resolved). */
  readonly path: string;
  /** `<path>/<name>`. */
  join(name: string): string;
}

/** Makes a temporary directory for `await using`. */
export async function makeTempDir(): Promise<TempDir> {
  const path = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "tend_unit_test_" }),
  );
  return {
    path,
    join: (name) => `${path}/${name}`,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true });
    },
  };
}

/**
 * A predicate for `assert.throws`/`assert.rejects`: the error is a
 * `TendError` with `code`.
 */
export function tendError(code: ErrorCode): (error: unknown) => boolean {
  return (error) => {
    if (!(error instanceof TendError)) {
      throw new Error(`Expected a TendError, got ${String(error)}`, {
        cause: error,
      });
    }
    if (error.code !== code) {
      throw new Error(
        `Expected code ${code}, got ${error.code}: ${error.message}`,
      );
    }
    return true;
  };
}
