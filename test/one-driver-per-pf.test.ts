import { buildRunReport, MS, ONE_DRIVER_PER_PF } from "@understudy/core";
import { expect, test } from "vitest";
import { nicSystem } from "./support/systems.js";

// A hypervisor that stalls, then wakes 20 us before the sub PF driver claims the PF: its PF driver
// catches up on the link interrupt raised during the stall and reads the device (51 us) just as
// the takeover happens. The claim must fence it. g2 keeps its TX ring full, so the drain lasts
// about a millisecond and the wake-up falls after the detection, inside the drain.
const guests = [
  { name: "g1", critical: true },
  { name: "g2", workloads: { nic0: { rateFps: 400_000 } } },
  { name: "g3" },
];
const stallThenWake = (wakeBeforeClaimNs: number, claimAtNs: number) => [
  { at: "1s", kind: "hypervisor-hang", forNs: claimAtNs - wakeBeforeClaimNs - 1000 * MS },
  { at: "1200ms", kind: "link-speed", device: "nic0", speedBps: "5Gbps" },
];

function claimTime(): number {
  const probe = nicSystem({
    guests,
    durationNs: "1500ms",
    faults: [
      { at: "1s", kind: "hypervisor-hang" },
      { at: "1200ms", kind: "link-speed", device: "nic0", speedBps: "5Gbps" },
    ],
  });
  probe.run();
  return buildRunReport(probe).failovers[0].drainCompletedAtNs as number;
}

test("a PF driver woken just before the takeover is fenced: one driver per PF holds", () => {
  const claimAtNs = claimTime();
  const system = nicSystem({ guests, durationNs: "1500ms", faults: stallThenWake(20_000, claimAtNs) });
  system.run();
  expect(buildRunReport(system).failovers[0].drainCompletedAtNs).toBe(claimAtNs);
  expect(system.device("nic0").pfs[0].linkOperationUnit.readsRefused).toBe(1);
  expect(system.violations).toEqual([]);
});

test("with the device's fencing broken, the woken PF driver stores the device's state while the sub PF driver owns the PF, and the checker fires", () => {
  const claimAtNs = claimTime();
  const system = nicSystem({ guests, durationNs: "1500ms", faults: stallThenWake(20_000, claimAtNs) });
  const pf = system.device("nic0").pfs[0];
  pf.isCurrent = () => true; // the broken component: the device no longer checks the owner's epoch
  system.run();
  const broken = system.violations.filter((v) => v.invariant === ONE_DRIVER_PER_PF);
  expect(broken.length).toBeGreaterThan(0);
  expect(broken[0].detail).toMatch(
    /^pf-driver stored function 0's physical state in 130 while sub-pf-driver owns the PF$/,
  );
  expect(broken[0].subject).toBe("nic0/pf0");
});
