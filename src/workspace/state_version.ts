/** The version state.json is written in. */
export const STATE_VERSION = 1;

/** A service name that is safe as a file name: a key of state.json. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,70}$/;
