/** SGR colours given to services in turn, as Compose does. */
const PALETTE = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94] as const;
/** The SGR code of tend's own label (bold). */
const TEND_STYLE = 1;

/** The label of tend's own lines in the foreground view. */
export const TEND_LABEL = "tend";

/**
 * Prefixes the lines of the foreground view: `web    | line`, each service
 * in its own colour on a terminal, tend's own lines labelled `tend`.
 *
 * @example
 * ```ts
 * const prefix = new LinePrefixer(["web", "db"], { color: false });
 * prefix.service("web", "listening"); // "web  | listening"
 * prefix.tend("INFO ready");          // "tend | INFO ready"
 * ```
 */
export class LinePrefixer {
  #width: number;
  #colors = new Map<string, number>();
  #color: boolean;

  constructor(names: readonly string[], options: { color: boolean }) {
    this.#color = options.color;
    this.#width = Math.max(TEND_LABEL.length, ...names.map((n) => n.length));
    names.forEach((name, i) =>
      this.#colors.set(name, PALETTE[i % PALETTE.length]!)
    );
  }

  /** A line of service `name`'s output. */
  service(name: string, line: string): string {
    return `${this.#label(name, this.#colors.get(name))} | ${line}`;
  }

  /** A line of tend's own log. */
  tend(line: string): string {
    return `${this.#label(TEND_LABEL, TEND_STYLE)} | ${line}`;
  }

  #label(name: string, sgr: number | undefined): string {
    const padded = name.padEnd(this.#width);
    return this.#color && sgr !== undefined
      ? `\x1b[${sgr}m${padded}\x1b[0m`
      : padded;
  }
}
