import { firstLine, fixtureKiller } from "../proc/_fixture.ts";

/** A running `tests/fixtures/hold_port.ts`, killed when disposed. */
export interface PortHold extends AsyncDisposable {
  /** The spawned process. */
  readonly child: Deno.ChildProcess;
  /** The port it listens on, as it reported. */
  readonly port: number;
  /** SIGKILLs it and awaits its exit; idempotent. */
  kill(): Promise<void>;
}

const HOLD_PORT = new URL("../fixtures/hold_port.ts", import.meta.url).pathname;

/** Starts the fixture on `hostname:port` (0 = any) and waits for `ready <port>`. */
export async function holdPort(hostname: string, port = 0): Promise<PortHold> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", HOLD_PORT, hostname, String(port)],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const kill = fixtureKiller(child, { group: false });
  try {
    const line = await firstLine(child.stdout);
    const match = /^ready (\d+)$/.exec(line);
    if (match === null) {
      throw new Error(`hold_port said ${JSON.stringify(line)}`);
    }
    return { child, port: Number(match[1]), kill, [Symbol.asyncDispose]: kill };
  } catch (error) {
    await kill();
    throw error;
  }
}
