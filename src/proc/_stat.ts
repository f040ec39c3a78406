/** The fields tend uses from one `/proc/PID/stat` line (see proc(5)). */
export interface ProcStat {
  /** Field 1: the process ID. */
  pid: number;
  /** Field 2: the executable name, without the parentheses (may hold spaces and `)`). */
  comm: string;
  /** Field 3: one letter, e.g. `R`, `S`, `D`, `Z` (zombie), `T`, `X`. */
  state: string;
  /** Field 4: the parent's PID (0 for PID 1 and kernel threads). */
  ppid: number;
  /** Field 5: the process group ID. */
  pgrp: number;
  /** Field 6: the session ID. */
  sid: number;
  /** Field 22: start time in clock ticks since boot; part of the identity. */
  startTicks: number;
  /** Field 14: CPU time in user mode, in clock ticks. */
  utimeTicks: number;
  /** Field 15: CPU time in kernel mode, in clock ticks. */
  stimeTicks: number;
  /** Field 23: virtual memory size in bytes. */
  vsizeBytes: number;
  /** Field 24: resident set size in pages. */
  rssPages: number;
}

/** Index in the fields after the comm of field N (field 3 is at index 0). */
const AFTER_COMM_OFFSET = 3;
/** Fields 3 to 24 must be present. */
const MIN_FIELDS_AFTER_COMM = 24 - AFTER_COMM_OFFSET + 1;
const INTEGER = /^-?\d+$/;
const STATE = /^[A-Za-z]$/;
const HEAD = /^(\d+) \(/;

/**
 * Parses the text of `/proc/PID/stat`, or returns `null` when it is not one.
 *
 * The comm field may contain spaces and `)`, so the fixed fields are split
 * after the last `)`.
 *
 * @example
 * ```ts
 * import { parseStat } from "./_stat.ts";
 * const stat = parseStat(await Deno.readTextFile("/proc/self/stat"));
 * ```
 */
export function parseStat(text: string): ProcStat | null {
  const head = HEAD.exec(text);
  const close = text.lastIndexOf(")");
  if (head === null || close < head[0].length) return null;
  const rest = text.slice(close + 1).trim().split(/\s+/);
  if (rest.length < MIN_FIELDS_AFTER_COMM) return null;
  const state = rest[0] ?? "";
  if (!STATE.test(state)) return null;
  const field = (n: number) => toInteger(rest[n - AFTER_COMM_OFFSET]);
  const stat = {
    pid: toInteger(head[1]),
    comm: text.slice(head[0].length, close),
    state,
    ppid: field(4),
    pgrp: field(5),
    sid: field(6),
    startTicks: field(22),
    utimeTicks: field(14),
    stimeTicks: field(15),
    vsizeBytes: field(23),
    rssPages: field(24),
  };
  return isComplete(stat) ? stat : null;
}

/** An integer from decimal text, or NaN (huge values lose precision only). */
function toInteger(text: string | undefined): number {
  return text !== undefined && INTEGER.test(text) ? Number(text) : Number.NaN;
}

/** True when every numeric field parsed and the PID is positive. */
function isComplete(stat: ProcStat): boolean {
  const numbers = [
    stat.ppid,
    stat.pgrp,
    stat.sid,
    stat.startTicks,
    stat.utimeTicks,
    stat.stimeTicks,
    stat.vsizeBytes,
    stat.rssPages,
  ];
  return stat.pid > 0 && numbers.every((n) => !Number.isNaN(n));
}
