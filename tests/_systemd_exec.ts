/**
 * Reads an `Exec*=` line back into an argv, as systemd does for the quoting
 * tend writes: words split on spaces, double quotes with C escapes (`\"`,
 * `\\`, `\t`), `%%` for `%` and `$$` for `$`.
 */
export function parseExecLine(line: string): string[] {
  const argv: string[] = [];
  let word: string | null = null;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === "\\") {
        const next = line[++i]!;
        word += next === "t" ? "\t" : next;
      } else if (c === '"') quoted = false;
      else word += c;
    } else if (c === " ") {
      if (word !== null) argv.push(word);
      word = null;
    } else if (c === '"') {
      quoted = true;
      word ??= "";
    } else word = (word ?? "") + c;
  }
  if (quoted) throw new SyntaxError(`unclosed quote in ${line}`);
  if (word !== null) argv.push(word);
  return argv.map((arg) => arg.replaceAll("%%", "%").replaceAll("$$", "$"));
}

/** The value of `key=` in a unit's text (the first one). */
export function unitValue(unit: string, key: string): string {
  const line = unit.split("\n").find((l) => l.startsWith(`${key}=`));
  if (line === undefined) throw new Error(`no ${key}= in the unit`);
  return line.slice(key.length + 1);
}
