"""Where a served app's memory goes: each server process at start, after the first pages, and at the peak
while clinicians work at once (bench/load.py's visits), as resident size (RSS) and proportional size (PSS).

RSS counts a page shared by two processes in both (the libraries' code: Python, numpy, Arrow, pandas);
PSS divides it between them, so PSS summed over the processes is the machine's memory the server holds.

    .venv/bin/python bench/memory.py --patients 200 --workers 2 --cache-dir /tmp/rehab-bench
    .venv/bin/python bench/memory.py ... --variant "one arena=MALLOC_ARENA_MAX=1" --repeat 2   # compare, in turn

Reported, never asserted: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench import load  # noqa: E402
from bench.bench import _database  # noqa: E402


def _rollup_kb(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            key, _, rest = line.partition(":")
            out[key] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return out


def _role(pid: int) -> str:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(a.decode(errors="replace") for a in args if a)
    if "streamlit" in text and "run" in text:
        return "worker"
    if "rehab" in text and "serve" in text:
        return "proxy" if "--workers" in text else "worker"
    return text[-40:]


@dataclass
class Snapshot:
    label: str
    processes: list[tuple[str, float, float]] = field(default_factory=list)  # role, RSS MB, PSS MB

    @property
    def rss(self) -> float:
        return sum(r for _, r, _ in self.processes)

    @property
    def pss(self) -> float:
        return sum(p for _, _, p in self.processes)


def snapshot(label: str, root: int) -> Snapshot:
    shot = Snapshot(label)
    for pid in sorted(load.process_tree(root)):
        rollup = _rollup_kb(pid)
        shot.processes.append((_role(pid), rollup.get("Rss", 0) / 1024, rollup.get("Pss", 0) / 1024))
    return shot


class PeakWatch:
    """Samples the server's summed RSS and PSS every 0.2 s and keeps the largest of each."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak_rss = self.peak_pss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            shot = snapshot("", self.root)
            self.peak_rss, self.peak_pss = max(self.peak_rss, shot.rss), max(self.peak_pss, shot.pss)
            self._stop.wait(0.2)

    def __enter__(self) -> PeakWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(url: str, workers: int, clinicians: int, log: Path, extra_env: dict[str, str]) -> list[Snapshot]:
    people = load.clinicians(url, clinicians)
    server = load.start(url, workers, log, extra_env=extra_env)
    try:
        root = server.process.pid
        shots = [snapshot("started", root)]
        for _ in range(2 * workers):  # each worker's first pages (as bench/load.py warms up)
            load._together(server.url, people[: max(2, workers)])
        shots.append(snapshot("after the first pages", root))
        pids = load.process_tree(root)
        cpu = load.cpu_seconds(pids)
        with PeakWatch(root) as watch:
            visits = [v for _ in range(2) for v in load._together(server.url, people[:clinicians])]
        cpu = (load.cpu_seconds(pids) - cpu) / len(visits)
        peak = Snapshot(f"peak, {clinicians} at once (server CPU per visit {cpu:.2f} s)")
        peak.processes.append(("all", watch.peak_rss, watch.peak_pss))
        shots.append(snapshot(f"after {clinicians} at once", root))
        shots.append(peak)
        failed = sum(not v.ok for v in visits)
        if failed:
            print(f"{failed} visits failed; see {log}", file=sys.stderr)
        return shots
    finally:
        load.stop(server)


def lines(name: str, shots: list[Snapshot]) -> list[str]:
    out = [f"### {name}", "", "| | processes (RSS / PSS MB each) | RSS, summed | PSS, summed |", "|---|---|---|---|"]
    for shot in shots:
        each = ", ".join(f"{role} {rss:.0f} / {pss:.0f}" for role, rss, pss in shot.processes)
        out.append(f"| {shot.label} | {each} | {shot.rss:.0f} MB | {shot.pss:.0f} MB |")
    return [*out, ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clinicians", type=int, default=10)
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=K=V,K=V",
        help="a server started with these environment variables (repeatable; default: as shipped)",
    )
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    url, _ = _database(args.patients, args.cache_dir, args.seed)
    logs = Path(tempfile.mkdtemp(prefix="rehab-bench-memory-"))
    variants: dict[str, dict[str, str]] = {"as shipped": {}}
    for given in args.variant:
        name, _, pairs = given.partition("=")
        variants[name] = dict(pair.split("=", 1) for pair in pairs.split(",") if pair)
    for round_ in range(args.repeat):
        for n, (name, env) in enumerate(variants.items()):
            shots = measure(url, args.workers, args.clinicians, logs / f"memory-{round_}-{n}.log", env)
            print("\n".join(lines(f"{name} (round {round_ + 1})", shots)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
