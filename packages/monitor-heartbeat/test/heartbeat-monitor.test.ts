import { buildRunReport, ConfigError, createSystem, MS, type SystemConfigInput } from "@understudy/core";
import { monitorBmc } from "@understudy/monitor-bmc";
import { nicSriov } from "@understudy/nic-sriov";
import { describe, expect, test } from "vitest";
import { heartbeatChannelOf, monitorHeartbeat, type PhiAccrualDetector } from "../src/index.js";

const plugins = () => [nicSriov(), monitorHeartbeat()];

/** No workloads: an hour of simulated time then costs under a second. */
const quietGuests = [
  { name: "g1", critical: true, workloads: { nic0: null } },
  { name: "g2", workloads: { nic0: null } },
];

const crashAt1s = (monitor: SystemConfigInput["monitor"]): SystemConfigInput => ({
  durationNs: "2s",
  devices: [{ kind: "nic" }],
  monitor,
  faults: [{ at: "1s", kind: "hypervisor-crash" }],
});

describe("Fig 17 over heartbeats: detection after a crash", () => {
  test("fixed timeout: within k periods of the last heartbeat, plus its delay and one poll", () => {
    const latencyNs = 2 * MS;
    const maxJitterNs = 30 * MS;
    const system = createSystem({
      plugins: plugins(),
      config: crashAt1s({
        kind: "heartbeat",
        channel: { latencyNs, jitter: { kind: "uniform", maxNs: maxJitterNs } },
        detector: { kind: "fixed-timeout", missedPeriods: 4 },
      }),
    });
    system.run();
    const [failover] = buildRunReport(system).failovers;
    expect(failover.fault).toBe("crash");
    // the last heartbeat left at 900 ms (the duty of 1 s found the hypervisor dead)
    const detectionNs = (failover.detectedAtNs as number) - 1000 * MS;
    expect(detectionNs).toBeGreaterThanOrEqual(300 * MS + latencyNs); // 900 ms + latency + 400 ms, minus the crash
    expect(detectionNs).toBeLessThanOrEqual(300 * MS + latencyNs + maxJitterNs + 10 * MS);
    expect(buildRunReport(system).violations).toEqual([]);
  });

  test("phi accrual: when phi crosses the threshold, mean + 5.226 std after the last heartbeat, within one poll", () => {
    const system = createSystem({ plugins: plugins(), config: crashAt1s({ kind: "heartbeat" }) });
    const detector = system.monitoringUnit.detector as PhiAccrualDetector;
    let lastHeardNs = 0;
    let toleranceNs = 0;
    system.hooks.hypervisorHeard.tap("test", () => {
      lastHeardNs = system.scheduler.now;
    });
    system.hooks.failureDetected.tap("test", () => {
      toleranceNs = detector.toleranceNs;
    });
    system.run();
    const detectedAtNs = buildRunReport(system).failovers[0].detectedAtNs as number;
    expect(lastHeardNs).toBe(900 * MS + 50_000); // sent at 900 ms, 50 us on the way
    // regular 100 ms heartbeats: std floored at 100 ms, mean about 100 ms, so about 623 ms of silence
    expect(toleranceNs).toBeGreaterThan(615 * MS);
    expect(toleranceNs).toBeLessThan(630 * MS);
    expect(detectedAtNs - lastHeardNs).toBeGreaterThanOrEqual(toleranceNs);
    expect(detectedAtNs - lastHeardNs).toBeLessThan(toleranceNs + 10 * MS);
    expect(detector.phi(detectedAtNs)).toBeGreaterThanOrEqual(8);
    expect(detector.phi(detectedAtNs - 10 * MS)).toBeLessThan(8);
  });
});

