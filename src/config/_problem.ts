/** Options of {@linkcode addProblem}. */
export interface ProblemOptions {
  /** Where the problem is, relative to the value being checked. */
  path?: PropertyKey[];
  /** A next step for the user. */
  hint?: string | undefined;
  /** Whether the message should end with ", got <value>". */
  showInput?: boolean;
}

/** The `params` tend puts on its own zod issues. */
export interface ProblemParams {
  hint?: string | undefined;
  showInput?: boolean;
}

/** An issue as tend records it: a `custom` one, with its params. */
export type Problem = {
  code: "custom";
  message: string;
  path: PropertyKey[];
  params: { hint?: string | undefined; showInput?: boolean };
};

/**
 * Where problems go: a zod refinement context, or the collector of the
 * check without zod (quick.ts), which only needs to know there was one.
 */
export interface ProblemSink {
  addIssue(issue: Problem): void;
}

/**
 * Records a config problem on a zod refinement context (or any sink). `message` is the end
 * of a sentence that starts with the field path, e.g. `must be unique`.
 */
export function addProblem(
  ctx: ProblemSink,
  message: string,
  options: ProblemOptions = {},
): void {
  const params: ProblemParams = {
    hint: options.hint,
    showInput: options.showInput ?? false,
  };
  ctx.addIssue({ code: "custom", message, path: options.path ?? [], params });
}
