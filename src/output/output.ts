import type { ErrorDetail } from "../ipc/protocol.ts";

/** SGR codes of the colours tend uses. */
const ANSI = {
  red: 31,
  green: 32,
  yellow: 33,
  cyan: 36,
  dim: 2,
  bold: 1,
} as const;

/** How often the spinner turns. */
const SPINNER_INTERVAL_MS = 80;

/** Options of {@linkcode Output}. */
export interface OutputOptions {
  /** Machine output: JSON on stdout, nothing else there. */
  json: boolean;
  /** Drop notices (stderr), keep data and errors. */
  quiet: boolean;
  /** Colour text for a terminal. */
  color: boolean;
}

/** The one place that writes to stdout and stderr. */
export class Output {
  readonly options: OutputOptions;

  constructor(options: OutputOptions) {
    this.options = options;
  }

  /** Writes data (a table, a log line) to stdout; `false` once the reader is gone. */
  data(text: string): boolean {
    return write(Deno.stdout, text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Replaces the terminal's screen with `text` (plain lines when not a terminal). */
  screen(text: string): void {
    const clear = Deno.stdout.isTerminal() ? "\x1b[H\x1b[2J" : "";
    write(Deno.stdout, `${clear}${text}\n`);
  }

  /** Writes a JSON value to stdout, one document per call. */
  json(value: unknown): void {
    write(Deno.stdout, JSON.stringify(value, null, 2) + "\n");
  }

  /**
   * What a command did (`started "web" (pid 42)`): its output, on stdout;
   * silent with --quiet or --json (the exit status and JSON say it).
   */
  result(text: string): void {
    if (this.options.quiet) return;
    write(Deno.stdout, `${text}\n`);
  }

  /** A notice for people on stderr (`started "web" (pid 42)`); silent with --quiet or --json. */
  note(text: string): void {
    if (this.options.quiet) return;
    write(Deno.stderr, `${text}\n`);
  }

  /** A warning on stderr, shown even with --quiet. */
  warn(text: string): void {
    write(Deno.stderr, `${this.paint("yellow", "warning")}: ${text}\n`);
  }

  /** An error: `error: …` and `hint: …` on stderr, or `{"error":…}` on stdout with --json. */
  error(
    error: ErrorDetail,
    detail?: string,
  ): void {
    if (this.options.json) {
      const { code, message } = error;
      this.json({
        error: error.hint
          ? { code, message, hint: error.hint }
          : { code, message },
      });
    }
    let text = `${this.paint("red", "error")}: ${error.message}\n`;
    if (error.hint) text += `${this.paint("cyan", "hint")}: ${error.hint}\n`;
    if (detail) text += `${detail}\n`;
    if (!this.options.json || detail) write(Deno.stderr, text);
  }

  /** Whether {@linkcode spin} shows a spinner (stderr is a terminal, not --quiet). */
  get spins(): boolean {
    return !this.options.quiet && Deno.stderr.isTerminal();
  }

  /**
   * Shows a spinner with `text` on stderr while `work` runs, when stderr is a
   * terminal (and not --quiet/--json); otherwise just awaits `work`.
   */
  async spin<T>(text: string, work: Promise<T>): Promise<T> {
    if (!this.spins) return await work;
    const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    let frame = 0;
    const draw = () =>
      write(Deno.stderr, `\r${frames[frame++ % frames.length]} ${text}`);
    draw();
    const timer = setInterval(draw, SPINNER_INTERVAL_MS);
    try {
      return await work;
    } finally {
      clearInterval(timer);
      write(Deno.stderr, "\r\x1b[K");
    }
  }

  /** Colours `text` when colour is on. */
  paint(
    color: "red" | "green" | "yellow" | "cyan" | "dim" | "bold",
    text: string,
  ): string {
    return this.options.color ? `\x1b[${ANSI[color]}m${text}\x1b[0m` : text;
  }
}

/** Whether colour suits this stream and environment (NO_COLOR, a terminal). */
export function colorWanted(options: { noColor: boolean }): boolean {
  if (options.noColor || Deno.env.get("NO_COLOR")) return false;
  return Deno.stdout.isTerminal();
}

/**
 * A log sink for a foreground supervisor: one line to stderr. After the
 * terminal hangs up writes fail with EIO; they are dropped, never thrown.
 */
export function terminalSink(line: string): void {
  write(Deno.stderr, `${line}\n`);
}

function write(
  stream: { writeSync(p: Uint8Array): number },
  text: string,
): boolean {
  const bytes = new TextEncoder().encode(text);
  try {
    let written = 0;
    while (written < bytes.length) {
      written += stream.writeSync(bytes.subarray(written));
    }
    return true;
  } catch {
    // A closed pipe or a hung-up terminal: the reader is gone.
    return false;
  }
}
