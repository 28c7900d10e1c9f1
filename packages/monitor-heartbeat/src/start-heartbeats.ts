import type { MonitorContext, Nanos } from "@understudy/core";
import { HeartbeatChannel } from "./heartbeat-channel.js";
import type { ChannelOptions } from "./options.js";

const CHANNELS = new WeakMap<object, HeartbeatChannel>();

/**
 * The hypervisor's half of a heartbeat monitor, for any detector: a periodic duty of the
 * hypervisor sends a heartbeat (so a crashed or hung hypervisor falls silent and a slow one is
 * late), the channel carries it, and `receive` runs in the critical guest at its arrival.
 * Every arrival is reported on `hooks.hypervisorHeard`.
 */
export function startHeartbeats(
  ctx: MonitorContext,
  options: { readonly periodNs: Nanos; readonly channel: ChannelOptions },
  receive: (nowNs: Nanos) => void,
): HeartbeatChannel {
  const channel = new HeartbeatChannel(ctx.scheduler, options.channel, ctx.rng.fork("heartbeat-channel"));
  CHANNELS.set(ctx.hypervisor, channel);
  const arrive = () =>
    ctx.critical.execute(() => {
      ctx.hooks.hypervisorHeard.call({ monitor: "heartbeat" });
      receive(ctx.scheduler.now);
    });
  ctx.hypervisor.addDuty("heartbeat", options.periodNs, () => channel.send(arrive));
  return channel;
}

/** The heartbeat channel of the system whose hypervisor this is, if its monitor sends heartbeats. */
export function heartbeatChannelOf(system: { readonly hypervisor: object }): HeartbeatChannel | undefined {
  return CHANNELS.get(system.hypervisor);
}
