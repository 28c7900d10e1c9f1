import { Bmc, MS } from "@understudy/core";
import { describe, expect, test } from "vitest";
import { BmcCounterDetector } from "./bmc-counter-detector.js";
import { bmcMonitorSchema } from "./index.js";

describe("Fig 17 step 1602: BMC counter detector", () => {
  test("a counter that moves is alive; one still for the threshold is a failure, named with its value", () => {
    const bmc = new Bmc();
    const detector = new BmcCounterDetector(bmc, 500 * MS);
    detector.reset(0);
    for (let t = 100; t <= 1000; t += 100) {
      bmc.stateArea.increment();
      expect(detector.check(t * MS)).toEqual({ failed: false });
    }
    expect(detector.check(1400 * MS)).toEqual({ failed: false });
    expect(detector.check(1500 * MS)).toEqual({ failed: true, reason: "counter 501 stuck at 10 for 500000000 ns" });
  });

  test("a failed BMC read tells nothing: no verdict on it, and the next good read decides", () => {
    const bmc = new Bmc();
    const detector = new BmcCounterDetector(bmc, 500 * MS);
    detector.reset(0);
    bmc.failingReads = 3;
    expect([600, 700, 800].map((t) => detector.check(t * MS))).toEqual([
      { failed: false },
      { failed: false },
      { failed: false },
    ]);
    expect(detector.readErrors).toBe(3);
    expect(detector.check(900 * MS).failed).toBe(true);
  });

  test("reset starts the watch afresh from the counter's current value", () => {
    const bmc = new Bmc();
    bmc.stateArea.increment();
    const detector = new BmcCounterDetector(bmc, 500 * MS);
    detector.reset(2000 * MS);
    expect(detector.check(2400 * MS).failed).toBe(false);
    expect(detector.check(2500 * MS).failed).toBe(true);
  });

  test("the counter wraps at 2^32 like a hardware register and still counts as movement", () => {
    const bmc = new Bmc();
    bmc.memory.setU32(0, 0xffffffff);
    const detector = new BmcCounterDetector(bmc, 500 * MS);
    detector.reset(0);
    expect(bmc.stateArea.increment()).toBe(0);
    expect(detector.check(400 * MS)).toEqual({ failed: false });
    expect(detector.check(800 * MS)).toEqual({ failed: false });
  });
});

describe("BMC monitor options", () => {
  test("a threshold not above the counter period is refused (a live hypervisor would look stalled)", () => {
    const result = bmcMonitorSchema.safeParse({ counterPeriodNs: "100ms", stallThresholdNs: "100ms" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(["stallThresholdNs"]);
  });
});
