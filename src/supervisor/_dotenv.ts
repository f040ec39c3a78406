import dotenv from "npm:dotenv@18.0.10";

/**
 * The variables of an env file's text. Its own module, imported lazily by
 * env_file.ts: dotenv loads Node's compatibility layer, which a supervisor
 * whose services have no env files does without.
 */
export function parseEnvText(text: string): Record<string, string> {
  return dotenv.parse(text);
}
