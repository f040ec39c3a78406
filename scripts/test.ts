// deno-lint-ignore-file no-console -- a program of its own: it prints.
/**
 * `deno task test`: runs every test with the sanitizers on, echoes deno's
 * output, and ends with a plain `N passed, N failed` line for CI.
 *
 * Extra arguments are passed to `deno test` (a file, `--filter NAME`, ...).
 */
const PERMISSIONS = [
  "--allow-all",
];

const args = Deno.args.length > 0 ? Deno.args : ["tests/"];
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "test",
    "--sanitize-ops",
    "--sanitize-resources",
    "--trace-leaks",
    "--parallel",
    ...PERMISSIONS,
    ...args,
  ],
  stdin: "null",
  stdout: "piped",
  stderr: "inherit",
  env: { DENO_JOBS: Deno.env.get("DENO_JOBS") ?? "2" },
}).spawn();

let summary: { passed: number; failed: number } | null = null;
let pending = "";
const decoder = new TextDecoder();
for await (const chunk of child.stdout) {
  await Deno.stdout.write(chunk);
  const lines = (pending + decoder.decode(chunk, { stream: true })).split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) summary = parseSummary(line) ?? summary;
}
summary = parseSummary(pending) ?? summary;
const { code } = await child.status;
const passed = summary?.passed ?? 0;
const failed = summary?.failed ?? (code === 0 ? 0 : 1);
console.log(`\n${passed} passed, ${failed} failed`);
Deno.exit(code);

function parseSummary(line: string): { passed: number; failed: number } | null {
  // deno-lint-ignore no-control-regex
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
  const match = /^(?:ok|FAILED) \| (\d+) passed.*\| (\d+) failed/.exec(plain);
  return match ? { passed: Number(match[1]), failed: Number(match[2]) } : null;
}
