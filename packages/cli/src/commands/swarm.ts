import { availableParallelism } from "node:os";
import { firstBroken, type ShrinkResult, seedReplayCommand, shrinkSeed } from "@understudy/testkit";
import { Piscina } from "piscina";
import { loadPluginModules, resolvePluginModule } from "../plugin-modules.js";
import { SwarmProgress } from "../swarm/progress.js";
import { type Shard, seedsOf } from "../swarm/shard.js";
import type { WorkerResult, WorkerTask } from "../swarm/worker.js";

export interface SwarmOptions {
  /** Seeds in the campaign (before sharding). */
  readonly seeds: number;
  /** The campaign's first seed (default 1). */
  readonly first?: number;
  readonly shard?: Shard;
  /** Worker threads (default: the machine's parallelism). */
  readonly workers?: number;
  /** Duration of each scenario (default: the generator's 5 s). */
  readonly durationNs?: number;
  /** Shrink each failing seed's fault schedule (default true). */
  readonly shrink?: boolean;
  /** At most this many failing seeds are shrunk (default 20). */
  readonly shrinkLimit?: number;
  /** Modules of extra plugins (`--plugin`). */
  readonly pluginModules?: readonly string[];
  readonly progress?: boolean;
  /** The worker script; default the built `swarm-worker.js` beside this module. */
  readonly workerFile?: string | URL;
}

export interface FailedSeed {
  readonly result: WorkerResult;
  readonly replay: string;
  readonly shrunk?: ShrinkResult & { readonly replay: string };
}

export interface SwarmSummary {
  readonly first: number;
  readonly seeds: number;
  readonly shard?: Shard;
  readonly workers: number;
  readonly durationNs?: number;
  readonly ran: number;
  readonly passed: number;
  readonly failed: readonly FailedSeed[];
  /** Failing seeds by the invariant they broke first. */
  readonly byInvariant: Record<string, number>;
  readonly results: readonly WorkerResult[];
  /** Wall-clock seconds of the campaign (shrinking excluded) and its throughput. */
  readonly wallSeconds: number;
  readonly seedsPerSecond: number;
  readonly shrinkSeconds: number;
}

// tsup builds the worker as its own entry, next to the bundle this module ends up in
const defaultWorkerFile = () => new URL("./swarm-worker.js", import.meta.url);

/**
 * Run a campaign of seeds on a pool of worker threads: each seed draws a random system and fault
 * schedule (`scenarioFromSeed`) and runs it with every invariant checker on. Failing seeds get a
 * replay command, and their schedules are shrunk to a minimal one that still fails.
 */
export async function runSwarm(options: SwarmOptions): Promise<SwarmSummary> {
  const first = options.first ?? 1;
  const seeds = seedsOf(first, options.seeds, options.shard);
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const pluginModules = (options.pluginModules ?? []).map(resolvePluginModule);
  await loadPluginModules(pluginModules); // a bad module is reported once, before any worker starts
  const pool = new Piscina<WorkerTask, WorkerResult>({
    filename: String(options.workerFile ?? defaultWorkerFile()),
    minThreads: workers,
    maxThreads: workers,
  });
  const progress = new SwarmProgress(seeds.length, options.progress ?? false);
  const run = (seed: number, faults?: readonly number[]) =>
    pool.run({ seed, faults, durationNs: options.durationNs, pluginModules });
  try {
    const results = await Promise.all(
      seeds.map((seed) =>
        run(seed).then((result) => {
          progress.tick(result.ok);
          return result;
        }),
      ),
    );
    progress.stop();
    const wallSeconds = progress.elapsedSeconds();
    const origin = (seed: number, faults?: readonly number[]) =>
      seedReplayCommand({ seed, faults, durationNs: options.durationNs, pluginModules });

    const failing = results.filter((r) => !r.ok);
    const shrinkLimit = options.shrink === false ? 0 : (options.shrinkLimit ?? 20);
    const shrinkStarted = progress.elapsedSeconds();
    const failed: FailedSeed[] = await Promise.all(
      failing.map(async (result, i): Promise<FailedSeed> => {
        const replay = origin(result.seed);
        if (i >= shrinkLimit || result.faults === 0) return { result, replay };
        const shrunk = await shrinkSeed(result, { seed: result.seed, durationNs: options.durationNs }, (task) =>
          run(task.seed, task.faults),
        );
        return { result, replay, shrunk: { ...shrunk, replay: origin(result.seed, shrunk.faults) } };
      }),
    );
    const byInvariant: Record<string, number> = {};
    for (const { result } of failed) {
      const key = firstBroken(result) ?? "unknown";
      byInvariant[key] = (byInvariant[key] ?? 0) + 1;
    }
    return {
      first,
      seeds: options.seeds,
      shard: options.shard,
      workers,
      durationNs: options.durationNs,
      ran: results.length,
      passed: results.length - failed.length,
      failed,
      byInvariant,
      results,
      wallSeconds,
      seedsPerSecond: results.length / wallSeconds,
      shrinkSeconds: progress.elapsedSeconds() - shrinkStarted,
    };
  } finally {
    progress.stop();
    await pool.destroy();
  }
}
