import type { MainMemory } from "../main-memory.js";

/**
 * Emergency link 150: a pre-defined area in main memory between the critical guest and one other
 * guest, usable while the hypervisor is down. Layout:
 *   u32 stopRequested, u32 requestSeq (bumped by the critical guest), u32 ackSeq (echoed by the
 *   guest when it has seen the request), u32 reserved
 */
export class EmergencyLinkView {
  static readonly BYTES = 16;

  constructor(
    readonly memory: MainMemory,
    readonly base: number,
  ) {}

  get stopRequested(): boolean {
    return this.memory.u32(this.base) === 1;
  }
  get requestSeq(): number {
    return this.memory.u32(this.base + 4);
  }
  get ackSeq(): number {
    return this.memory.u32(this.base + 8);
  }

  /** Step 1603: the critical guest asks the other guest to stop using the device. */
  requestStop(): void {
    this.memory.setU32(this.base, 1);
    this.memory.setU32(this.base + 4, this.requestSeq + 1);
  }

  /** Written by the other guest's VF driver when it has seen the request. */
  acknowledge(): void {
    this.memory.setU32(this.base + 8, this.requestSeq);
  }

  /** After the guest's restart: the link is idle again. */
  clear(): void {
    this.memory.fill(this.base, EmergencyLinkView.BYTES);
  }
}
