import { buildRunReport, createSystem, type FailureDetector, MS, type SystemConfigInput } from "@understudy/core";
import { nicSriov } from "@understudy/nic-sriov";
import { describe, expect, test } from "vitest";
import { heartbeatChannelOf, heartbeatMonitorKind, monitorHeartbeat } from "../src/index.js";

/**
 * What a false suspicion does (issue #5, part 3): the suspected hypervisor is treated as failed.
 * The takeover fences its PF driver (the PF's ownership epoch moves to the sub PF driver before
 * the sub PF driver touches the device, so the device refuses the old driver's link reads and the
 * channels drop its answers), and step 1707 soft-resets it, alive or not. A mistake costs the other
 * guests a reboot, never consistency: the critical guest loses nothing and the PF has one driver.
 */

const scenario = (faults: SystemConfigInput["faults"], strategy = "rebuild-on-failover"): SystemConfigInput => ({
  durationNs: "5s",
  devices: [{ kind: "nic" }],
  strategy,
  monitor: { kind: "heartbeat" },
  faults,
});

describe.each(["rebuild-on-failover", "continuous-sync"])("false suspicion (%s)", (strategy) => {
  test("a heartbeat loss beyond the tolerance: the live hypervisor is fenced and reset, no frame lost, one driver per PF", () => {
    const system = createSystem({
      plugins: [nicSriov(), monitorHeartbeat()],
      config: scenario(
        [
          { at: "1s", kind: "heartbeat-loss", forNs: "1s" },
          // a link change while the sub PF driver serves the critical guest
          { at: "1800ms", kind: "cable-unplug", device: "nic0" },
          { at: "2200ms", kind: "cable-plug", device: "nic0" },
        ],
        strategy,
      ),
    });
    const answeredBy = new Set<string>();
    system.hooks.virtualLinkUpdated.tap("test", (e) => answeredBy.add(e.source));
    let aliveAtDetection: boolean | undefined;
    system.hooks.failureDetected.tap("test", () => {
      aliveAtDetection = system.hypervisor.running && system.hypervisor.failedAt === undefined;
    });
    system.run();
    const report = buildRunReport(system);

    expect(aliveAtDetection).toBe(true);
    expect(report.failovers).toHaveLength(1);
    const failover = report.failovers[0];
    expect(failover.fault).toBeUndefined(); // nothing failed: a mistake of the path
    expect(failover.subPfActiveAtNs).toBeGreaterThan(failover.detectedAtNs as number);
    expect(failover.failedBackAtNs).toBeGreaterThan(failover.softResetAtNs as number);
    // lost from 1 s until the hypervisor's soft reset (1.53 s) silenced it: 1.0, 1.1, ... 1.5 s
    expect(heartbeatChannelOf(system)?.lost).toBe(6);
    // the no-false-failover checker counts it as a mistake (silence beyond the tolerance), not a violation
    expect(report.violations).toEqual([]);
    const critical = report.guests.find((g) => g.critical);
    expect(critical?.lost).toBe(0);
    expect(critical?.failed).toBe(0);
    // both drivers did drive the PF, each only while it owned it (the one-driver-per-pf checker
    // found nothing: report.violations is empty above)
    expect([...answeredBy].sort()).toEqual(["pf-driver", "sub-pf-driver"]);
  });
});

test("a stalled hypervisor that wakes just before the takeover: the device refuses its PF driver's late link read", () => {
  // Learn when the sub PF driver claims the PF (the drain's end), then let the hypervisor wake
  // 20 us before that: its PF driver catches up on the link interrupt raised during the stall and
  // asks the device for the link state (a 51 us read) just as the sub PF driver takes the PF.
  const stall = { at: "1s", kind: "hypervisor-hang" };
  const renegotiate = { at: "1200ms", kind: "link-speed", device: "nic0", speedBps: "5Gbps" };
  const probe = createSystem({ plugins: [nicSriov(), monitorHeartbeat()], config: scenario([stall, renegotiate]) });
  probe.run();
  const claimAtNs = buildRunReport(probe).failovers[0].drainCompletedAtNs as number;

  const system = createSystem({
    plugins: [nicSriov(), monitorHeartbeat()],
    config: scenario([{ ...stall, forNs: claimAtNs - 20_000 - 1000 * MS }, renegotiate]),
  });
  const pf = system.topology.pfs[0];
  system.run();
  const report = buildRunReport(system);

  expect(report.failovers).toHaveLength(1);
  expect(report.failovers[0].drainCompletedAtNs).toBe(claimAtNs);
  expect(pf.linkOperationUnit.readsRefused).toBe(1);
  // the sub PF driver read the new speed itself and told the critical guest (link-state truth holds)
  expect(report.violations).toEqual([]);
  expect(report.guests.find((g) => g.critical)?.lost).toBe(0);
});

describe("no-false-failover tells a mistake of the path from a bug", () => {
  /** A detector that suspects at a fixed time whatever it hears: a bug. */
  const suspectAt = (atNs: number, toleranceNs?: number): FailureDetector => ({
    name: "suspect-at",
    toleranceNs,
    check: (nowNs) => (nowNs >= atNs ? { failed: true, reason: "bug" } : { failed: false }),
    reset() {},
  });

  const run = (detector: FailureDetector) => {
    const system = createSystem({
      plugins: [
        nicSriov(),
        {
          name: "buggy-monitor",
          apply(s) {
            s.registerMonitor({
              ...heartbeatMonitorKind,
              kind: "buggy",
              create: (ctx, options) => ({ ...heartbeatMonitorKind.create(ctx, options), detector }),
            });
          },
        },
      ],
      config: { durationNs: "2s", devices: [{ kind: "nic" }], monitor: { kind: "buggy" } },
    });
    system.run();
    return buildRunReport(system).violations.map((v) => v.detail);
  };

  test("a suspicion while heartbeats arrive within the stated tolerance is a violation", () => {
    expect(run(suspectAt(1000 * MS, 500 * MS))).toEqual([
      expect.stringMatching(
        /^suspect-at declared a live hypervisor failed \(heard \d+ ns ago, within its tolerance of 500000000 ns\): bug$/,
      ),
    ]);
  });

  test("a detector that states no tolerance may never suspect a live hypervisor", () => {
    expect(run(suspectAt(1000 * MS))).toEqual(["suspect-at declared a live hypervisor failed: bug"]);
  });
});
