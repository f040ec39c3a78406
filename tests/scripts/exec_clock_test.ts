import assert from "node:assert/strict";
import { execSpan, parseExecEvents } from "../../scripts/_bench/exec_clock.ts";

/** What `perf script` printed for a cold `tend start` on the 2 vCPU VM. */
const PERF_SCRIPT = [
  "            deno 28145 [000] 40478.856323: sched:sched_process_exec: filename=/usr/bin/deno pid=28145 old_pid=28145",
  "          setsid 28152 [001] 40478.885017: sched:sched_process_exec: filename=/usr/bin/setsid pid=28152 old_pid=28152",
  "            deno 28152 [001] 40478.885852: sched:sched_process_exec: filename=/usr/lib/node_modules/deno/deno pid=28152 old_pid=28152",
  "          setsid 28160 [001] 40478.944679: sched:sched_process_exec: filename=/usr/bin/setsid pid=28160 old_pid=28160",
  "           sleep 28160 [000] 40478.946223: sched:sched_process_exec: filename=/usr/bin/sleep pid=28160 old_pid=28160",
  "",
].join("\n");

Deno.test("parseExecEvents reads every exec of perf's output", () => {
  const events = parseExecEvents(PERF_SCRIPT);
  assert.equal(events.length, 5);
  assert.deepEqual(events[4], {
    pid: 28160,
    filename: "/usr/bin/sleep",
    ms: 40478946.223,
  });
});

Deno.test("parseExecEvents skips lines that are not execs", () => {
  assert.deepEqual(
    parseExecEvents(
      "perf 1 [000] 1.000001: sched:sched_process_exit: comm=x pid=2\nnoise",
    ),
    [],
  );
});

Deno.test("execSpan runs from the CLI's exec to the service's last exec", () => {
  const events = parseExecEvents(PERF_SCRIPT);
  const span = execSpan(events, { cliPid: 28145, servicePid: 28160 });
  // The sleep exec'd by setsid, not setsid itself.
  assert.ok(span !== undefined && Math.abs(span - 89.9) < 1e-6, `${span}`);
});

Deno.test("execSpan is undefined when perf missed either process", () => {
  const events = parseExecEvents(PERF_SCRIPT);
  assert.equal(execSpan(events, { cliPid: 1, servicePid: 28160 }), undefined);
  assert.equal(execSpan(events, { cliPid: 28145, servicePid: 2 }), undefined);
});
