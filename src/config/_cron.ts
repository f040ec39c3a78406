/**
 * The check of a cron pattern, by compiling it with croner: what loads is
 * what runs. Loaded by `loadCronCheck` (_schedule.ts) only for a config
 * that has a `schedule`: croner is 4 to 9 ms of every config check
 * otherwise (measured).
 */
import { Cron } from "npm:croner@11.0.1";
import { messageOf } from "../errors.ts";

/** Why croner refuses `pattern`, or `null` when it compiles. */
export function cronProblem(pattern: string): string | null {
  try {
    new Cron(pattern, { paused: true });
    return null;
  } catch (error) {
    return messageOf(error);
  }
}
