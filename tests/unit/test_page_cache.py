"""rehab/page_cache.py: the library files the app's processes map are read fresh, not from the large blocks a
just-finished install left in the page cache (the kernel's own count of cached pages, read with util-linux's
``fincore``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from rehab import page_cache, replicas


def _cached_bytes(path: Path) -> int:
    out = subprocess.run(
        ["fincore", "--bytes", "--noheadings", "--output", "RES", str(path)], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip())


def _written(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.write(os.urandom(size))
        handle.flush()
        os.fsync(handle.fileno())
    return path


def test_only_shared_library_files_are_chosen(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "libs").mkdir(parents=True)
    names = ["lib.cpython-311-x86_64-linux-gnu.so", "libs/libarrow.so.2600", "libs/libz.so.1.2.13", "mod.py",
             "notes.so.txt", "lib.sox", "data.so.bak"]  # fmt: skip
    for name in names:
        (tmp_path / "pkg" / name).write_bytes(b"x")
    found = sorted(p.relative_to(tmp_path / "pkg").as_posix() for p in page_cache.libraries([tmp_path]))
    assert found == ["lib.cpython-311-x86_64-linux-gnu.so", "libs/libarrow.so.2600", "libs/libz.so.1.2.13"]


def test_a_just_written_library_is_no_longer_held_in_the_page_cache(tmp_path: Path) -> None:
    library = _written(tmp_path / "libexample.so.1", 4 * 1024 * 1024)
    other = _written(tmp_path / "kept.dat", 1024 * 1024)
    assert _cached_bytes(library) > 0 and _cached_bytes(other) > 0  # as an install leaves them
    assert page_cache.forget(page_cache.libraries([tmp_path])) == 1
    assert _cached_bytes(library) == 0
    assert _cached_bytes(other) > 0  # a file that is not a library is left alone
    assert library.read_bytes()[:1] != b""  # and nothing on disk changed: it reads back whole
    assert library.stat().st_size == 4 * 1024 * 1024


def test_a_missing_file_is_passed_over(tmp_path: Path) -> None:
    assert page_cache.forget([tmp_path / "gone.so"]) == 0


def test_serving_forgets_the_libraries_before_any_worker_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(page_cache, "forget_libraries", lambda: calls.append("forget") or 0)

    class Started(Exception):
        pass

    def start_all(self: replicas.Workers) -> None:
        calls.append("start")
        raise Started

    monkeypatch.setattr(replicas.Workers, "start_all", start_all)
    with pytest.raises(Started):
        replicas.serve(workers=2, port=18500, address="127.0.0.1")
    assert calls == ["forget", "start"]


def test_the_installed_packages_folders_are_searched() -> None:
    import numpy

    assert any(Path(numpy.__file__).is_relative_to(folder) for folder in page_cache.site_packages())
