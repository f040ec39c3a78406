import type { z } from "npm:zod@4.6.7";

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

/**
 * Records a config problem on a zod refinement context. `message` is the end
 * of a sentence that starts with the field path, e.g. `must be unique`.
 */
export function addProblem(
  ctx: z.core.$RefinementCtx<unknown>,
  message: string,
  options: ProblemOptions = {},
): void {
  const params: ProblemParams = {
    hint: options.hint,
    showInput: options.showInput ?? false,
  };
  ctx.addIssue({ code: "custom", message, path: options.path ?? [], params });
}
