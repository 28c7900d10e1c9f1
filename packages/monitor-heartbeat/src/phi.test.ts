import { describe, expect, test } from "vitest";
import { phi, phiCrossingY } from "./phi.js";

describe("phi (Akka's logistic approximation)", () => {
  test("at the mean, phi is -log10(1/2): y = 0, e = 1, 1 - F = 1/2", () => {
    expect(phi(1000, 1000, 100)).toBeCloseTo(Math.log10(2), 12); // 0.30103
  });

  test("two standard deviations late, by hand", () => {
    // y = (1200 - 1000) / 100 = 2
    // e = exp(-2 * (1.5976 + 0.070566 * 4)) = exp(-3.760528) = 0.0232714
    // phi = -log10(e / (1 + e)) = -log10(0.0232714 / 1.0232714) = -log10(0.0227422) = 1.64283
    expect(phi(1200, 1000, 100)).toBeCloseTo(1.64283, 5);
  });

  test("matches the values of Akka's own accrual failure detector spec (mean 1000, std 100)", () => {
    const expected: [number, number][] = [
      [0, 0.0],
      [500, 0.1],
      [1000, 0.3],
      [1200, 1.6],
      [1400, 4.7],
      [1600, 10.8],
      [1700, 15.3],
    ];
    for (const [timeDiff, value] of expected) expect(Math.abs(phi(timeDiff, 1000, 100) - value)).toBeLessThan(0.1);
  });

  test("is continuous across the two branches and increasing", () => {
    const values = Array.from({ length: 4001 }, (_, i) => phi(i / 2, 1000, 100));
    expect(values.every((v, i) => i === 0 || v >= values[i - 1])).toBe(true);
    expect(Math.abs(phi(1000.001, 1000, 100) - phi(999.999, 1000, 100))).toBeLessThan(1e-4);
  });

  test("phiCrossingY inverts phi: phi(mean + y*(threshold) * std) = threshold", () => {
    for (const threshold of [0.1, Math.log10(2), 1, 3, 8, 12, 16]) {
      const y = phiCrossingY(threshold);
      expect(phi(1000 + y * 100, 1000, 100)).toBeCloseTo(threshold, 9);
    }
    // threshold 8 is crossed about 5.226 standard deviations past the mean
    expect(phiCrossingY(8)).toBeCloseTo(5.226, 3);
  });
});
