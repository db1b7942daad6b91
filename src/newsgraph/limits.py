"""Time limits: an alarm that interrupts running code where Python can take one, and a clock elsewhere.

An alarm is SIGALRM from a real-time interval timer (`setitimer`). Python runs signal handlers in
the main thread only, between bytecodes, so `time_limit` interrupts a stage there: in its Python
code, in a regular expression (the `re` engine checks for signals as it backtracks), and in C code
(spaCy's Cython, lxml) as soon as that returns to Python. Where an alarm cannot be used (a thread
other than the main one, as in Dask's workers and the web server; a platform without SIGALRM; a
timer someone else has set, which one process cannot share) nothing is interrupted, and the
caller's only defence is to measure and check between steps (see `Pipeline`).
"""

from __future__ import annotations

import contextlib
import signal
import threading
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
    if seconds is None or seconds <= 0 or not alarms_usable():
        yield False
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
