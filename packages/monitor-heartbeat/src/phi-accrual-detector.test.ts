import { MS } from "@understudy/core";
import { describe, expect, test } from "vitest";
import { PhiAccrualDetector, type PhiAccrualOptions } from "./phi-accrual-detector.js";

const options = (o: Partial<PhiAccrualOptions> = {}): PhiAccrualOptions => ({
  threshold: 8,
  maxSampleSize: 200,
  minStdDeviationNs: 100 * MS,
  acceptableHeartbeatPauseNs: 0,
  firstHeartbeatEstimateNs: 1000 * MS,
  ...o,
});

describe("phi accrual detector (Hayashibara et al., as in Akka)", () => {
  test("bootstraps with the estimate -/+ a quarter: mean 1000 ms, std 250 ms", () => {
    const d = new PhiAccrualDetector(options());
    expect(d.meanNs).toBe(1000 * MS);
    expect(d.stdDevNs).toBe(250 * MS);
    d.heartbeat(0);
    // y = (1500 - 1000) / 250 = 2: the hand-computed 1.64283 of phi.test.ts
    expect(d.phi(1500 * MS)).toBeCloseTo(1.64283, 5);
    expect(d.phi(1000 * MS)).toBeCloseTo(Math.log10(2), 12);
  });

  test("learns the inter-arrival times: history [750, 1250, 1000, 1000] ms", () => {
    const d = new PhiAccrualDetector(options());
    for (const t of [0, 1000, 2000]) d.heartbeat(t * MS);
    // mean 1000 ms; variance (250^2 + 250^2 + 0 + 0) / 4 = 31250 ms^2; std 176.777 ms
    expect(d.meanNs / MS).toBeCloseTo(1000, 9);
    expect(d.stdDevNs / MS).toBeCloseTo(176.7767, 3);
    // silence of mean + 2 std: phi is again 1.64283
    expect(d.phi((2000 + 1000 + 2 * 176.7767) * MS)).toBeCloseTo(1.64283, 4);
  });

  test("keeps only maxSampleSize intervals: [1250, 1000, 1000] once 750 is dropped", () => {
    const d = new PhiAccrualDetector(options({ maxSampleSize: 3 }));
    for (const t of [0, 1000, 2000]) d.heartbeat(t * MS);
    expect(d.meanNs / MS).toBeCloseTo(1083.3333, 3);
    expect(d.stdDevNs / MS).toBeCloseTo(117.8511, 3);
  });

  test("the acceptable pause adds to the mean, the minimum standard deviation floors a regular channel", () => {
    const d = new PhiAccrualDetector(
      options({ acceptableHeartbeatPauseNs: 500 * MS, firstHeartbeatEstimateNs: 100 * MS, maxSampleSize: 2 }),
    );
    for (let i = 0; i <= 10; i++) d.heartbeat(i * 100 * MS);
    expect(d.meanNs).toBe(600 * MS); // 100 ms intervals + 500 ms pause
    expect(d.stdDevNs).toBe(100 * MS); // intervals all equal: std 0, floored
    expect(d.phi((1000 + 600) * MS)).toBeCloseTo(Math.log10(2), 12);
  });

  test("suspects once the silence passes its tolerance: mean + 5.226 std for threshold 8", () => {
    const d = new PhiAccrualDetector(options());
    d.heartbeat(0);
    expect(d.toleranceNs).toBe(Math.floor(1000 * MS + 5.225986644 * 250 * MS));
    expect(d.check(d.toleranceNs - 1).failed).toBe(false);
    const verdict = d.check(d.toleranceNs + 1);
    expect(verdict.failed).toBe(true);
  });

  test("a heartbeat that ends a suspicion is kept out of the history", () => {
    const d = new PhiAccrualDetector(options());
    d.heartbeat(0);
    d.heartbeat(10_000 * MS); // phi >= 8 when it arrived
    expect(d.meanNs).toBe(1000 * MS);
    expect(d.stdDevNs).toBe(250 * MS);
  });

  test("reset watches a new hypervisor from now, even if it never sends a heartbeat", () => {
    const d = new PhiAccrualDetector(options());
    for (const t of [0, 100, 200, 300]) d.heartbeat(t * MS);
    d.reset(5000 * MS);
    expect(d.meanNs).toBe(1000 * MS);
    expect(d.check(5000 * MS + d.toleranceNs - 1).failed).toBe(false);
    expect(d.check(5000 * MS + d.toleranceNs + 1).failed).toBe(true);
    d.heartbeat(5300 * MS); // the first heartbeat after the reset only sets the time
    expect(d.meanNs).toBe(1000 * MS);
  });
});
