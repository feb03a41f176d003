"""`python -m rehab serve`'s set-up (rehab/replicas.py): what every worker process is started with."""

from __future__ import annotations

import pytest

from rehab import replicas


def test_workers_share_one_cookie_secret_and_use_two_malloc_arenas() -> None:
    made = replicas.worker_env({"PATH": "/bin"})
    assert len(made["STREAMLIT_SERVER_COOKIE_SECRET"]) == 64 and made["MALLOC_ARENA_MAX"] == "2"
    assert made["MALLOC_MMAP_THRESHOLD_"] == made["MALLOC_TRIM_THRESHOLD_"] == "131072"  # 128 KiB, fixed
    assert made["PATH"] == "/bin"
    kept = replicas.worker_env(
        {"STREAMLIT_SERVER_COOKIE_SECRET": "set-by-the-clinic", "MALLOC_ARENA_MAX": "4", "MALLOC_MMAP_THRESHOLD_": "0"}
    )
    assert kept["STREAMLIT_SERVER_COOKIE_SECRET"] == "set-by-the-clinic" and kept["MALLOC_ARENA_MAX"] == "4"
    assert kept["MALLOC_MMAP_THRESHOLD_"] == "0"


def test_each_worker_listens_on_loopback_on_its_own_port() -> None:
    command = replicas.streamlit_command(8502, "127.0.0.1")
    assert command[-4:] == ["--server.port", "8502", "--server.address", "127.0.0.1"]
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4].endswith("serve.py")


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_a_worker_count_that_is_not_a_positive_number_is_refused(
    workers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        replicas.main(["--workers", workers])
    assert stopped.value.code == 2
    assert "--workers must be 1 or more, or auto" in capsys.readouterr().err


def test_auto_means_one_worker_per_usable_core() -> None:
    assert replicas.default_workers() >= 1
