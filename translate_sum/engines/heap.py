"""Keep freed memory for reuse instead of handing it back to the OS after every step.

Beam search allocates its tensors afresh at every decoding step: the logits
(rows × vocabulary) and each layer's key/value cache, one token longer each time, often
several MB to tens of MB apiece. glibc's malloc serves blocks that large with `mmap`
and unmaps them on free, or trims the top of its heap once more than a few MB is
free; either way the next step's block arrives as fresh pages the kernel must fault in
and zero. It matters most when one batch decodes on several threads: with one batch
of two threads at a time (`parallel_batches=1`, and the layout on more than 4 cores),
the tuning articles took 14.0 s each with 7.8 s in the kernel and 2.35 million page
faults, and 11.4 s, 2.0 s and 0.35 million with these settings
(`benchmarks/ct2_profile.py --article-mode`, against
`TRANSLATE_SUM_KEEP_FREED_MEMORY=0`). With the 2-core default of two one-thread
batches the kernel's share was already small (0.5 s) and stays so.

Limits: glibc only (Linux with glibc: elsewhere, musl or macOS, this does nothing and
says so at debug level). The settings are process-wide and only raise thresholds: a
block over `REUSED_BLOCK_BYTES` is still mapped and unmapped each time (the decoding
batch budget, `core.default_batch_cost`, keeps the cache blocks under it), and up to
`KEPT_FREE_BYTES` of free heap stays with the process instead of going back to the OS.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys

from translate_sum.engines.core import REUSED_BLOCK_BYTES
from translate_sum.settings import envvar_of

log = logging.getLogger(__name__)

KEPT_FREE_BYTES = 128 * 2**20
"""Free memory kept at the top of the heap before glibc trims it (M_TRIM_THRESHOLD):
enough for one decoding step's blocks. Measured: 64 MiB still faults twice as often;
512 MiB gains nothing over 128."""

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_applied = False


def keep_freed_memory() -> bool:
    """Make glibc reuse freed blocks of up to 32 MiB; True when the settings took effect.

    Called by the CTranslate2 engine on CPU before it decodes; calling it again does
    nothing. Setting `TRANSLATE_SUM_KEEP_FREED_MEMORY=0` leaves malloc as it is.
    """
    global _applied
    if _applied:
        return True
    if os.environ.get(envvar_of("keep_freed_memory"), "1") == "0":
        return False
    if not sys.platform.startswith("linux"):
        log.debug("malloc settings are glibc's; on %s freed memory goes back to the OS as usual", sys.platform)
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        log.debug("no mallopt in this C library; freed memory goes back to the OS as usual")
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success. REUSED_BLOCK_BYTES (32 MiB) is glibc's M_MMAP_THRESHOLD
    # maximum on 64-bit systems. The mmap threshold goes first: setting the trim
    # threshold alone freezes the mmap threshold at its 128 kB start, which is far worse.
    _applied = bool(mallopt(_M_MMAP_THRESHOLD, REUSED_BLOCK_BYTES)) and bool(
        mallopt(_M_TRIM_THRESHOLD, KEPT_FREE_BYTES)
    )
    log.debug("malloc keeps freed blocks for reuse: %s", _applied)
    return _applied
