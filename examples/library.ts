// deno-lint-ignore-file no-console tend/no-console-outside-output -- an example program: it prints.
/**
 * tend as a library: start a workspace's services, show their status, read
 * the last lines of a log, then stop everything.
 *
 *     deno run -A examples/library.ts [WORKSPACE_DIR]   (default: examples/demo)
 *
 * From another project, import mod.ts by its path or URL instead.
 */
import { openWorkspace, TendError } from "../mod.ts";

const dir = Deno.args[0] ?? new URL("./demo", import.meta.url).pathname;

try {
  const ws = await openWorkspace(dir);
  const started = await ws.start([], {
    onOutput: (line, service) => console.log(`${service} | ${line}`),
  });
  for (const { name, action, service } of started.results) {
    console.log(`${action} ${name} (pid ${service.pid})`);
  }

  const { supervisor, services } = await ws.status();
  console.log(`supervisor ${supervisor.status} (pid ${supervisor.pid})`);
  for (const service of services) {
    console.log(`${service.name}: ${service.status}, port ${service.port}`);
  }

  const first = services[0]!.name;
  console.log(`running ${first}: ${await ws.isRunning(first)}`);
  for await (const line of ws.logs(first, { lines: 3 })) {
    console.log(`${first} log | ${line}`);
  }

  const down = await ws.down();
  console.log(`stopped ${down.results.length} services`);
} catch (error) {
  // Every failure is a TendError: a code (as in `tend --json`), a sentence,
  // maybe a hint.
  if (!(error instanceof TendError)) throw error;
  console.error(`${error.code}: ${error.message}`);
  if (error.hint) console.error(`hint: ${error.hint}`);
  Deno.exitCode = 1;
}
