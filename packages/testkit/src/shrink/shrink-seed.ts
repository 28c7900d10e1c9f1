import type { SeedResult, SeedTask } from "../swarm/run-seed.js";
import { firstBroken } from "../swarm/run-seed.js";
import { ddmin } from "./ddmin.js";

export interface ShrinkResult {
  /** Indices into the seed's fault schedule: a 1-minimal subset that still breaks the invariant. */
  readonly faults: readonly number[];
  /** The run of that subset. */
  readonly result: SeedResult;
  /** Runs the shrinker made. */
  readonly runs: number;
}

/** Whether a run broke the given invariant (`error`: threw). */
export function breaks(result: SeedResult, invariant: string): boolean {
  if (invariant === "error") return result.error !== undefined;
  return result.violations.some((v) => v.invariant === invariant);
}

/**
 * Reduce a failing seed's fault schedule to a minimal one that still breaks the same invariant
 * (the first one the full schedule broke), by ddmin over the faults. `run` runs one task (in this
 * thread or on a worker pool); the output is never larger than the schedule that failed.
 */
export async function shrinkSeed(
  failed: SeedResult,
  task: SeedTask,
  run: (task: SeedTask) => Promise<SeedResult>,
): Promise<ShrinkResult> {
  const invariant = firstBroken(failed);
  if (invariant === undefined) throw new Error(`seed ${failed.seed} did not fail: nothing to shrink`);
  const all = task.faults ?? Array.from({ length: failed.faults }, (_, i) => i);
  const results = new Map<string, SeedResult>([[all.join(","), failed]]);
  let runs = 0;
  const kept = await ddmin(all, async (subset) => {
    const result = await run({ ...task, faults: subset });
    runs++;
    results.set(subset.join(","), result);
    return breaks(result, invariant);
  });
  return { faults: kept, result: results.get(kept.join(",")) ?? failed, runs };
}
