import assert from "node:assert/strict";
import {
  execSpan,
  parseExecEvents,
  restartSpan,
} from "../../scripts/_bench/exec_clock.ts";

/** What `perf script` printed for a cold `tend start` on the 2 vCPU VM. */
const COLD_START = [
  "            deno 28145 [000] 40478.856323: sched:sched_process_exec: filename=/usr/bin/deno pid=28145 old_pid=28145",
  "          setsid 28152 [001] 40478.885017: sched:sched_process_exec: filename=/usr/bin/setsid pid=28152 old_pid=28152",
  "            deno 28152 [001] 40478.885852: sched:sched_process_exec: filename=/usr/lib/node_modules/deno/deno pid=28152 old_pid=28152",
  "          setsid 28160 [001] 40478.944679: sched:sched_process_exec: filename=/usr/bin/setsid pid=28160 old_pid=28160",
  "           sleep 28160 [000] 40478.946223: sched:sched_process_exec: filename=/usr/bin/sleep pid=28160 old_pid=28160",
  "",
].join("\n");

/** And for a SIGKILLed service and its successor (tend spawns it through setsid). */
const RESTART = [
  "           sleep 30001 [001] 44253.873974: sched:sched_process_exit: comm=sleep pid=30001 prio=120 group_dead=true",
  "          setsid 30007 [000] 44253.876210: sched:sched_process_exec: filename=/usr/bin/setsid pid=30007 old_pid=30007",
  "           sleep 30007 [000] 44253.877474: sched:sched_process_exec: filename=/usr/bin/sleep pid=30007 old_pid=30007",
].join("\n");

/** Within 1 ns: the spans are differences of parsed decimals. */
function assertClose(actual: number | undefined, expected: number): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < 1e-6,
    `${actual} is not ${expected}`,
  );
}

Deno.test("parseExecEvents reads every exec and exit of perf's output", () => {
  const events = parseExecEvents(`${COLD_START}\n${RESTART}`);
  assert.equal(events.length, 8);
  assert.deepEqual(events[4], {
    kind: "exec",
    pid: 28160,
    filename: "/usr/bin/sleep",
    ms: 40478946.223,
  });
  assert.deepEqual(events[5], { kind: "exit", pid: 30001, ms: 44253873.974 });
});

Deno.test("parseExecEvents skips lines of other events and noise", () => {
  assert.deepEqual(
    parseExecEvents(
      "perf 1 [000] 1.000001: sched:sched_switch: prev_comm=x prev_pid=2\nnoise",
    ),
    [],
  );
});

Deno.test("execSpan runs from the CLI's exec to the service's last exec", () => {
  const events = parseExecEvents(COLD_START);
  // The sleep exec'd by setsid, not setsid itself.
  assertClose(execSpan(events, { cliPid: 28145, servicePid: 28160 }), 89.9);
});

Deno.test("execSpan is undefined when perf missed either process", () => {
  const events = parseExecEvents(COLD_START);
  assert.equal(execSpan(events, { cliPid: 1, servicePid: 28160 }), undefined);
  assert.equal(execSpan(events, { cliPid: 28145, servicePid: 2 }), undefined);
});

Deno.test("restartSpan runs from the exit to the successor's last exec", () => {
  const events = parseExecEvents(RESTART);
  assertClose(
    restartSpan(events, { exitedPid: 30001, successorPid: 30007 }),
    3.5,
  );
  assert.equal(
    restartSpan(events, { exitedPid: 30007, successorPid: 30001 }),
    undefined,
  );
});
