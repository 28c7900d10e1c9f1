import { ConfigError } from "@understudy/core";

/** Shard `index` of `count` (1-based), as in `--shard 2/4`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new ConfigError(
      `invalid option --shard: got ${JSON.stringify(text)}; expected i/n with 1 <= i <= n, e.g. 2/4`,
      [{ path: "--shard", received: JSON.stringify(text), expected: "i/n with 1 <= i <= n" }],
    );
  }
  return { index, count };
}

/**
 * The seeds of a campaign `first .. first+seeds-1` that a shard runs: every count-th, starting
 * at its index, so that each machine gets a like mix and the shards together run each seed once.
 */
export function seedsOf(first: number, seeds: number, shard: Shard = { index: 1, count: 1 }): number[] {
  const out: number[] = [];
  for (let k = shard.index - 1; k < seeds; k += shard.count) out.push(first + k);
  return out;
}
