/**
 * The floor under the supervisor's RSS: the least a Deno process does to
 * keep services as tend's supervisor does, in one module and no more. It
 * holds a lock, starts each service in a session of its own (setsid(1))
 * with a log opened through libc as its stdout and stderr, writes its PID
 * file, awaits its exit, answers JSON on a unix socket, ticks once a
 * second, and stops every group on SIGTERM. No config, no restart, no
 * state file, no checks.
 *
 * `deno run -A floor_supervisor.ts DIR COUNT ARG_PREFIX` runs `COUNT` times
 * `sleep ARG_PREFIX0000`, `ARG_PREFIX0001`… and writes `DIR/ready` once all
 * run and the socket `DIR/sock` listens.
 */

type Libc = Deno.DynamicLibrary<{
  open: { parameters: ["buffer", "i32", "u32"]; result: "i32" };
  close: { parameters: ["i32"]; result: "i32" };
}>;

/** open(2) flags on Linux: O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC. */
const APPEND = 0o1 | 0o100 | 0o2000 | 0o2000000;

const TICK_MS = 1_000;

/** `FsFile.lock`'s argument for an exclusive lock. */
const EXCLUSIVE = true;

interface Child {
  pid: number;
  exited: boolean;
}

function openLog(libc: Libc, path: string): number {
  const fd = libc.symbols.open(
    new TextEncoder().encode(`${path}\0`),
    APPEND,
    0o600,
  );
  if (fd < 0) throw new Error(`cannot open ${path}`);
  return fd;
}

function spawn(libc: Libc, dir: string, name: string, arg: string): Child {
  const fd = openLog(libc, `${dir}/${name}.log`);
  let process: Deno.ChildProcess;
  try {
    process = new Deno.Command("/usr/bin/setsid", {
      args: ["--", "/usr/bin/sleep", arg],
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin" },
      stdin: "null",
      // A raw fd is taken here though not in the types (PLATFORM.md §3d).
      stdout: fd as unknown as "null",
      stderr: fd as unknown as "null",
    }).spawn();
  } finally {
    libc.symbols.close(fd);
  }
  const child: Child = { pid: process.pid, exited: false };
  Deno.writeTextFileSync(`${dir}/${name}.pid`, `${process.pid}\n`, {
    createNew: true,
  });
  process.status.then(() => child.exited = true);
  return child;
}

async function main(dir: string, count: number, prefix: string) {
  using lock = await Deno.open(`${dir}/lock`, { write: true, create: true });
  await lock.lock(EXCLUSIVE);
  const libc: Libc = Deno.dlopen("libc.so.6", {
    open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
    close: { parameters: ["i32"], result: "i32" },
  });
  const children = new Map<string, Child>();
  for (let i = 0; i < count; i++) {
    const name = `s${i}`;
    children.set(
      name,
      spawn(libc, dir, name, `${prefix}${String(i).padStart(4, "0")}`),
    );
  }
  const server = Deno.serve(
    { path: `${dir}/sock`, onListen: () => {} },
    () =>
      Response.json(
        [...children].map(([name, child]) => ({ name, ...child })),
      ),
  );
  let ticks = 0;
  const tick = setInterval(() => ticks++, TICK_MS);
  const { promise: stopped, resolve: stop } = Promise.withResolvers<void>();
  Deno.addSignalListener("SIGTERM", () => stop());
  await Deno.writeTextFile(`${dir}/ready`, `${Deno.pid}\n`);
  await stopped;
  clearInterval(tick);
  for (const child of children.values()) {
    if (!child.exited) Deno.kill(-child.pid, "SIGKILL");
  }
  await server.shutdown();
  libc.close();
}

if (import.meta.main) {
  const [dir, count, prefix] = Deno.args;
  if (dir === undefined || prefix === undefined || !Number(count)) {
    throw new Error("usage: floor_supervisor.ts DIR COUNT ARG_PREFIX");
  }
  await main(dir, Number(count), prefix);
}
