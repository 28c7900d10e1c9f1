import { buildRunReport, createSystem } from "@understudy/core";
import { monitorBmc } from "@understudy/monitor-bmc";
import { nicSriov } from "@understudy/nic-sriov";
import { expect, test } from "vitest";

test("smoke", () => {
  const system = createSystem({
    plugins: [nicSriov(), monitorBmc()],
    config: { durationNs: "3s", devices: [{ kind: "nic" }], faults: [{ at: "1s", kind: "hypervisor-crash" }] },
  });
  system.run();
  const report = buildRunReport(system);
  console.log(JSON.stringify(report, null, 1).slice(0, 6000));
  expect(report.violations).toEqual([]);
});
