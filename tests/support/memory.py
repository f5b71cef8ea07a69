"""Peak memory of a block of code, as the kernel counts it (resident set size).

Pillow allocates pixels with C `malloc`, which `tracemalloc` does not see, and
`getrusage` only reports the process's all-time peak. On Linux the peak ("VmHWM") can be
reset to the current size by writing "5" to /proc/self/clear_refs, so a block's own peak
is measurable; glibc's `malloc_trim` first hands freed heap back, so the baseline is real.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")
MB = 1024 * 1024


def _status_bytes(field: str) -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to trim
        return None


LIBC = _libc()


def _trim_heap() -> None:
    if LIBC is not None and hasattr(LIBC, "malloc_trim"):
        LIBC.malloc_trim(0)


def can_measure_peak() -> bool:
    try:
        CLEAR_REFS.write_text("5")
        _status_bytes("VmHWM")
    except (OSError, LookupError):
        return False
    return True


@dataclass
class Peak:
    growth: int = 0  # bytes above the resident size on entry


@contextmanager
def peak_memory() -> Iterator[Peak]:
    """`with peak_memory() as peak: …`; then `peak.growth` is how far the resident size
    rose above its level on entry, at its highest inside the block."""
    _trim_heap()
    CLEAR_REFS.write_text("5")
    start = _status_bytes("VmRSS")
    peak = Peak()
    try:
        yield peak
    finally:
        peak.growth = max(0, _status_bytes("VmHWM") - start)
