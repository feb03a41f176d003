"""Library files read fresh by the app's processes, so each maps only the pages of them it uses.

Files just written (by `pip install`, say) stay in the kernel's page cache in large blocks, and Linux maps such a
block whole into every process that touches any page of it. Right after an install each worker then held
Arrow's, numpy's and pandas's libraries nearly whole: 218-222 MB resident per worker after its first pages
instead of 188, and 479-484 MB for the server with 10 clinicians at once instead of 415-420 (bench/memory.py,
1,000 patients, the same machine and files before and after). Asking the kernel to forget those cached pages
(``POSIX_FADV_DONTNEED``) has them read again page by page as they are used. It is done right after installing
(the Makefile), when no process maps the new files yet, and again before `rehab serve` starts its workers (a
service restarted after an upgrade). Only clean pages that no process maps are forgotten: a library in use by a
running process keeps its pages, and nothing on disk changes.
"""

from __future__ import annotations

import os
import re
import sysconfig
from collections.abc import Iterable, Iterator
from pathlib import Path

_LIBRARY = re.compile(r"\.so(\.\d+)*$")


def _is_library(name: str) -> bool:
    return _LIBRARY.search(name) is not None


def libraries(roots: Iterable[Path]) -> Iterator[Path]:
    """Every shared library file (``*.so``, ``*.so.N``) under ``roots``."""
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                if _is_library(name):
                    yield Path(folder, name)


def forget(paths: Iterable[Path]) -> int:
    """Ask the kernel to drop the cached pages of ``paths``; how many files it was asked for (0 where the
    platform has no ``posix_fadvise``)."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return 0
    count = 0
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fdatasync(fd)  # pages not yet written back are not dropped
            advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            count += 1
        except OSError:
            pass
        finally:
            os.close(fd)
    return count


def site_packages() -> list[Path]:
    """The folders this interpreter's installed packages live in."""
    paths = sysconfig.get_paths()
    return sorted({Path(paths["purelib"]), Path(paths["platlib"])})


def forget_libraries() -> int:
    """Drop the cached pages of every installed package's libraries (done before the app's processes start)."""
    return forget(libraries(site_packages()))


if __name__ == "__main__":  # run by the Makefile after installing: nothing maps the new files yet
    print(f"{forget_libraries()} library files will be read fresh")
