import { Rng, SEC, type SystemConfigInput } from "@understudy/core";
import type { Catalog } from "./catalog.js";
import { DRAWABLE_FAULTS, drawFaults } from "./draw-faults.js";
import { drawSystem } from "./draw-system.js";

/** The swarm's scenarios last 5 simulated seconds unless told otherwise. */
export const DEFAULT_SWARM_DURATION_NS = 5 * SEC;

/** Everything the generator knows how to draw. */
export const FULL_CATALOG: Catalog = {
  devices: ["nic", "hba", "cna"],
  monitors: ["bmc", "heartbeat"],
  faults: DRAWABLE_FAULTS,
};

export interface GenerateOptions {
  readonly durationNs?: number;
  /** What the plugins at hand offer (`catalogOf(plugins)`); the generator draws only among it. */
  readonly catalog?: Catalog;
}

/**
 * A random system and fault schedule, a pure function of the seed (and the options): the same
 * seed gives the same scenario, so a seed is all it takes to replay a run. The result is plain
 * JSON. Every draw is valid by construction: a draw the system refuses is a generator bug.
 *
 * The system and the schedule come from separate streams, and the schedule is drawn whole, so
 * keeping a subset of its faults (the shrinker) changes nothing else.
 */
export function scenarioFromSeed(seed: number, options: GenerateOptions = {}): SystemConfigInput {
  const durationNs = options.durationNs ?? DEFAULT_SWARM_DURATION_NS;
  const catalog = options.catalog ?? FULL_CATALOG;
  if (!["nic", "hba", "cna"].some((kind) => catalog.devices.includes(kind))) {
    throw new Error(
      `the scenario generator draws nic, hba and cna devices; the plugins offer ${catalog.devices.join(", ") || "none"}`,
    );
  }
  const root = new Rng(seed);
  const system = drawSystem(root.fork("system"), catalog);
  const faults = drawFaults(root.fork("faults"), system, catalog, durationNs);
  return {
    name: `swarm-${seed}`,
    seed,
    durationNs,
    ...system.config,
    faults,
  } as SystemConfigInput;
}
