"""Time limits: an alarm that interrupts running code where Python can take one, and a clock elsewhere.

In the main thread an alarm is SIGALRM from a real-time interval timer (`setitimer`). Python runs
signal handlers there between bytecodes, so `time_limit` interrupts a stage in its Python code, in
a regular expression (the `re` engine checks for signals as it backtracks), and in C code (spaCy's
Cython, lxml) as soon as that returns to Python.

In any other thread (Dask's workers run their tasks in one) a watchdog thread raises the exception
in the late thread (`PyThreadState_SetAsyncExc`), which Python delivers between bytecodes too, but
which the `re` engine does not look for: a regular expression that backtracks for ever in a worker
thread is stopped only when it returns. Where neither can be used (no SIGALRM and not CPython, or
a real-time timer someone else has set, which one process cannot share) nothing is interrupted,
and the caller's only defence is to measure and check between steps (see `Pipeline`).
"""

from __future__ import annotations

import contextlib
import ctypes
import heapq
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType


class TimeLimitExceeded(BaseException):
    """A step ran past its time limit.

    A BaseException, like KeyboardInterrupt: the `except Exception` with which a stage or a
    third-party library guards its own work must not swallow it and go on past the limit.
    """


def alarms_usable() -> bool:
    """Whether `time_limit` can interrupt code here: SIGALRM exists, this is the main thread, and no
    other real-time timer is running (there is one per process; taking it would break its owner)."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


# Whether the running `time_limit` block is still waiting for its alarm (one at a time: the timer
# belongs to the process, and only the main thread ever sets it).
_armed = False


def _expire(signum: int, frame: FrameType | None) -> None:
    # An alarm that fires in the instant after its block ended is ignored.
    if _armed:
        raise TimeLimitExceeded()


@contextlib.contextmanager
def alarm_handler() -> Iterator[None]:
    """Keep the handler of `time_limit`'s alarms in place over a block of many of them (a batch of
    stages): each `time_limit` that puts the handler in place and back takes 1.5 times as long."""
    if not alarms_usable() or signal.getsignal(signal.SIGALRM) is _expire:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    try:
        yield
    finally:
        _restore(previous)


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[bool]:
    """Raise TimeLimitExceeded in the code run inside once `seconds` have passed.

    Yields whether the limit is enforced (False for no limit, `seconds` None or <= 0, or where
    alarms cannot be used: the caller must then check the time itself).
    """
    global _armed
    if seconds is None or seconds <= 0:
        yield False
        return
    if not alarms_usable():
        if threading.current_thread() is threading.main_thread() or not _async_exc_usable():
            yield False
            return
        with _WATCHDOG.guard(seconds):
            yield True
        return
    handled = signal.getsignal(signal.SIGALRM) is _expire
    previous = None if handled else signal.signal(signal.SIGALRM, _expire)
    _armed = True
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield True
    finally:
        _armed = False
        # A signal that came before the timer stopped is handled as this call returns (the
        # interpreter runs pending handlers then), while `_armed` already says to ignore it.
        signal.setitimer(signal.ITIMER_REAL, 0)
        if not handled:
            _restore(previous)


def _restore(previous: object) -> None:
    # None: a handler set from C, which Python cannot put back; the default is the nearest.
    signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)  # type: ignore[arg-type]


def _async_exc_usable() -> bool:
    return hasattr(ctypes, "pythonapi") and hasattr(ctypes.pythonapi, "PyThreadState_SetAsyncExc")


def _raise_in(thread_id: int, exception: type[BaseException]) -> None:
    """Have `thread_id` raise `exception` at its next check between bytecodes.

    Never called with NULL to take one back: CPython 3.11 then leaves its "pending" flag set for
    good, which slows every thread and hangs a traced one (its function-entry check loops).
    """
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exception))


# Loop steps a guard runs after its block so that an exception fired at it lands there (it is
# delivered at the first backward jump).
_LANDING_STEPS = 100


class _Watchdog:
    """One daemon thread that raises TimeLimitExceeded in threads whose time is up.

    A guard's deadline goes on a heap; the watchdog sleeps until the earliest. Arming, firing and
    disarming hold one lock. A guard whose exception was fired but had not landed when its block
    ended lets it land in its own exit and drops it there: no TimeLimitExceeded ever comes after
    its block (the block finished, just in time).
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._heap: list[tuple[float, int, int]] = []  # (deadline, token, thread id)
        self._live: dict[int, int] = {}  # token -> thread id, for guards still running
        self._fired: set[int] = set()
        self._tokens = 0
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def guard(self, seconds: float) -> Iterator[None]:
        thread_id = threading.get_ident()
        with self._lock:
            self._tokens += 1
            token = self._tokens
            self._live[token] = thread_id
            heapq.heappush(self._heap, (time.monotonic() + seconds, token, thread_id))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._watch, name="newsgraph-time-limit", daemon=True)
                self._thread.start()
            self._lock.notify()
        try:
            yield
        finally:
            while True:
                try:
                    with self._lock:
                        self._live.pop(token, None)
                        fired = token in self._fired
                        self._fired.discard(token)
                    if fired:
                        for _ in range(_LANDING_STEPS):  # each step checks for a pending exception
                            pass
                    break
                except TimeLimitExceeded:
                    continue  # it landed here, after the block: finish the clean-up

    def _watch(self) -> None:
        with self._lock:
            while True:
                while self._heap and self._heap[0][1] not in self._live:
                    heapq.heappop(self._heap)  # a guard that ended in time
                if not self._heap:
                    self._lock.wait()
                    continue
                deadline, token, thread_id = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._lock.wait(wait)
                    continue
                heapq.heappop(self._heap)
                self._fired.add(token)
                _raise_in(thread_id, TimeLimitExceeded)


_WATCHDOG = _Watchdog()
