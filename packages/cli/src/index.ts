export { type RunOptions, runScenario } from "./commands/run.js";
export { DEFAULT_SCENARIO } from "./default-scenario.js";
export { formatReport } from "./format/report-text.js";
export { table } from "./format/table.js";
export { allPlugins } from "./plugins.js";
export { readScenarioFile, resolveScenario, type ScenarioOverrides } from "./scenario.js";
