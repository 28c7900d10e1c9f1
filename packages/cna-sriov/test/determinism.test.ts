import { buildRunReport } from "@understudy/core";
import { expect, test } from "vitest";
import { cnaSystem, FAST_REBOOTS } from "./support.js";

function traceOf(seed: number) {
  const system = cnaSystem({
    seed,
    durationNs: "700ms",
    timing: FAST_REBOOTS,
    faults: [
      { at: "50ms", kind: "hypervisor-crash" },
      { at: "100ms", kind: "cable-unplug", device: "cna0" },
      { at: "120ms", kind: "cable-plug", device: "cna0" },
    ],
  });
  system.run();
  const report = buildRunReport(system);
  expect(report.violations).toEqual([]);
  return { hash: report.traceHash, events: report.events, completed: report.guests.map((g) => g.completed) };
}

test("determinism: the same seed gives the same trace through ETS, logins and a failover; another seed another", () => {
  const first = traceOf(11);
  expect(traceOf(11)).toEqual(first);
  expect(traceOf(12).hash).not.toBe(first.hash);
});
