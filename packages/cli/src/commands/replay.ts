import { buildRunReport, createSystem, type RunReport, type SystemConfigInput } from "@understudy/core";
import { catalogOf, type SeedTask, seedScenario } from "@understudy/testkit";
import { loadPluginModules, resolvePluginModule } from "../plugin-modules.js";
import { allPlugins } from "../plugins.js";
import { writeTraceFile } from "../trace-file.js";

export interface ReplayOptions extends SeedTask {
  /** Modules of extra plugins (`--plugin`), the same the swarm was given. */
  readonly pluginModules?: readonly string[];
  /** Write every trace event as a line of JSON to this file. */
  readonly traceFile?: string;
}

/** The scenario a swarm seed ran (with the kept faults): what `replay --scenario` prints. */
export async function replayScenario(options: ReplayOptions): Promise<SystemConfigInput> {
  const extra = await loadPluginModules((options.pluginModules ?? []).map(resolvePluginModule));
  return seedScenario(options, catalogOf([...allPlugins(), ...extra()]));
}

/** Re-run a swarm seed in this process, exactly as the swarm's worker ran it, and report. */
export async function replaySeed(options: ReplayOptions): Promise<RunReport> {
  const extra = await loadPluginModules((options.pluginModules ?? []).map(resolvePluginModule));
  const plugins = () => [...allPlugins(), ...extra()];
  const config = seedScenario(options, catalogOf(plugins()));
  const system = createSystem({ plugins: plugins(), config, keepTrace: options.traceFile !== undefined });
  system.run();
  if (options.traceFile !== undefined) writeTraceFile(system, options.traceFile);
  return buildRunReport(system);
}
