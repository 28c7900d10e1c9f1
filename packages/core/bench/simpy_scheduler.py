"""The scheduler benchmark's workloads in SimPy 3, for comparison (run by scheduler.bench.mjs).

100 processes; process i wakes every 1 + i % 7 time units ("grid"), or every 1000 * (1 + i % 7)
with a phase of i, so that no two wake-ups share an instant ("distinct"). Both count the wake-ups
at times up to UNTIL inclusive, which are the events Understudy's scheduler runs with
runUntil(UNTIL); SimPy's run(until=t) stops before the events at t, hence UNTIL + 1.
Prints one JSON line.
"""

import json
import sys
import time

import simpy

PROCESSES = 100
WORKLOADS = {
    # name: (period of process i, first wake-up of process i, UNTIL)
    "grid": (lambda i: 1 + i % 7, lambda i: 1 + i % 7, 60_000),
    "distinct": (lambda i: 1000 * (1 + i % 7), lambda i: 1000 * (1 + i % 7) + i, 60_000_999),
}


def run_once(workload):
    period_of, first_of, until = WORKLOADS[workload]
    env = simpy.Environment()
    count = [0]

    def ticker(first, period):
        yield env.timeout(first)
        while True:
            count[0] += 1
            yield env.timeout(period)

    for i in range(PROCESSES):
        env.process(ticker(first_of(i), period_of(i)))
    start = time.perf_counter()
    env.run(until=until + 1)
    return count[0], time.perf_counter() - start


def main():
    workload = sys.argv[1]
    runs = int(sys.argv[2])
    results = [run_once(workload) for _ in range(runs)]
    events = results[0][0]
    best = min(seconds for _, seconds in results)
    print(json.dumps({"simpy": simpy.__version__, "events": events, "seconds": best, "rate": events / best}))


if __name__ == "__main__":
    main()
