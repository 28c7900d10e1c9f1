import type { Scheduler } from "@understudy/core";
import type { ScsiRequest, ScsiResponse, StorageTarget } from "./storage-target.js";

export interface SanOptions {
  /** One way through the fabric's switches. */
  readonly fabricLatencyNs: number;
  /** The fabric's answer to a login (FLOGI, FDISC). */
  readonly loginLatencyNs: number;
}

/** An N_Port as the fabric sees it: a PF's, or a VF's own by NPIV. */
export interface NPort {
  readonly wwpn: string;
  /** Logged in to the fabric (FLOGI or FDISC accepted, link up since). */
  readonly loggedIn: boolean;
}

export type LoginKind = "FLOGI" | "FDISC";

/**
 * SAN 202: the Fibre Channel fabric between the HBAs and storage target 203. It accepts fabric
 * logins after its login latency and carries FCP exchanges: the command (with its data-out) to
 * the target, the response (with its data-in) back. A response for an N_Port that is not logged
 * in waits in the fabric until it logs in again, so every command is accounted for end to end
 * (a real fabric would drop it and the initiator would retry the exchange: the same outcome, later).
 */
export class San {
  readonly logins: Record<LoginKind, number> = { FLOGI: 0, FDISC: 0 };
  private readonly held = new Map<NPort, (() => void)[]>();

  constructor(
    private readonly scheduler: Scheduler,
    readonly options: SanOptions,
    readonly target: StorageTarget,
  ) {}

  /** FLOGI (a PF's N_Port) or FDISC (a VF's, NPIV): accepted after the login latency. */
  login(kind: LoginKind, _port: NPort, accept: () => void): void {
    this.logins[kind]++;
    this.scheduler.after(this.options.loginLatencyNs, accept);
  }

  /** An FCP exchange from `port`: the target serves the command and the response comes back. */
  exchange(port: NPort, request: ScsiRequest, respond: (response: ScsiResponse) => void): void {
    const { fabricLatencyNs } = this.options;
    this.scheduler.after(fabricLatencyNs + this.target.serviceNs(request), () => {
      const response = this.target.execute(request);
      this.scheduler.after(fabricLatencyNs, () => this.toPort(port, () => respond(response)));
    });
  }

  /** The N_Port logged in again: what waited in the fabric for it goes out. */
  portLoggedIn(port: NPort): void {
    const waiting = this.held.get(port);
    if (waiting === undefined) return;
    this.held.delete(port);
    for (const deliver of waiting) deliver();
  }

  private toPort(port: NPort, deliver: () => void): void {
    if (port.loggedIn) {
      deliver();
      return;
    }
    const waiting = this.held.get(port) ?? [];
    waiting.push(deliver);
    this.held.set(port, waiting);
  }
}
