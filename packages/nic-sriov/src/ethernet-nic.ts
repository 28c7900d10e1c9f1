import { type DeviceContext, SriovDevice, type VirtualFunction } from "@understudy/core";
import { MIN_FRAME_BYTES, macFromString, macKey, vfMac, WIRE_OVERHEAD_BYTES } from "./frame.js";
import type { Lan } from "./lan.js";

export interface EthernetNicOptions {
  readonly vfs: number;
  readonly linkSpeedBps: number;
  /** Distinguishes the MACs of several NICs in one system. */
  readonly deviceIndex: number;
}

/**
 * NIC 101: an SR-IOV Ethernet adapter with one port, one PF and `vfs` VFs, each with its own MAC.
 * Everything but framing and the LAN comes from the core's SriovDevice.
 */
export class EthernetNic extends SriovDevice {
  readonly kind = "nic";
  private readonly byMac = new Map<number, VirtualFunction>();
  unknownDestination = 0;

  constructor(
    ctx: DeviceContext,
    id: string,
    options: EthernetNicOptions,
    readonly lan: Lan,
  ) {
    super(ctx, {
      id,
      ports: [{ name: "port0", speedBps: options.linkSpeedBps }],
      pfs: [{ name: "pf0", vfCount: options.vfs }],
    });
    for (const vf of this.vfs) {
      vf.identity = { mac: vfMac(options.deviceIndex, vf.pf.index, vf.index) };
      this.byMac.set(macKey(macFromString(vf.identity.mac)), vf);
    }
    this.ports[0].onChange(() => {
      if (this.ports[0].connected) lan.linkRestored(this);
    });
  }

  override wireBytes(_vf: VirtualFunction, payload: Uint8Array): number {
    return Math.max(payload.length, MIN_FRAME_BYTES) + WIRE_OVERHEAD_BYTES;
  }

  /** The frame is on the wire: the switch takes it. */
  onTransmit(_vf: VirtualFunction, frame: Uint8Array): void {
    this.lan.fromNic(this, frame);
  }

  /** The switch delivers a frame to this port: the VF with that MAC (see `macKey`) takes it (Fig 10). */
  deliver(destinationMacKey: number, frame: Uint8Array): void {
    const vf = this.byMac.get(destinationMacKey);
    if (vf === undefined) {
      this.unknownDestination++;
      return;
    }
    this.receive(vf, frame);
  }
}
