import { type DeviceContext, SriovDevice, type VirtualFunction } from "@understudy/core";
import { EthernetStation } from "./ethernet-station.js";
import type { Lan } from "./lan.js";

export interface EthernetNicOptions {
  readonly vfs: number;
  readonly linkSpeedBps: number;
  /** Distinguishes the MACs of several NICs in one system. */
  readonly deviceIndex: number;
}

/**
 * NIC 101: an SR-IOV Ethernet adapter with one port, one PF and `vfs` VFs, each with its own MAC.
 * Everything but framing and the LAN (its `EthernetStation`) comes from the core's SriovDevice.
 */
export class EthernetNic extends SriovDevice {
  readonly kind = "nic";
  readonly ethernet: EthernetStation;

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
    this.ethernet = new EthernetStation(this, this.ports[0], lan, this.vfs, options.deviceIndex);
  }

  /** Frames from the LAN for a MAC that no VF has. */
  get unknownDestination(): number {
    return this.ethernet.unknownDestination;
  }

  override wireBytes(_vf: VirtualFunction, payload: Uint8Array): number {
    return this.ethernet.wireBytes(payload);
  }

  /** The frame is on the wire: the switch takes it. */
  onTransmit(_vf: VirtualFunction, frame: Uint8Array): void {
    this.ethernet.transmit(frame);
  }

  /** The switch delivers a frame to this port: the VF with that MAC (see `macKey`) takes it (Fig 10). */
  deliver(destinationMacKey: number, frame: Uint8Array): void {
    this.ethernet.deliver(destinationMacKey, frame);
  }
}
