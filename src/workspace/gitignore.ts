import type { WorkspacePaths } from "../config/paths.ts";

/** `.tend/.gitignore`: everything under `.tend/` is state, never source. */
const GITIGNORE = "*\n";

/**
 * Writes `.tend/.gitignore` (`*`) unless one is there, creating `.tend/`, so
 * that the workspace's state never shows in `git status`. A file the user
 * put there is kept.
 */
export async function writeGitignore(paths: WorkspacePaths): Promise<void> {
  await Deno.mkdir(paths.stateDir, { recursive: true });
  try {
    await Deno.writeTextFile(`${paths.stateDir}/.gitignore`, GITIGNORE, {
      createNew: true,
    });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
}
