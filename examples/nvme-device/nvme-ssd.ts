import { type DeviceContext, SriovDevice, type VirtualFunction } from "@understudy/core";
import { decodeSqe, encodeCqe, NvmeOpcode, NvmeStatus, SQE_BYTES, type Sqe } from "./nvme-queues.js";

export interface NvmeSsdOptions {
  readonly vfs: number;
  /** The PCIe link: Gen4 x4 is about 64 Gb/s. */
  readonly linkSpeedBps: number;
  readonly blockBytes: number;
  readonly blocksPerNamespace: number;
  /** The largest transfer of one command (MDTS). */
  readonly maxTransferBytes: number;
  readonly readLatencyNs: number;
  readonly writeLatencyNs: number;
}

/**
 * An SR-IOV NVMe SSD. Each VF is a secondary controller with one namespace of its own; its
 * submission queue is the VF's TX ring and its completion queue the RX ring. The device reads a
 * write's data and writes a read's data by DMA into the guest's buffers (PRP1), through the IOMMU.
 * Everything else (PF and VF drivers, link-state emulation, failover) is the core's.
 */
export class NvmeSsd extends SriovDevice {
  readonly kind = "nvme";
  /** One namespace per VF: logical block -> its bytes (blocks never written read as zeros). */
  private readonly namespaces = new Map<VirtualFunction, Map<number, Uint8Array>>();
  /** Commands fetched and not completed yet, per VF (the failover's drain waits for them). */
  private readonly owed = new Map<VirtualFunction, number>();

  constructor(
    ctx: DeviceContext,
    id: string,
    readonly options: NvmeSsdOptions,
  ) {
    // one port (the PCIe link), one PF, n VFs; each ring entry holds one SQE or one CQE
    super(ctx, {
      id,
      ports: [{ name: "pcie", speedBps: options.linkSpeedBps }],
      pfs: [{ name: "pf0", vfCount: options.vfs }],
      bufferBytes: SQE_BYTES,
    });
    for (const vf of this.vfs) this.namespaces.set(vf, new Map());
  }

  /** A write's data crosses the link with its command; a read's comes back with the completion. */
  override wireBytes(_vf: VirtualFunction, sqe: Uint8Array): number {
    const { opcode, blocks } = decodeSqe(sqe);
    return SQE_BYTES + (opcode === NvmeOpcode.WRITE ? blocks * this.options.blockBytes : 0);
  }

  override maxWireBytes(): number {
    return SQE_BYTES + this.options.maxTransferBytes;
  }

  override owedCompletions(vf: VirtualFunction): number {
    return this.owed.get(vf) ?? 0;
  }

  /** Fig 9 step 805 for an SSD: the command was fetched from the submission queue. */
  onTransmit(vf: VirtualFunction, bytes: Uint8Array): void {
    const attached = vf.attached;
    const sqe = decodeSqe(bytes);
    const { status, latencyNs, dataIn } = this.execute(vf, sqe);
    this.owed.set(vf, this.owedCompletions(vf) + 1);
    this.ctx.scheduler.after(latencyNs, () => {
      this.owed.set(vf, this.owedCompletions(vf) - 1);
      if (vf.attached !== attached) return; // the VF was reset meanwhile: the command died with it
      // the IOMMU lets the VF reach only its guest's memory; a refusal fails the command
      const delivered = dataIn === undefined || this.ctx.iommu.tryWrite(vf.id, sqe.prp1, dataIn);
      this.receive(vf, encodeCqe(sqe.cid, delivered ? status : NvmeStatus.DATA_TRANSFER_ERROR)); // Fig 10
    });
  }

  /** Run a command against the VF's namespace: its status, media time, and a read's data. */
  private execute(vf: VirtualFunction, sqe: Sqe): { status: number; latencyNs: number; dataIn?: Uint8Array } {
    const { blockBytes, blocksPerNamespace, maxTransferBytes, readLatencyNs, writeLatencyNs } = this.options;
    const length = sqe.blocks * blockBytes;
    if (sqe.nsid !== 1) return { status: NvmeStatus.INVALID_NAMESPACE, latencyNs: 0 };
    if (sqe.slba + sqe.blocks > blocksPerNamespace || length > maxTransferBytes) {
      return { status: NvmeStatus.LBA_OUT_OF_RANGE, latencyNs: 0 };
    }
    const namespace = this.namespaces.get(vf) as Map<number, Uint8Array>;
    if (sqe.opcode === NvmeOpcode.WRITE) {
      const data = this.ctx.iommu.tryRead(vf.id, sqe.prp1, length);
      if (data === undefined) return { status: NvmeStatus.DATA_TRANSFER_ERROR, latencyNs: 0 };
      for (let i = 0; i < sqe.blocks; i++) {
        namespace.set(sqe.slba + i, data.slice(i * blockBytes, (i + 1) * blockBytes));
      }
      return { status: NvmeStatus.SUCCESS, latencyNs: writeLatencyNs };
    }
    const dataIn = new Uint8Array(length);
    for (let i = 0; i < sqe.blocks; i++) {
      const block = namespace.get(sqe.slba + i);
      if (block) dataIn.set(block, i * blockBytes);
    }
    return { status: NvmeStatus.SUCCESS, latencyNs: readLatencyNs, dataIn };
  }
}
