import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Rng } from "./rng.js";

/** A mixed sequence of every kind of draw, so a change in any one of them shows. */
function drawSequence(rng: Rng): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < 50; i++) {
    out.push(rng.int(0, 1000), rng.float(), rng.bool(0.3), rng.pick(["a", "b", "c"]), rng.normal(), rng.exponential(5));
  }
  out.push(Array.from(rng.bytes(16)));
  return out;
}

describe("Rng", () => {
  test("the same seed reproduces the same sequence", () => {
    expect(drawSequence(new Rng(12345))).toEqual(drawSequence(new Rng(12345)));
  });

  test("seed 42 gives the same numbers on every machine and every run (pinned)", () => {
    const rng = new Rng(42);
    expect([rng.int(0, 1_000_000), rng.int(0, 1_000_000), rng.int(0, 1_000_000), rng.int(-5, 5)]).toEqual([
      481458, 19785, 149396, 2,
    ]);
    expect(rng.float()).toBe(0.03919820288731701);
    expect(Array.from(new Rng(42).fork("devices").bytes(8))).toEqual([157, 18, 67, 12, 53, 135, 221, 138]);
  });

  test("different seeds give different sequences", () => {
    expect(drawSequence(new Rng(1))).not.toEqual(drawSequence(new Rng(2)));
  });

  test("fork(label) depends only on the seed and the label, not on draws made before it", () => {
    const fresh = new Rng(99);
    const used = new Rng(99);
    drawSequence(used);
    expect(drawSequence(used.fork("monitor"))).toEqual(drawSequence(fresh.fork("monitor")));
  });

  test("forks with different labels, or of different seeds, are different streams", () => {
    const rng = new Rng(99);
    expect(drawSequence(rng.fork("monitor"))).not.toEqual(drawSequence(rng.fork("devices")));
    expect(drawSequence(rng.fork("monitor"))).not.toEqual(drawSequence(new Rng(100).fork("monitor")));
  });

  test("drawing from a fork does not shift the parent's sequence", () => {
    const a = new Rng(5);
    const b = new Rng(5);
    drawSequence(b.fork("workload:nic0/pf0/vf1"));
    expect(drawSequence(a)).toEqual(drawSequence(b));
  });

  test("int(min, max) stays within both inclusive bounds and reaches both", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: -1000, max: 1000 }), (seed, min) => {
        const rng = new Rng(seed);
        const seen = new Set<number>();
        for (let i = 0; i < 200; i++) {
          const value = rng.int(min, min + 3);
          expect(Number.isInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(min);
          expect(value).toBeLessThanOrEqual(min + 3);
          seen.add(value);
        }
        expect(seen.size).toBe(4);
      }),
      { numRuns: 50 },
    );
  });

  test("float() is in [0, 1)", () => {
    const rng = new Rng(3);
    for (let i = 0; i < 10_000; i++) {
      const x = rng.float();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});
