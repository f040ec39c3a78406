import { lazyImport } from "../_lazy.ts";
import type { EnvFileEntry } from "../config/_env_file.ts";
import { messageOf, TendError } from "../errors.ts";
import {
  readRegularFile,
  type RegularFileRead,
  USER_FILE_MAX_BYTES,
} from "../_regular_file.ts";

/**
 * The variables of a service's env files, read now (so a changed file takes
 * effect at the next start), later files winning. A missing file is skipped
 * when optional; otherwise, like an unreadable or non-UTF-8 file or a value
 * holding a NUL character, it is a `CONFIG_INVALID` {@linkcode TendError}
 * naming the service and the file.
 */
export async function readEnvFiles(
  files: readonly EnvFileEntry[],
  options: { service: string },
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  if (files.length === 0) return env;
  const { parseEnvText } = await lazyImport<typeof import("./_dotenv.ts")>(
    new URL("./_dotenv.ts", import.meta.url),
  );
  for (const file of files) {
    const text = await readEnvFile(file, options.service);
    if (text === null) continue;
    const read = parseEnvText(text);
    const withNul = Object.entries(read).find(([, value]) =>
      value.includes("\0")
    );
    if (withNul) {
      throw envFileError(file, options.service, {
        why: `the value of ${
          withNul[0]
        } contains a NUL character, which no environment variable can hold`,
      });
    }
    Object.assign(env, read);
  }
  return env;
}

async function readEnvFile(
  file: EnvFileEntry,
  service: string,
): Promise<string | null> {
  let read: RegularFileRead;
  try {
    read = await readRegularFile(file.path, { maxBytes: USER_FILE_MAX_BYTES });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound && file.optional) return null;
    const missing = error instanceof Deno.errors.NotFound;
    throw envFileError(file, service, {
      why: missing ? "it does not exist" : messageOf(error),
      cause: error,
      hint: missing
        ? `Create it, or mark it optional: env_file = { path = "...", optional = true }`
        : undefined,
    });
  }
  if ("refused" in read) {
    throw envFileError(file, service, { why: read.refused });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(read.bytes);
  } catch (error) {
    throw envFileError(file, service, {
      why: "it is not UTF-8 text",
      cause: error,
    });
  }
}

function envFileError(
  file: EnvFileEntry,
  service: string,
  options: { why: string; cause?: unknown; hint?: string | undefined },
): TendError {
  return new TendError(
    "CONFIG_INVALID",
    `Cannot read env_file "${file.path}" of "${service}": ${options.why}`,
    { cause: options.cause, hint: options.hint },
  );
}
