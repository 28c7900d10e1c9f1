// Issue #4 benchmark: failover times of the HBA and the CNA beside the NIC's, under both
// strategies, with I/O running on every guest. Not a test: it prints numbers (simulated time).
//   npm run bench   (or, after `npx turbo run build`: node packages/cna-sriov/bench/failover.bench.mjs)

import { cnaSriov } from "@understudy/cna-sriov";
import { buildRunReport, createSystem, formatDuration } from "@understudy/core";
import { hbaSriov } from "@understudy/hba-sriov";
import { monitorBmc } from "@understudy/monitor-bmc";
import { nicSriov } from "@understudy/nic-sriov";

const pad = (s, n) => String(s).padStart(n);
const devices = {
  nic: { device: { kind: "nic", id: "dev0" }, workload: { rateFps: 10_000 } },
  hba: { device: { kind: "hba", id: "dev0" }, workload: { rateIops: 10_000, queueDepth: 16 } },
  cna: {
    device: { kind: "cna", id: "dev0" },
    workload: { eth: { rateFps: 10_000 }, fcoe: { rateIops: 10_000, queueDepth: 16 } },
  },
};

console.log(
  "Failover times in simulated time (crash at 300 ms; BMC counter: 100 ms period, 500 ms threshold; 3 guests, I/O on all)",
);
console.log(
  `  ${"device".padEnd(8)}${"strategy".padEnd(22)}${pad("detection", 11)}${pad("drain", 11)}${pad("switchover", 12)}${pad("1st answer", 12)}${pad("failback", 11)}${pad("critical gap", 14)}  PFs taken over`,
);
for (const [name, { device, workload }] of Object.entries(devices)) {
  for (const strategy of ["rebuild-on-failover", "continuous-sync"]) {
    const system = createSystem({
      plugins: [nicSriov(), hbaSriov(), cnaSriov(), monitorBmc()],
      config: {
        durationNs: "1200ms",
        strategy,
        timing: { hypervisorRebootNs: "500ms", guestRebootNs: "300ms" },
        guests: ["g1", "g2", "g3"].map((g, i) => ({ name: g, critical: i === 0, workloads: { dev0: workload } })),
        devices: [device],
        faults: [{ at: "300ms", kind: "hypervisor-crash" }],
      },
    });
    let pfs = [];
    system.hooks.subPfActivated.tap("bench", (e) => {
      pfs = e.pfs;
    });
    system.run();
    const report = buildRunReport(system);
    const f = report.failovers[0];
    const critical = report.guests.find((g) => g.critical);
    console.log(
      `  ${name.padEnd(8)}${strategy.padEnd(22)}${pad(formatDuration(f.detectedAtNs - f.failureAtNs), 11)}${pad(formatDuration(f.drainCompletedAtNs - f.drainStartedAtNs), 11)}${pad(formatDuration(f.subPfActiveAtNs - f.detectedAtNs), 12)}${pad(formatDuration(f.firstSubPfAnswerAtNs - f.failureAtNs), 12)}${pad(formatDuration(f.failedBackAtNs - f.failureAtNs), 11)}${pad(formatDuration(critical.longestGapNs), 14)}  ${pfs.join(", ")}${report.violations.length ? `  VIOLATIONS: ${report.violations.length}` : ""}`,
    );
  }
}
console.log(
  "  (detection = crash to Fig 17 verdict; drain = 1701 to 1703; switchover = verdict to sub PF driver active, drain and 1704-1706/2001 included; 1st answer = crash to the critical guest's first link state from the sub PF driver; failback = crash to the PF driver taking the PFs back; critical gap = the critical guest's longest I/O standstill in the run)",
);
