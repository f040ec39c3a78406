/**
 * The floor under `tend status`: its request and a line per service, in one
 * module, with nothing checked. `deno run -A floor_status.ts WORKSPACE`
 * asks the supervisor of WORKSPACE for its status over the control socket
 * (what `tend status` sends) and prints each service's name, status and pid.
 */

interface Answer {
  services: { name: string; status: string; pid: number | null }[];
}

async function readAll(conn: Deno.Conn): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(64 * 1024);
  for (
    let n = await conn.read(buffer);
    n !== null;
    n = await conn.read(buffer)
  ) {
    chunks.push(buffer.slice(0, n));
  }
  const all = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const chunk of chunks) all.set(chunk, at), at += chunk.length;
  return all;
}

async function status(workspace: string): Promise<Answer> {
  const conn = await Deno.connect({
    transport: "unix",
    path: `${workspace}/.tend/run/tend.sock`,
  });
  try {
    await conn.write(
      new TextEncoder().encode(
        "GET /v1/status HTTP/1.1\r\nHost: tend\r\nConnection: close\r\n\r\n",
      ),
    );
    const text = new TextDecoder().decode(await readAll(conn));
    return JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4));
  } finally {
    conn.close();
  }
}

if (import.meta.main) {
  const workspace = Deno.args[0];
  if (workspace === undefined) throw new Error("usage: floor_status.ts DIR");
  const { services } = await status(workspace);
  // deno-lint-ignore no-console -- a program of its own: it prints.
  console.log(
    services.map((s) => `${s.name}  ${s.status}  ${s.pid ?? "-"}`).join("\n"),
  );
}
