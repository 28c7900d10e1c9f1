/**
 * Delta debugging (Zeller's ddmin): the smallest subset of `items` it can find, by removing chunks
 * of halving size, for which `fails` still holds. `items` itself must fail. The result is
 * 1-minimal (removing any one item makes it pass) and keeps the items' order. Tests run one after
 * another; each is memoised, so no subset is tried twice.
 */
export async function ddmin<T>(items: readonly T[], fails: (subset: readonly T[]) => Promise<boolean>): Promise<T[]> {
  const tried = new Map<string, boolean>();
  const test = async (subset: readonly T[], key: string): Promise<boolean> => {
    let result = tried.get(key);
    if (result === undefined) {
      result = await fails(subset);
      tried.set(key, result);
    }
    return result;
  };
  const indices = items.map((_, i) => i);
  const keyOf = (subset: readonly number[]) => subset.join(",");
  const pick = (subset: readonly number[]) => subset.map((i) => items[i]);

  // a failure that needs none of the items is common enough to check first
  if (await test([], "")) return [];
  let current = indices;
  let chunks = 2;
  while (current.length >= 2) {
    const size = Math.ceil(current.length / chunks);
    const parts: number[][] = [];
    for (let i = 0; i < current.length; i += size) parts.push(current.slice(i, i + size));
    let reduced = false;
    for (const part of parts) {
      if (await test(pick(part), keyOf(part))) {
        current = part;
        chunks = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && parts.length > 2) {
      for (const part of parts) {
        const complement = current.filter((i) => !part.includes(i));
        if (await test(pick(complement), keyOf(complement))) {
          current = complement;
          chunks = Math.max(chunks - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (reduced) continue;
    if (chunks >= current.length) break;
    chunks = Math.min(chunks * 2, current.length);
  }
  return pick(current);
}
