import { buildRunReport, createSystem, type RunReport } from "@understudy/core";
import { allPlugins } from "../plugins.js";
import { resolveScenario, type ScenarioOverrides } from "../scenario.js";

export interface RunOptions extends ScenarioOverrides {
  readonly file?: string;
}

/** Build the scenario (default or file, with overrides), run it to the end, report. */
export function runScenario(options: RunOptions): RunReport {
  const config = resolveScenario(options.file, options);
  const system = createSystem({ plugins: allPlugins(), config });
  system.run();
  return buildRunReport(system);
}
