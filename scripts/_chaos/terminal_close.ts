/**
 * Scenario 6: the terminal of a foreground `tend up` closes. `tend up` runs
 * under a pty made by `script -qfec`; once every service runs, `script` is
 * SIGKILLed, which closes the pty master: the session gets SIGHUP. Every
 * service (which ignore SIGHUP themselves and have a child in their group)
 * and the supervisor must be gone within the deadline.
 */
import { cliEnv, tendArgv } from "../../tests/_helpers.ts";
import {
  checkAllRunning,
  makeTempWorkspace,
  Recorder,
  round,
  type ScenarioOptions,
  type ScenarioResult,
  settle,
  snapshot,
  summary,
  waitUntilNothingTagged,
} from "./common.ts";

const SERVICES = ["web", "worker"] as const;

/** A service that ignores SIGHUP and keeps a child in its process group. */
function hupProofService(name: string): string {
  return `[[processes]]
name = ${JSON.stringify(name)}
command = "sh"
args = ["-c", "trap '' HUP; sleep 3600 & wait"]
min_ready = "100ms"
stop_timeout = "3s"
`;
}

/** POSIX shell quoting of one word. */
function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Runs `rounds` terminal closes. */
export async function terminalClose(
  options: ScenarioOptions & { rounds: number; deadlineMs: number },
): Promise<ScenarioResult> {
  const rec = new Recorder(
    "terminal-close",
    "pty of a foreground tend up closed (script SIGKILLed)",
  );
  const cleared: number[] = [];
  for (let r = 0; r < options.rounds; r++) {
    await rec.case(`round ${r + 1}`, async (fail) => {
      await using ws = await makeTempWorkspace();
      await ws.writeConfig(SERVICES.map(hupProofService).join(""));
      const line = [Deno.execPath(), ...tendArgv(["-C", ws.dir, "up"])]
        .map(quote).join(" ");
      // Tagged like a supervisor so that the workspace's disposal reaches
      // `tend up` if it survives.
      const script = new Deno.Command("script", {
        args: ["-qfec", line, "/dev/null"],
        clearEnv: true,
        env: cliEnv({ TEND_SUPERVISOR: ws.dir, SHELL: "/bin/sh" }),
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      try {
        const problems = await settle(
          () => checkAllRunning(ws.dir, SERVICES),
          { timeoutMs: 20_000, intervalMs: 100 },
        );
        if (problems.length > 0) {
          fail(`services never all ran: ${problems.join("; ")}`);
          return;
        }
        const before = await snapshot(ws.dir);
        const members = before.tagged.length;
        script.kill("SIGKILL");
        const { survivors, ms } = await waitUntilNothingTagged(
          ws.dir,
          options.deadlineMs,
        );
        if (survivors.length > 0) {
          fail(
            `${survivors.length} of ${members} tagged processes survived ${options.deadlineMs} ms: ${survivors}`,
          );
        } else cleared.push(ms);
        options.log(
          `  round ${r + 1}: ${members} tagged processes, ${
            survivors.length === 0
              ? `all gone in ${round(ms)} ms`
              : `${survivors.length} survived`
          }`,
        );
      } finally {
        try {
          script.kill("SIGKILL");
        } catch {
          // Already gone.
        }
        await script.status;
      }
    });
  }
  const s = summary(cleared);
  rec.figures["all gone after close, median (ms)"] = s.median;
  rec.figures["all gone after close, max (ms)"] = s.max;
  return rec.result();
}
