import { buildRunReport, createSystem, MS } from "@understudy/core";
import { measureQos } from "@understudy/monitor-heartbeat";
import { nicSriov } from "@understudy/nic-sriov";
import { expect, test } from "vitest";
import { MaxGapDetector, maxGapMonitor } from "./max-gap-detector.js";

test("a user-written detector, chosen by monitor.kind, catches a crash and the critical guest keeps running", () => {
  const system = createSystem({
    plugins: [nicSriov(), maxGapMonitor()],
    config: {
      durationNs: "2s",
      devices: [{ kind: "nic" }],
      monitor: { kind: "max-gap", factor: 3 },
      faults: [{ at: "1s", kind: "hypervisor-crash" }],
    },
  });
  system.run();
  const report = buildRunReport(system);
  expect(report.failovers.map((f) => f.detector)).toEqual(["max-gap"]);
  // regular 100 ms gaps, factor 3: suspected 300 ms after the last heartbeat (900 ms), at a 10 ms poll
  expect(report.failovers[0].detectedAtNs).toBe(1210 * MS);
  expect(report.guests.find((g) => g.critical)?.lost).toBe(0);
  expect(report.violations).toEqual([]);
});

test("its quality of service is measured like the built-in detectors", () => {
  const qos = measureQos(
    () => {
      const detector = new MaxGapDetector(50, 2, 300 * MS);
      return { detector, deliver: (nowNs) => detector.heartbeat(nowNs) };
    },
    { channel: { latencyNs: "30ms", jitter: { kind: "normal", stdDevNs: "10ms" } }, durationNs: "600s", crashes: 20 },
  );
  expect(qos.undetected).toBe(0);
  expect(qos.detectionMaxNs).toBeLessThan(500 * MS);
  expect(qos.mistakes).toBe(0);
});
