import type { MailboxEvent, SystemHooks } from "../hooks.js";
import type { Scheduler } from "../sim/scheduler.js";

/**
 * A message path with latency, like an ixgbe PF/VF mailbox or a hypervisor-to-guest channel.
 * Every message is reported on `hooks.mailboxMessage`, which is how the cost of embodiment 2's
 * extra messages is counted.
 */
export class Mailbox {
  sent = 0;

  constructor(
    readonly name: string,
    private readonly scheduler: Scheduler,
    private readonly hooks: SystemHooks,
    private readonly latencyNs: number,
  ) {}

  /** Deliver after the latency; `deliver` returns whether the receiver took the message. */
  send(direction: MailboxEvent["direction"], type: string, deliver: () => boolean): void {
    this.sent++;
    this.scheduler.after(this.latencyNs, () => {
      const delivered = deliver();
      this.hooks.mailboxMessage.call({ channel: this.name, direction, type, delivered });
    });
  }
}
