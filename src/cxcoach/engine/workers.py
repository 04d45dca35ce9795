"""Forked worker processes that answer in the order they were asked, and fail fast when one dies.

Not `concurrent.futures.ProcessPoolExecutor`: its workers share one result
queue, and a worker killed while writing to it leaves half a message in the
pipe and the queue's lock held, so the parent (and its exit) waits forever.
Here each worker has a pipe of its own, work is dealt round robin and read
back in the same order, so order needs no bookkeeping and a dead worker is
the end of its pipe: `WorkerLost`, never a hang.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Generic, TypeVar

from ..errors import CxcoachError, ExitCode

Item = TypeVar("Item")
Answer = TypeVar("Answer")


class WorkerLost(CxcoachError):
    """A worker process ended without answering (killed from outside): the work cannot go on in order."""

    exit_code = ExitCode.INTERNAL


@dataclass(frozen=True, slots=True)
class _Worker:
    process: BaseProcess
    tasks: Connection  # written by the feeder thread only
    answers: Connection


class Workers(Generic[Item, Answer]):
    """`count` processes forked from this one (so they share what it has loaded), each applying `work`.

    `submit` never blocks: a feeder thread writes to the workers, so a worker
    writing a large answer and this process writing it a large item cannot
    wait on each other. The caller bounds what is in flight (`len`).
    """

    def __init__(self, work: Callable[[Item], Answer], count: int) -> None:
        context = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []
        for _ in range(count):
            tasks_read, tasks_write = context.Pipe(duplex=False)
            answers_read, answers_write = context.Pipe(duplex=False)
            # The child closes every pipe end of this side it inherits (its own and earlier workers'),
            # so the end of its input and of each sibling's is seen when this process closes or dies.
            ours = [end for w in self._workers for end in (w.tasks, w.answers)] + [tasks_write, answers_read]
            process = context.Process(target=_serve, args=(work, tasks_read, answers_write, ours), daemon=True)
            process.start()
            tasks_read.close()
            answers_write.close()
            self._workers.append(_Worker(process, tasks_write, answers_read))
        self._sent = 0
        self._pending: deque[_Worker] = deque()
        self._outbox: queue.SimpleQueue[tuple[Connection, Item] | None] = queue.SimpleQueue()
        self._feeder = threading.Thread(target=self._feed, name="cxcoach-feeder", daemon=True)
        self._feeder.start()

    def __len__(self) -> int:
        return len(self._pending)

    def submit(self, item: Item) -> None:
        worker = self._workers[self._sent % len(self._workers)]
        self._sent += 1
        self._pending.append(worker)
        self._outbox.put((worker.tasks, item))

    def ready(self) -> bool:
        """Whether the oldest answer can be read without waiting (or its worker is gone)."""
        return bool(self._pending) and self._pending[0].answers.poll(0)

    def result(self) -> Answer:
        """The oldest answer not yet read; `WorkerLost` if its worker died first."""
        try:
            answer: Answer = self._pending[0].answers.recv()
        except (EOFError, OSError):
            raise WorkerLost("a worker process stopped (killed, or out of memory?)") from None
        self._pending.popleft()  # only once read: while answers are owed (an error, Ctrl-C), close() kills
        return answer

    def close(self) -> None:
        """End the workers: at once if answers are still owed (an error or an interrupt), else when they are idle."""
        if self._pending:
            for worker in self._workers:
                worker.process.kill()
        self._outbox.put(None)
        self._feeder.join()
        for worker in self._workers:
            worker.answers.close()
            worker.process.join()

    def _feed(self) -> None:
        while (task := self._outbox.get()) is not None:
            connection, item = task
            with contextlib.suppress(OSError):  # that worker is gone: reading its answer says so
                connection.send(item)
        for worker in self._workers:
            worker.tasks.close()


def _serve(work: Callable[[Item], Answer], tasks: Connection, answers: Connection, inherited: list[Connection]) -> None:
    for end in inherited:
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no traceback per worker
    gc.freeze()  # a collection would touch, and so copy, all it inherited; none of that needs collecting here
    with contextlib.suppress(EOFError, OSError):  # the parent closed the input, or is gone
        while True:
            answers.send(work(tasks.recv()))
