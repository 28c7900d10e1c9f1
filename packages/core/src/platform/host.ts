/**
 * Where driver code runs: the hypervisor or a guest OS. Work handed to a host runs at once while it
 * is running, waits while it is hung (a slow hypervisor catches up when it resumes), and is lost
 * while it is crashed, resetting or booting.
 */
export type HostState = "running" | "hung" | "crashed" | "resetting" | "booting";

export abstract class Host {
  private stateNow: HostState = "running";
  private deferred: (() => void)[] = [];
  /** Bumped on every reset; work captured in an older incarnation is discarded. */
  incarnation = 0;

  constructor(readonly name: string) {}

  get state(): HostState {
    return this.stateNow;
  }

  get running(): boolean {
    return this.stateNow === "running";
  }

  /** Run `work` now, later (if hung), or never (if down). Returns whether it ran or was queued. */
  execute(work: () => void): boolean {
    switch (this.stateNow) {
      case "running":
        work();
        return true;
      case "hung":
        this.deferred.push(work);
        return true;
      default:
        return false;
    }
  }

  /** Wrap a callback so it runs only in this incarnation of the host. */
  bound<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    const incarnation = this.incarnation;
    return (...args: A) => {
      if (this.incarnation !== incarnation) return;
      this.execute(() => fn(...args));
    };
  }

  protected setState(state: HostState): void {
    this.stateNow = state;
    if (state === "running" && this.deferred.length > 0) {
      const work = this.deferred;
      this.deferred = [];
      for (const w of work) w();
    } else if (state !== "hung") {
      this.deferred = [];
    }
  }
}
