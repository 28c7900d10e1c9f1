import { parseDuration } from "@understudy/core";
import { flagError } from "./scenario.js";

/** A positive integer flag (`--seeds`, `--workers`). */
export function parseCount(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw flagError(flag, text, "a positive integer");
  return n;
}

/** A seed: an integer from 0 to 2^32 - 1. */
export function parseSeed(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) throw flagError(flag, text, "an integer from 0 to 4294967295");
  return n;
}

export function parseDurationFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ns = parseDuration(text);
  if (ns === undefined || ns <= 0) throw flagError("--duration", text, 'a duration such as "5s" or "500ms"');
  return ns;
}

/** `--faults 0,2` (indices into a seed's fault schedule), or `none`. */
export function parseFaultIndices(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === "none") return [];
  const indices = text.split(",").map((part) => Number(part.trim()));
  if (indices.some((i) => !Number.isInteger(i) || i < 0)) {
    throw flagError("--faults", text, 'indices into the fault schedule such as "0,2", or "none"');
  }
  return indices;
}
