import { messageOf, TendError } from "../errors.ts";
import {
  readRegularFile,
  type RegularFileRead,
  USER_FILE_MAX_BYTES,
} from "../_regular_file.ts";
import {
  adhocBlock,
  type AdhocDefinition,
  adhocService,
  alreadyInFile,
} from "./adhoc.ts";
import { parseConfig } from "./load.ts";

/** How a `[[services]]` (alias) table header looks. */
const SERVICES_HEADER = /^\s*\[\[\s*services\s*\]\]/m;

/**
 * Appends `definition` to the config `file` as a `[[processes]]` block
 * (`[[services]]` when the file uses that alias), leaving the rest of the
 * text, comments included, as it was. The file with the block must load:
 * otherwise nothing is written (`CONFIG_INVALID`); a name the file already
 * has is a `USAGE` error. Returns the block written.
 */
export async function saveService(
  definition: AdhocDefinition,
  options: { file: string; workspace: string },
): Promise<string> {
  const { file, workspace } = options;
  const text = await readText(file);
  const config = await parseConfig(text, { file, workspace });
  if (config.services.some((s) => s.group === definition.name)) {
    throw alreadyInFile(definition.name, file);
  }
  adhocService(definition, { config });
  const key = SERVICES_HEADER.test(text) ? "services" : "processes";
  const block = adhocBlock(definition, { key });
  const separator = text === "" ? "" : text.endsWith("\n") ? "\n" : "\n\n";
  await parseConfig(text + separator + block, { file, workspace });
  await Deno.writeTextFile(file, separator + block, { append: true });
  return block;
}

async function readText(file: string): Promise<string> {
  let read: RegularFileRead;
  try {
    read = await readRegularFile(file, { maxBytes: USER_FILE_MAX_BYTES });
  } catch (error) {
    throw cannotSave(file, messageOf(error), error);
  }
  if ("refused" in read) throw cannotSave(file, read.refused);
  return new TextDecoder().decode(read.bytes);
}

function cannotSave(file: string, why: string, cause?: unknown): TendError {
  return new TendError("CONFIG_INVALID", `Cannot save to "${file}": ${why}`, {
    cause,
  });
}
