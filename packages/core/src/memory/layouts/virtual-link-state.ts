import type { MainMemory } from "../main-memory.js";

/** Fig 4: what one VF driver believes about its link. */
export interface VirtualLinkValues {
  /** link-up state 301 */
  up: boolean;
  /** link bandwidth 302: MAX value */
  maxBps: number;
  /** link bandwidth 302: allocation value */
  allocBps: number;
}

/**
 * Virtual link state 131, in the guest's memory:
 *   u32 up, 4 reserved, f64 maxBps, f64 allocBps   (24 bytes)
 */
export class VirtualLinkStateView {
  static readonly BYTES = 24;

  constructor(
    readonly memory: MainMemory,
    readonly base: number,
  ) {}

  get(): VirtualLinkValues {
    return {
      up: this.memory.u32(this.base) === 1,
      maxBps: this.memory.f64(this.base + 8),
      allocBps: this.memory.f64(this.base + 16),
    };
  }

  get up(): boolean {
    return this.memory.u32(this.base) === 1;
  }

  /** Step 1303. */
  set(values: VirtualLinkValues): void {
    this.memory.setU32(this.base, values.up ? 1 : 0);
    this.memory.setF64(this.base + 8, values.maxBps);
    this.memory.setF64(this.base + 16, values.allocBps);
  }
}
