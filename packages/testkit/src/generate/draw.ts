import { MS, type Rng, US } from "@understudy/core";
import { exactDuration } from "../replay.js";

/** An integer drawn log-uniformly from [min, max]: small values as likely per decade as large ones. */
export function logInt(rng: Rng, min: number, max: number): number {
  const value = Math.exp(Math.log(min) + rng.float() * (Math.log(max) - Math.log(min)));
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** One of the entries, with probability proportional to its weight. */
export function weighted<T>(rng: Rng, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let x = rng.float() * total;
  for (const [value, w] of entries) {
    x -= w;
    if (x < 0) return value;
  }
  return entries[entries.length - 1][0];
}

/** A duration in [minNs, maxNs] rounded to the microsecond, written as an exact string ("37ms", "1250us"). */
export function durationIn(rng: Rng, minNs: number, maxNs: number): string {
  return exactDuration(rng.int(Math.ceil(minNs / US), Math.max(Math.ceil(minNs / US), Math.floor(maxNs / US))) * US);
}

/** As `durationIn`, log-uniform, in whole milliseconds when the range allows. */
export function logDuration(rng: Rng, minNs: number, maxNs: number): string {
  const unit = minNs >= MS ? MS : US;
  return exactDuration(logInt(rng, Math.ceil(minNs / unit), Math.floor(maxNs / unit)) * unit);
}
