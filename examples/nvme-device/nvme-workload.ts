import {
  type DmaBuffer,
  emptyLedger,
  type IoLedger,
  type PeriodicTask,
  type Scheduler,
  type VfDriver,
  type Workload,
} from "@understudy/core";
import { decodeCqe, encodeSqe, NvmeOpcode, NvmeStatus } from "./nvme-queues.js";

export interface NvmeWorkloadOptions {
  readonly rateIops: number;
  readonly queueDepth: number;
  /** Logical blocks written and read back, from LBA 0 (one block per command). */
  readonly regionBlocks: number;
}

interface Command {
  readonly slot: number;
  readonly lba: number;
  readonly write: boolean;
}

/**
 * Writes every block of its region with a pattern and reads each one back right after: a read
 * that differs from what was written is `failed`. One block per command; one DMA buffer per slot.
 */
export class NvmeWorkload implements Workload {
  readonly name = "nvme-verify";
  readonly ledger: IoLedger = emptyLedger();
  verified = 0;
  private driver: VfDriver | undefined;
  private buffers: DmaBuffer | undefined;
  private freeSlots: number[] = [];
  private readonly outstandingByCid = new Map<number, Command>();
  private readonly toVerify: number[] = [];
  private nextLba = 0;
  private nextCid = 0;
  private task: PeriodicTask | undefined;
  private stopped = false;

  constructor(
    private readonly scheduler: Scheduler,
    readonly options: NvmeWorkloadOptions,
    private readonly blockBytes: number,
  ) {}

  start(driver: VfDriver): void {
    this.driver = driver;
    // data buffers the device may DMA into: guest memory the core maps for this VF only
    this.buffers = driver.allocateDma(this.options.queueDepth * this.blockBytes, "nvme data");
    this.freeSlots = Array.from({ length: this.options.queueDepth }, (_, i) => i);
    driver.onReceive = (cqe) => this.complete(cqe);
    if (this.stopped) return;
    this.task?.cancel();
    this.task = this.scheduler.every(Math.max(1, Math.round(1e9 / this.options.rateIops)), () => this.issue());
  }

  private pattern(lba: number): Uint8Array {
    return new Uint8Array(this.blockBytes).fill((lba * 31 + 7) & 0xff).fill(lba & 0xff, 0, 1);
  }

  private issue(): void {
    const { driver, buffers } = this;
    if (!driver || !buffers || !driver.guest.running || !driver.virtualLink.up) return;
    const slot = this.freeSlots.pop();
    if (slot === undefined) return;
    const write = this.toVerify.length === 0;
    const lba = write ? this.nextLba : (this.toVerify[0] as number);
    if (write) buffers.write(slot * this.blockBytes, this.pattern(lba));
    const cid = this.nextCid;
    const opcode = write ? NvmeOpcode.WRITE : NvmeOpcode.READ;
    const prp1 = buffers.address + slot * this.blockBytes;
    const sent = driver.send(encodeSqe({ opcode, cid, nsid: 1, prp1, slba: lba, blocks: 1 }));
    if (!sent.ok) {
      this.freeSlots.push(slot);
      this.ledger.refused[sent.code] = (this.ledger.refused[sent.code] ?? 0) + 1;
      return;
    }
    this.nextCid = (cid + 1) & 0xffff;
    this.ledger.submitted++;
    this.outstandingByCid.set(cid, { slot, lba, write });
    if (write) this.nextLba = (lba + 1) % this.options.regionBlocks;
    else this.toVerify.shift();
  }

  private complete(bytes: Uint8Array): void {
    const { cid, status } = decodeCqe(bytes);
    const command = this.outstandingByCid.get(cid);
    if (!command || !this.buffers) return;
    this.outstandingByCid.delete(cid);
    this.freeSlots.push(command.slot);
    const data = this.buffers.read(command.slot * this.blockBytes, this.blockBytes);
    const expected = this.pattern(command.lba);
    const good = status === NvmeStatus.SUCCESS && (command.write || data.every((b, i) => b === expected[i]));
    if (!good) this.ledger.failed++;
    else this.ledger.completed++;
    if (good && command.write) this.toVerify.push(command.lba);
    if (good && !command.write) this.verified++;
  }

  stop(): void {
    this.stopped = true;
    this.task?.cancel();
  }

  abandon(): void {
    this.ledger.abandonedAtReset += this.outstandingByCid.size;
    for (const command of this.outstandingByCid.values()) if (!command.write) this.toVerify.unshift(command.lba);
    this.outstandingByCid.clear();
    this.task?.cancel();
    this.driver = undefined;
    this.buffers = undefined;
  }

  outstanding(): number {
    return this.outstandingByCid.size;
  }
}
