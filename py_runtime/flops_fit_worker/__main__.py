"""Entry point: `python -m flops_fit_worker --endpoint ENDPOINT --worker-id ID`."""
from __future__ import annotations

import argparse
import os
import signal
import sys

from .channel import Channel
from .worker import serve


def make_channel(argv: list[str] | None, prog: str = "flops_fit_worker") -> Channel:
    """The worker's Channel from its command line (shared with the multi-rank launcher)."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("--endpoint", required=True, help="the orchestrator's ROUTER endpoint (ipc:// or tcp://)")
    parser.add_argument("--worker-id", required=True)
    parser.add_argument("--heartbeat-interval", type=float, default=1.0, help="seconds between heartbeats")
    parser.add_argument("--heartbeat-timeout", type=float, default=30.0, help="exit when the orchestrator is silent this long")
    parser.add_argument("--no-watch-stdin", action="store_true", help="do not exit when stdin closes (pilot jobs)")
    args = parser.parse_args(argv)
    curve = None
    if os.environ.get("FLOPS_FIT_CURVE_SERVER_PUBLIC"):
        curve = {
            "server_public": os.environ["FLOPS_FIT_CURVE_SERVER_PUBLIC"],
            "client_public": os.environ["FLOPS_FIT_CURVE_CLIENT_PUBLIC"],
            "client_secret": os.environ["FLOPS_FIT_CURVE_CLIENT_SECRET"],
        }
    return Channel(args.endpoint, args.worker_id, args.heartbeat_interval, args.heartbeat_timeout,
                   watch_stdin=not args.no_watch_stdin, curve=curve)


def main(argv: list[str] | None = None) -> int:
    channel = make_channel(argv)
    # Ctrl-C in a terminal reaches the whole process group; the orchestrator decides what a
    # worker does about it (cancel the run, record it, shut down), so the worker ignores it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SLURM's --signal=B:USR1@T warns a pilot before its time limit: checkpoint the running
    # run, answer it, and stop taking runs (the orchestrator retries it elsewhere). A pilot
    # (no parent to watch) treats SIGTERM — scancel, preemption — the same way; locally the
    # orchestrator owns the worker's lifetime and SIGTERM keeps its default.
    signal.signal(signal.SIGUSR1, lambda _signum, _frame: channel.drain())
    if not channel.watch_stdin:
        signal.signal(signal.SIGTERM, lambda _signum, _frame: channel.drain())
    # Worker output must never reach the CLI's stdout: the orchestrator points stdout at a log.
    return serve(channel)


if __name__ == "__main__":
    sys.exit(main())