describe.each([{ kind: "fixed-timeout", missedPeriods: 5 }, { kind: "phi-accrual" }])("$kind detector", (detector) => {
  test("no suspicion over one simulated hour with jitter inside the tolerance", () => {
    // FIFO delays in [1 ms, 201 ms]: no gap between arrivals exceeds 100 + 200 ms, well inside
    // 500 ms (5 periods) or phi's tolerance (mean + 5.226 std with std >= 100 ms)
    const system = createSystem({
      plugins: plugins(),
      config: {
        durationNs: "3600s",
        settleNs: 0,
        devices: [{ kind: "nic" }],
        guests: quietGuests,
        monitor: {
          kind: "heartbeat",
          detector,
          channel: { latencyNs: "1ms", jitter: { kind: "uniform", maxNs: "200ms" } },
        },
      },
    });
    let longestGapNs = 0;
    let lastNs = 0;
    system.hooks.hypervisorHeard.tap("test", () => {
      longestGapNs = Math.max(longestGapNs, system.scheduler.now - lastNs);
      lastNs = system.scheduler.now;
    });
    system.run();
    const report = buildRunReport(system);
    expect(heartbeatChannelOf(system)?.delivered).toBe(35_999);
    expect(longestGapNs).toBeGreaterThan(250 * MS); // the jitter was really there
    expect(system.monitoringUnit.detections).toBe(0);
    expect(report.failovers).toEqual([]);
    expect(report.violations).toEqual([]);
  });

  test("a heartbeat loss burst shorter than the tolerance causes no failover", () => {
    const system = createSystem({
      plugins: plugins(),
      config: {
        durationNs: "3s",
        devices: [{ kind: "nic" }],
        monitor: { kind: "heartbeat", detector },
        // loses the heartbeats of 1.0 to 1.3 s: 400 ms between arrivals, under 500 ms and ~620 ms
        faults: [{ at: "950ms", kind: "heartbeat-loss", forNs: "400ms" }],
      },
    });
    system.run();
    const report = buildRunReport(system);
    expect(heartbeatChannelOf(system)?.lost).toBe(4);
    expect(report.failovers).toEqual([]);
    expect(report.violations).toEqual([]);
  });

  test("a loss burst longer than the tolerance is suspected (the mistake of part 3)", () => {
    const system = createSystem({
      plugins: plugins(),
      config: {
        durationNs: "2s",
        devices: [{ kind: "nic" }],
        monitor: { kind: "heartbeat", detector },
        faults: [{ at: "950ms", kind: "heartbeat-loss", forNs: "800ms" }],
      },
    });
    system.run();
    expect(buildRunReport(system).failovers).toHaveLength(1);
  });
});

describe("interchangeable monitors, chosen by configuration", () => {
  test.each([
    ["bmc", "bmc-counter"],
    ["heartbeat", "phi-accrual"],
  ])("monitor.kind %s watches with the %s detector and catches the crash", (kind, detectorName) => {
    const system = createSystem({
      plugins: [nicSriov(), monitorBmc(), monitorHeartbeat()],
      config: crashAt1s({ kind }),
    });
    system.run();
    const report = buildRunReport(system);
    expect(report.monitor).toBe(kind);
    expect(report.failovers.map((f) => f.detector)).toEqual([detectorName]);
    expect(report.violations).toEqual([]);
  });

  test("a bad heartbeat option is a ConfigError naming the field and what is allowed", () => {
    const build = (monitor: object) => () =>
      createSystem({ plugins: plugins(), config: { devices: [{ kind: "nic" }], monitor } });
    expect(build({ kind: "heartbeat", detector: { kind: "fixed-timeout", missedPeriods: 1 } })).toThrow(
      /monitor\.detector\.missedPeriods: got 1; expected >= 2/,
    );
    expect(build({ kind: "heartbeat", channel: { jitter: { kind: "normal", stdDevNs: "lots" } } })).toThrow(
      /monitor\.channel\.jitter\.stdDevNs: got "lots"; expected a duration/,
    );
    expect(build({ kind: "heartbeat", detector: { kind: "timeout" } })).toThrow(ConfigError);
  });

  test("the heartbeat-loss fault needs the heartbeat monitor", () => {
    expect(() =>
      createSystem({
        plugins: [nicSriov(), monitorBmc(), monitorHeartbeat()],
        config: { devices: [{ kind: "nic" }], faults: [{ at: "1s", kind: "heartbeat-loss", forNs: "1s" }] },
      }),
    ).toThrow(/faults\[0\].*needs monitor.kind "heartbeat"/);
  });
});

test("same seed, same trace, with jitter and loss bursts", () => {
  const config: SystemConfigInput = {
    durationNs: "2s",
    seed: 42,
    devices: [{ kind: "nic" }],
    monitor: {
      kind: "heartbeat",
      channel: {
        jitter: { kind: "normal", stdDevNs: "20ms" },
        latencyNs: "60ms",
        lossProbability: 0.05,
        lossBurst: { probability: 0.05, meanLengthNs: "300ms" },
      },
    },
    faults: [{ at: "1500ms", kind: "hypervisor-crash" }],
  };
  const run = () => {
    const system = createSystem({ plugins: plugins(), config });
    system.run();
    return buildRunReport(system).traceHash;
  };
  expect(run()).toBe(run());
});
