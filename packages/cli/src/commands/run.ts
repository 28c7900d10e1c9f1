import { buildRunReport, createSystem, type RunReport } from "@understudy/core";
import { allPlugins } from "../plugins.js";
import { resolveScenario, type ScenarioOverrides } from "../scenario.js";
import { writeTraceFile } from "../trace-file.js";

export interface RunOptions extends ScenarioOverrides {
  readonly file?: string;
  /** Write every trace event as a line of JSON to this file. */
  readonly traceFile?: string;
}

/** Build the scenario (default or file, with overrides), run it to the end, report. */
export function runScenario(options: RunOptions): RunReport {
  const config = resolveScenario(options.file, options);
  const system = createSystem({ plugins: allPlugins(), config, keepTrace: options.traceFile !== undefined });
  system.run();
  if (options.traceFile !== undefined) writeTraceFile(system, options.traceFile);
  return buildRunReport(system);
}
