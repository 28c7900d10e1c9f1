import { describe, expect, test } from "vitest";
import { ddmin } from "./ddmin.js";

const failsWhen = (needed: number[]) => async (subset: readonly number[]) => needed.every((n) => subset.includes(n));

describe("ddmin", () => {
  test("finds the one item a failure needs among many", async () => {
    expect(await ddmin([1, 2, 3, 4, 5, 6, 7, 8], failsWhen([6]))).toEqual([6]);
  });

  test("finds the two items a failure needs together, in their order", async () => {
    expect(await ddmin([1, 2, 3, 4, 5, 6, 7, 8], failsWhen([7, 2]))).toEqual([2, 7]);
  });

  test("returns nothing when the failure needs no item", async () => {
    expect(await ddmin([1, 2, 3], async () => true)).toEqual([]);
  });

  test("keeps all when every item is needed, and never tries a subset twice", async () => {
    const tried: string[] = [];
    const kept = await ddmin([1, 2, 3, 4], async (subset) => {
      tried.push(subset.join(","));
      return subset.length === 4;
    });
    expect(kept).toEqual([1, 2, 3, 4]);
    expect(new Set(tried).size).toBe(tried.length);
  });
});
