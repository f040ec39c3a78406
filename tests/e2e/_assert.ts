/**
 * Assertions shared by the end-to-end tests: the (code, stdout, stderr)
 * triple of a CLI run, and tend's one-sentence errors.
 */
import assert from "node:assert/strict";
import type { RunResult } from "../_helpers.ts";
import type { ActionResponse, ActionResult } from "../../src/ipc/protocol.ts";

/** What a CLI run must have returned; a string must match exactly. */
export interface Expected {
  code: number;
  stdout: string | RegExp;
  stderr: string | RegExp;
}

/** Asserts the whole triple, printing the run when any part differs. */
export function assertRun(result: RunResult, expected: Expected): void {
  const shown = `\n${JSON.stringify(result, null, 2)}`;
  assert.equal(result.code, expected.code, `exit code${shown}`);
  for (const stream of ["stdout", "stderr"] as const) {
    const want = expected[stream];
    if (typeof want === "string") {
      assert.equal(result[stream], want, `${stream}${shown}`);
    } else {
      assert.match(result[stream], want, `${stream}${shown}`);
    }
  }
}

/**
 * Asserts a failed run printed for people: nothing on stdout, and on stderr
 * one `error: <sentence>` line matching `message`, maybe followed by a
 * `hint:` line.
 */
export function assertHumanError(
  result: RunResult,
  expected: { code: number; message: RegExp },
): void {
  assertRun(result, {
    code: expected.code,
    stdout: "",
    stderr: /^error: [^\n]+\n(hint: [^\n]+\n)?$/,
  });
  const line = result.stderr.split("\n")[0]!.slice("error: ".length);
  assert.match(line, expected.message, JSON.stringify(result));
}

/**
 * Asserts a failed `--json` run: `{"error": {"code", "message"}}` on stdout
 * with this code and a message matching `message`, nothing on stderr.
 */
export function assertJsonError(
  result: RunResult,
  expected: { code: number; errorCode: string; message: RegExp },
): void {
  assertRun(result, { code: expected.code, stdout: /^\{/, stderr: "" });
  const body = JSON.parse(result.stdout) as {
    error: { code: string; message: string; hint?: string };
  };
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.equal(body.error.code, expected.errorCode, result.stdout);
  assert.match(body.error.message, expected.message, result.stdout);
}

/**
 * Asserts a `--json` start whose services failed: `{"results": [...]}` on
 * stdout, nothing on stderr, and a failed result with this error code and a
 * message matching `message`. Returns the parsed results.
 */
export function assertJsonFailure(
  result: RunResult,
  expected: { code: number; errorCode: string; message: RegExp },
): ActionResult[] {
  assertRun(result, { code: expected.code, stdout: /^\{/, stderr: "" });
  const body = JSON.parse(result.stdout) as ActionResponse;
  const failed = body.results.filter((r) => r.action === "failed");
  assert.ok(failed.length > 0, `no failed result in ${result.stdout}`);
  for (const failure of failed) {
    assert.equal(failure.error?.code, expected.errorCode, result.stdout);
  }
  assert.ok(
    failed.some((f) => expected.message.test(f.error?.message ?? "")),
    `no failure message matches ${expected.message}: ${result.stdout}`,
  );
  return body.results;
}
