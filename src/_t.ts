// TEMPORARY timing marks (not to commit)
const T0 = Number(Deno.env.get("TEND_T0") ?? "NaN");
const WHO = Deno.env.get("TEND_SUPERVISOR") ? "S" : "C";
export function mark(label: string): void {
  if (Number.isNaN(T0)) return;
  Deno.stderr.writeSync(
    new TextEncoder().encode(
      `T ${WHO} ${
        (performance.timeOrigin + performance.now() - T0).toFixed(1)
      } ${label}\n`,
    ),
  );
}
mark("first-module");
