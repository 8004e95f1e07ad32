"""The worker's side of the ZeroMQ conversation, run on an I/O thread.

The main thread runs tasks (a training step may take seconds); this thread owns the
DEALER socket, so heartbeats keep flowing while a task runs, and it notices when the
orchestrator is gone: stdin closes when the parent process dies (no orphans), or the
orchestrator stops sending heartbeats. ZeroMQ sockets are not thread-safe, so the main
thread hands outgoing messages over an inproc PUSH/PULL pair.
"""
from __future__ import annotations

import os
import queue
import sys
import threading
import time
from typing import Any, Mapping, cast

import zmq

from .messages import Task
from .protocol import ProtocolError, encode, parse_incoming

EXIT_PARENT_GONE = 3


class Channel:
    def __init__(self, endpoint: str, worker_id: str, heartbeat_interval_s: float, heartbeat_timeout_s: float,
                 watch_stdin: bool = True, curve: dict[str, str] | None = None) -> None:
        self.context: zmq.Context[zmq.Socket[bytes]] = zmq.Context.instance()
        self.worker_id = worker_id
        self.endpoint = endpoint
        self.heartbeat_interval_s = heartbeat_interval_s
        self.heartbeat_timeout_s = heartbeat_timeout_s
        self.watch_stdin = watch_stdin
        self.curve = curve
        self.tasks: queue.Queue[Task | None] = queue.Queue()
        self.cancelled: set[str] = set()
        self.current_task: str | None = None
        self.stopping = threading.Event()
        self._inproc = f"inproc://flops-fit-out-{id(self)}"
        self._pull = self.context.socket(zmq.PULL)
        self._pull.bind(self._inproc)
        self._push_local = threading.local()
        self._thread = threading.Thread(target=self._run, name="flops-fit-io", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout_s: float) -> None:
        """Wait (at most timeout_s) for the I/O thread to deliver what was sent and stop."""
        self._thread.join(timeout=timeout_s)

    # ------------------------------------------------------------------ main-thread API
    def send(self, message: Mapping[str, Any]) -> None:
        """Queue a message for the orchestrator (safe from any thread)."""
        push = getattr(self._push_local, "socket", None)
        if push is None:
            push = self.context.socket(zmq.PUSH)
            push.setsockopt(zmq.LINGER, 1000)
            push.connect(self._inproc)
            self._push_local.socket = push
        push.send(encode(message))

    def drain(self) -> None:
        """Stop taking tasks: the running one checkpoints and stops (as if cancelled), then the worker says goodbye.

        Safe to call from a signal handler (SLURM's --signal before the time limit, or a pilot's SIGTERM).
        """
        self.stopping.set()
        self.tasks.put(None)

    def is_cancelled(self, task_id: str) -> bool:
        return task_id in self.cancelled or self.stopping.is_set()

    # ------------------------------------------------------------------ I/O thread
    def _dealer(self) -> zmq.Socket[bytes]:
        dealer: zmq.Socket[bytes] = self.context.socket(zmq.DEALER)
        dealer.setsockopt(zmq.IDENTITY, self.worker_id.encode())
        dealer.setsockopt(zmq.LINGER, 2000)
        if self.curve:
            dealer.curve_secretkey = self.curve["client_secret"].encode()
            dealer.curve_publickey = self.curve["client_public"].encode()
            dealer.curve_serverkey = self.curve["server_public"].encode()
        dealer.connect(self.endpoint)
        return dealer

    def _run(self) -> None:
        try:
            self._loop()
        except Exception as exc:  # without this thread the worker hears nothing: exit, do not linger
            self._die(f"its I/O thread failed: {exc!r}")

    def _loop(self) -> None:
        dealer = self._dealer()
        poller = zmq.Poller()
        poller.register(dealer, zmq.POLLIN)
        poller.register(self._pull, zmq.POLLIN)
        stdin_fd = sys.stdin.fileno() if self.watch_stdin and sys.stdin is not None else None
        if stdin_fd is not None:
            poller.register(stdin_fd, zmq.POLLIN)
        last_heard = time.monotonic()
        next_beat = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= next_beat:
                dealer.send(encode({"type": "heartbeat", "task_id": self.current_task}))
                next_beat = now + self.heartbeat_interval_s
            if now - last_heard > self.heartbeat_timeout_s:
                self._die(f"no word from the orchestrator for {self.heartbeat_timeout_s:.0f}s")
            events = dict(poller.poll(timeout=max(1, int((next_beat - time.monotonic()) * 1000))))
            if self._pull in events:
                while True:
                    try:
                        frame = self._pull.recv(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    dealer.send(frame)
                    if self.stopping.is_set() and b'"goodbye"' in frame:
                        dealer.close(linger=2000)
                        return
            if dealer in events:
                while True:
                    try:
                        frame = dealer.recv(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    last_heard = time.monotonic()
                    self._handle(frame)
            if stdin_fd is not None and stdin_fd in events:
                if not os.read(stdin_fd, 4096):
                    self._die("the orchestrator process is gone (stdin closed)")

    def _handle(self, frame: bytes) -> None:
        try:
            message = parse_incoming(frame)
        except ProtocolError as exc:
            print(f"flops-fit worker {self.worker_id}: dropped a bad message: {exc}", file=sys.stderr, flush=True)
            return
        kind = message["type"]
        if kind == "task":
            self.tasks.put(cast(Task, message))  # validated against the schema above
        elif kind == "cancel":
            self.cancelled.add(message["task_id"])
        elif kind == "shutdown":
            self.stopping.set()
            self.tasks.put(None)

    def _die(self, reason: str) -> None:
        try:
            print(f"flops-fit worker {self.worker_id}: exiting: {reason}", file=sys.stderr, flush=True)
        except Exception:  # a full disk under the log file must not keep an orphan alive
            pass
        finally:
            os._exit(EXIT_PARENT_GONE)
