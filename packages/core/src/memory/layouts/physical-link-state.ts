import type { MainMemory } from "../main-memory.js";

/** One function's row of Fig 3. Index 0 of a table is the PF, index k is VF k. */
export interface FunctionLinkRow {
  /** link-up state 201, physical state 210 */
  physicalUp: boolean;
  /** link-up state 201, notification state 211 (what the guest owning the VF was told) */
  notifiedUp: boolean;
  /** link bandwidth 202, physical state 220: MAX 221 */
  physicalMaxBps: number;
  /** link bandwidth 202, physical state 220: allocation 222 */
  physicalAllocBps: number;
  /** link bandwidth 202, notified state 230: MAX 231 */
  notifiedMaxBps: number;
  /** link bandwidth 202, notified state 230: allocation 232 */
  notifiedAllocBps: number;
}

const HEADER = 16;
const ROW = 40;
const O_PHYS_UP = 0;
const O_NOTIFIED_UP = 1;
const O_PHYS_MAX = 8;
const O_PHYS_ALLOC = 16;
const O_NOTIFIED_MAX = 24;
const O_NOTIFIED_ALLOC = 32;

/**
 * Physical link state 130 (the PF driver's, in hypervisor memory) or 130A (the sub PF driver's, in
 * the critical guest's memory), Fig 3, as bytes:
 *
 *   header: u32 functionCount, 12 reserved
 *   row[i] (40 bytes): u8 physicalUp, u8 notifiedUp, 6 reserved,
 *                      f64 physicalMaxBps, f64 physicalAllocBps, f64 notifiedMaxBps, f64 notifiedAllocBps
 *
 * `onRead` lets an invariant checker see every read of the table (130 must not be read after the
 * hypervisor failed).
 */
export class PhysicalLinkStateTable {
  onRead: (() => void) | undefined = undefined;

  static bytesFor(functionCount: number): number {
    return HEADER + ROW * functionCount;
  }

  constructor(
    readonly memory: MainMemory,
    readonly base: number,
  ) {}

  /** Writes the header and zeroes every row. */
  format(functionCount: number): this {
    this.memory.fill(this.base, PhysicalLinkStateTable.bytesFor(functionCount));
    this.memory.setU32(this.base, functionCount);
    return this;
  }

  get functionCount(): number {
    this.onRead?.();
    return this.memory.u32(this.base);
  }

  private at(index: number): number {
    return this.base + HEADER + ROW * index;
  }

  row(index: number): FunctionLinkRow {
    this.onRead?.();
    const a = this.at(index);
    const m = this.memory;
    return {
      physicalUp: m.u8(a + O_PHYS_UP) === 1,
      notifiedUp: m.u8(a + O_NOTIFIED_UP) === 1,
      physicalMaxBps: m.f64(a + O_PHYS_MAX),
      physicalAllocBps: m.f64(a + O_PHYS_ALLOC),
      notifiedMaxBps: m.f64(a + O_NOTIFIED_MAX),
      notifiedAllocBps: m.f64(a + O_NOTIFIED_ALLOC),
    };
  }

  /** Steps 1003 / 1705: store the physical fields (210, 220). */
  setPhysical(index: number, up: boolean, maxBps: number, allocBps: number): void {
    const a = this.at(index);
    this.memory.setU8(a + O_PHYS_UP, up ? 1 : 0);
    this.memory.setF64(a + O_PHYS_MAX, maxBps);
    this.memory.setF64(a + O_PHYS_ALLOC, allocBps);
  }

  /** Steps 1102 / 1706 / 2001: store the notified fields (211, 230). */
  setNotified(index: number, up: boolean, maxBps: number, allocBps: number): void {
    const a = this.at(index);
    this.memory.setU8(a + O_NOTIFIED_UP, up ? 1 : 0);
    this.memory.setF64(a + O_NOTIFIED_MAX, maxBps);
    this.memory.setF64(a + O_NOTIFIED_ALLOC, allocBps);
  }

  writeRow(index: number, row: FunctionLinkRow): void {
    this.setPhysical(index, row.physicalUp, row.physicalMaxBps, row.physicalAllocBps);
    this.setNotified(index, row.notifiedUp, row.notifiedMaxBps, row.notifiedAllocBps);
  }
}
