import { MS } from "@understudy/core";
import { expect, test } from "vitest";
import { FixedTimeoutDetector } from "./fixed-timeout-detector.js";

test("fixed timeout suspects after k periods without a heartbeat, and trusts again on the next one", () => {
  const d = new FixedTimeoutDetector(100 * MS, 3);
  d.reset(0);
  d.heartbeat(40 * MS);
  expect(d.toleranceNs).toBe(300 * MS);
  expect(d.check(339 * MS).failed).toBe(false);
  const verdict = d.check(340 * MS);
  expect(verdict).toEqual({ failed: true, reason: "no heartbeat for 300000000 ns (3 periods)" });
  d.heartbeat(350 * MS);
  expect(d.check(351 * MS).failed).toBe(false);
});
