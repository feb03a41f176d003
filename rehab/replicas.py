"""`python -m rehab serve`: one app process per core behind a sticky proxy, so visits use every core.

One Python interpreter runs one page script at a time (the GIL), so ten clinicians arriving together on one
process wait for each other. Here each worker is a `streamlit run serve.py` on its own loopback port
(``port + 1``, ``port + 2``, ...), all with the same cookie secret; `rehab.web.sticky` listens on ``port`` and
keeps each browser on one worker (its Streamlit session, uploads and downloads live in that process). A
worker that exits is started again on its port; meanwhile its browsers are served by the next worker, still
signed in (the sign-in cookie is checked against the shared database) and on the page their address names.
With one worker, the app is served directly, without the proxy.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass, field

from rehab import page_cache
from rehab.config import PROJECT_ROOT
from rehab.web import sticky

log = logging.getLogger("rehab")

SERVE_SCRIPT = PROJECT_ROOT / "serve.py"
RESTART_DELAY_S = 2.0


def default_workers() -> int:
    """One per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def streamlit_command(port: int, address: str) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(SERVE_SCRIPT),
        "--server.port", str(port), "--server.address", address,
    ]  # fmt: skip


@dataclass
class Workers:
    ports: list[int]
    env: dict[str, str]
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    stopping: bool = False

    def start(self, port: int) -> None:
        self.processes[port] = subprocess.Popen(streamlit_command(port, "127.0.0.1"), env=self.env, cwd=PROJECT_ROOT)

    def start_all(self) -> None:
        for port in self.ports:
            self.start(port)

    async def keep_running(self) -> None:
        while not self.stopping:
            await asyncio.sleep(RESTART_DELAY_S)
            for port, process in list(self.processes.items()):
                if process.poll() is not None and not self.stopping:
                    log.warning("worker on port %s exited (%s); starting it again", port, process.returncode)
                    print(f"worker on port {port} exited ({process.returncode}); starting it again", flush=True)
                    self.start(port)

    def stop_all(self) -> None:
        self.stopping = True
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


# glibc's allocator settings for every app process (unless the environment sets them). Threads that allocate at
# once get their own arenas (up to 8 per core), and Streamlit runs every page script on a thread of its own: with
# 20 clinicians at once one process peaked at 494 MB, against 311 MB with two arenas. Blocks of 128 KiB or more
# (pandas and Arrow buffers of a page's tables and charts) are mapped on their own and returned on free, instead
# of glibc raising that threshold as they are freed and keeping them in the heap: two workers after their first
# pages held 322-325 MB (PSS) against 362-381 MB, and 376-408 MB at the peak of 10 clinicians at once against
# 426-460 MB (BENCHMARKS.md, bench/memory.py).
MALLOC = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072"}


def process_env(base: dict[str, str]) -> dict[str, str]:
    """The environment with the allocator settings above, where it does not set them itself."""
    env = dict(base)
    for key, value in MALLOC.items():
        env.setdefault(key, value)
    return env


def worker_env(base: dict[str, str]) -> dict[str, str]:
    """Every worker signs Streamlit's XSRF cookie with the same secret (one is made up if none is set)."""
    env = process_env(base)
    if not env.get("STREAMLIT_SERVER_COOKIE_SECRET"):
        env["STREAMLIT_SERVER_COOKIE_SECRET"] = secrets.token_hex(32)
    return env


async def _supervise(address: str, port: int, workers: Workers) -> None:
    server = await sticky.serve(address, port, [("127.0.0.1", p) for p in workers.ports])
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, done.set)
    print(
        f"Serving on http://{address}:{port} with {len(workers.ports)} worker processes "
        f"(ports {workers.ports[0]}–{workers.ports[-1]})",
        flush=True,
    )
    keeper = asyncio.create_task(workers.keep_running())
    await done.wait()
    workers.stopping = True
    keeper.cancel()
    server.close()


def serve(*, workers: int, port: int, address: str) -> int:
    page_cache.forget_libraries()  # each process then maps only the library pages it uses (rehab.page_cache)
    if workers <= 1:
        command = streamlit_command(port, address)
        os.execve(command[0], command, process_env(dict(os.environ)))  # the single process is the server itself
    pool = Workers([port + n for n in range(1, workers + 1)], worker_env(dict(os.environ)))
    pool.start_all()
    try:
        asyncio.run(_supervise(address, port, pool))
    finally:
        pool.stop_all()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rehab serve",
        description="Serve the app: one worker process per core behind a sticky proxy on PORT (workers on "
        "PORT+1, PORT+2, ...); with one worker, the app itself on PORT.",
    )
    parser.add_argument("--workers", default="auto", help="worker processes (default auto: one per core)")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    args = parser.parse_args(argv)
    if args.workers != "auto" and not (args.workers.isdigit() and int(args.workers) >= 1):
        parser.error("--workers must be 1 or more, or auto")
    workers = default_workers() if args.workers == "auto" else int(args.workers)
    return serve(workers=workers, port=args.port, address=args.address)
