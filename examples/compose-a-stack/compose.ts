/**
 * The default scenario of `understudy run`, composed in TypeScript: one hypervisor, three guests
 * (g1 critical, with the sub PF driver), one SR-IOV NIC with four VFs, the BMC counter monitor,
 * and a hypervisor crash at 2 s of a 10-second run.
 *
 *   npx tsx examples/compose-a-stack/compose.ts [rebuild-on-failover|continuous-sync]
 */
import { buildRunReport, createSystem, formatDuration } from "@understudy/core";
import { monitorBmc } from "@understudy/monitor-bmc";
import { nicSriov } from "@understudy/nic-sriov";

const strategy = process.argv[2] ?? "rebuild-on-failover";

const system = createSystem({
  plugins: [nicSriov(), monitorBmc()],
  config: {
    seed: 1,
    durationNs: "10s",
    strategy,
    monitor: { kind: "bmc", pollNs: "100ms", stallThresholdNs: "500ms" },
    guests: [{ name: "g1", critical: true }, { name: "g2" }, { name: "g3" }],
    devices: [{ kind: "nic", id: "nic0", vfs: 4, linkSpeedBps: "10Gbps" }],
    faults: [{ at: "2s", kind: "hypervisor-crash" }],
  },
});

// any hook can be tapped; here, a line per lifecycle step as it happens
const say = (what: string) => () => console.log(`${formatDuration(system.scheduler.now).padStart(12)}  ${what}`);
system.hooks.hypervisorFailed.tap("example", say("hypervisor crashed"));
system.hooks.failureDetected.tap("example", say("monitoring unit detected the failure (Fig 17)"));
system.hooks.drainCompleted.tap("example", say("other guests drained (Fig 18, 1702-1703)"));
system.hooks.subPfActivated.tap("example", say("sub PF driver serves the critical guest"));
system.hooks.hypervisorRestarted.tap("example", say("hypervisor restarted"));
system.hooks.failedBack.tap("example", say("PF driver took the PF back (Fig 2)"));

system.run();

const report = buildRunReport(system);
for (const guest of report.guests) {
  console.log(
    `${guest.name}${guest.critical ? " (critical)" : ""}: ${guest.submitted} frames sent, ${guest.completed} echoed back, ` +
      `${guest.lost} lost, longest I/O gap ${formatDuration(guest.longestGapNs)}`,
  );
}
console.log(report.violations.length === 0 ? "all invariants held" : report.violations);
process.exitCode = report.violations.length === 0 ? 0 : 1;
