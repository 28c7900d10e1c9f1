import { Bmc, MS } from "@understudy/core";
import { BmcCounterDetector } from "@understudy/monitor-bmc";
import { describe, expect, test } from "vitest";
import { FixedTimeoutDetector } from "./fixed-timeout-detector.js";
import { measureQos, type WatchedPath } from "./qos.js";

const fixedTimeout = (missedPeriods: number) => (): WatchedPath => {
  const detector = new FixedTimeoutDetector(100 * MS, missedPeriods);
  return { detector, deliver: (nowNs) => detector.heartbeat(nowNs) };
};

describe("detector QoS (Chen, Toueg and Aguilera)", () => {
  test("T_D of a fixed timeout over a perfect channel: the timeout minus the crash's phase in its period", () => {
    // heartbeats at every 100 ms, no delay; a crash at phase p in (0, 100 ms] after the last one is
    // suspected 300 ms after that heartbeat (a 10 ms poll falls exactly there): T_D = 300 ms - p
    const qos = measureQos(fixedTimeout(3), { channel: { latencyNs: 0 }, durationNs: "600s", crashes: 200 });
    expect(qos.undetected).toBe(0);
    expect(qos.detectionMaxNs).toBeLessThanOrEqual(300 * MS);
    expect(qos.detectionMeanNs).toBeGreaterThan(235 * MS);
    expect(qos.detectionMeanNs).toBeLessThan(265 * MS);
    expect(qos).toMatchObject({ mistakes: 0, mistakeRecurrenceNs: undefined, mistakeDurationNs: undefined });
    expect(qos.queryAccuracy).toBe(1);
  });

  test("a channel that loses everything: one mistake from the timeout on, P_A is the timeout over the run", () => {
    const qos = measureQos(fixedTimeout(3), { channel: { lossProbability: 1 }, durationNs: "100s", crashes: 5 });
    expect(qos.mistakes).toBe(1);
    expect(qos.mistakeRecurrenceNs).toBe(100_000 * MS);
    expect(qos.mistakeDurationNs).toBe((100_000 - 300) * MS);
    expect(qos.queryAccuracy).toBeCloseTo(300 / 100_000, 12);
    expect(qos.detectionMaxNs).toBe(0); // suspected before the crash already
  });

  test("mistakes of a tight timeout over a jittery channel: T_MR, T_M and P_A agree with each other", () => {
    const qos = measureQos(fixedTimeout(2), {
      channel: { latencyNs: "60ms", jitter: { kind: "normal", stdDevNs: "30ms" } },
      durationNs: "600s",
      crashes: 20,
    });
    expect(qos.mistakes).toBeGreaterThan(10);
    expect((qos.mistakeRecurrenceNs as number) * qos.mistakes).toBe(600_000 * MS);
    // P_A = 1 - T_M / T_MR
    expect(qos.queryAccuracy).toBeCloseTo(
      1 - (qos.mistakeDurationNs as number) / (qos.mistakeRecurrenceNs as number),
      12,
    );
    expect(qos.queryAccuracy).toBeLessThan(1);
  });

  test("the BMC counter is measured the same way: T_D within stall threshold + one poll after the last increment", () => {
    const qos = measureQos(
      () => {
        const bmc = new Bmc();
        return { detector: new BmcCounterDetector(bmc, 500 * MS), deliver: () => bmc.stateArea.increment() };
      },
      { pollNs: "100ms", durationNs: "600s", crashes: 50 },
    );
    expect(qos.mistakes).toBe(0);
    expect(qos.detectionMaxNs).toBeLessThanOrEqual(600 * MS);
    expect(qos.detectionMeanNs).toBeGreaterThan(500 * MS);
  });

  test("same seed, same numbers; another seed, other numbers", () => {
    const scenario = {
      channel: { jitter: { kind: "exponential" as const, meanNs: "40ms" } },
      durationNs: "300s",
      crashes: 20,
    };
    expect(measureQos(fixedTimeout(2), scenario)).toEqual(measureQos(fixedTimeout(2), scenario));
    expect(measureQos(fixedTimeout(2), { ...scenario, seed: 2 })).not.toEqual(measureQos(fixedTimeout(2), scenario));
  });

  test("a bad scenario is a ConfigError naming the field", () => {
    expect(() => measureQos(fixedTimeout(2), { pollNs: "soon" })).toThrow(/pollNs: got "soon"; expected a duration/);
  });
});
