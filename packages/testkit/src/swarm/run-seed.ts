import { buildRunReport, createSystem, type SystemConfigInput, type UnderstudyPlugin } from "@understudy/core";
import { type Catalog, catalogOf } from "../generate/catalog.js";
import { scenarioFromSeed } from "../generate/scenario-from-seed.js";

/** One run of a swarm: a seed, and optionally a subset of its fault schedule or another duration. */
export interface SeedTask {
  readonly seed: number;
  readonly durationNs?: number;
  /** Indices into the seed's fault schedule to keep (all when absent). */
  readonly faults?: readonly number[];
}

export interface ViolationSummary {
  readonly invariant: string;
  readonly atNs: number;
  readonly subject?: string;
  readonly detail: string;
}

/** What a worker sends back: small, plain data. */
export interface SeedResult {
  readonly seed: number;
  readonly ok: boolean;
  /** The first few violations, in the order they happened. */
  readonly violations: readonly ViolationSummary[];
  readonly violationCount: number;
  /** The run threw: a bug of the simulator (or a generator bug, for a refused configuration). */
  readonly error?: string;
  readonly traceHash: string;
  /** Faults in the schedule that ran. */
  readonly faults: number;
  readonly simulatedNs: number;
  readonly events: number;
}

const KEPT_VIOLATIONS = 5;

/** The invariant a failed run broke first (`error` when it threw). */
export function firstBroken(result: SeedResult): string | undefined {
  if (result.ok) return undefined;
  return result.error !== undefined ? "error" : result.violations[0]?.invariant;
}

/** The scenario of a task: the seed's, with only the kept faults. */
export function seedScenario(task: SeedTask, catalog?: Catalog): SystemConfigInput {
  const config = scenarioFromSeed(task.seed, { durationNs: task.durationNs, catalog });
  if (task.faults === undefined) return config;
  const keep = new Set(task.faults);
  return { ...config, faults: (config.faults ?? []).filter((_, i) => keep.has(i)) };
}

/**
 * Run one seed to the end with every invariant checker on. `plugins` makes a fresh set of
 * plugins (the same set the scenario was drawn for: replay must pass the same).
 */
export function runSeed(task: SeedTask, plugins: () => UnderstudyPlugin[]): SeedResult {
  const config = seedScenario(task, catalogOf(plugins()));
  const faults = config.faults?.length ?? 0;
  try {
    const system = createSystem({ plugins: plugins(), config });
    system.run();
    const report = buildRunReport(system);
    return {
      seed: task.seed,
      ok: report.violations.length === 0,
      violations: report.violations.slice(0, KEPT_VIOLATIONS),
      violationCount: report.violations.length,
      traceHash: report.traceHash,
      faults,
      simulatedNs: report.simulatedNs,
      events: report.events,
    };
  } catch (error) {
    // the message and where it was thrown: enough to start from, the replay gives the rest
    const where =
      error instanceof Error ? (error.stack?.split("\n").find((l) => l.trim().startsWith("at ")) ?? "") : "";
    const message = error instanceof Error ? `${error.name}: ${error.message} ${where.trim()}` : String(error);
    return {
      seed: task.seed,
      ok: false,
      violations: [],
      violationCount: 0,
      error: message,
      traceHash: "",
      faults,
      simulatedNs: 0,
      events: 0,
    };
  }
}
