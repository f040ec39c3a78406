/**
 * Whether anything is at `path` (a dangling symlink too: `lstat`, not
 * `stat`). An unreadable parent counts as nothing there.
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
