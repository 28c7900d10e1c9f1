import { writeFileSync } from "node:fs";
import type { System } from "@understudy/core";

/** Write every trace event the system kept (build it with `keepTrace`) as a line of JSON. */
export function writeTraceFile(system: System, path: string): void {
  const lines = system.trace.events.map((e) => JSON.stringify({ atNs: e.atNs, kind: e.kind, data: e.data }));
  writeFileSync(path, `${lines.join("\n")}\n`);
}
