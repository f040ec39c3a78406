/** The version state.json is written in. */
export const STATE_VERSION = 1;
