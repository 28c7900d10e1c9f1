import type { MainMemory } from "../main-memory.js";

/**
 * Hypervisor state storage area 133 (Fig 6), in the BMC's own memory, not in main memory:
 *   u32 counter 501, u32 reserved, f64 reserved
 */
export class HypervisorStateAreaView {
  static readonly BYTES = 16;

  constructor(
    readonly memory: MainMemory,
    readonly base: number,
  ) {}

  get counter(): number {
    return this.memory.u32(this.base);
  }

  /** Step 1201: the counter wraps at 2^32 like a hardware register. */
  increment(): number {
    const next = (this.counter + 1) >>> 0;
    this.memory.setU32(this.base, next);
    return next;
  }

  reset(): void {
    this.memory.setU32(this.base, 0);
  }
}
