"""Clinicians arriving together, over the real websocket: what a clinic feels at eight in the morning.

No browsers (they would share the server's CPU): each clinician is a thread with ``tests.web_client``'s
``Client`` (sign-in form, session cookie) and ``Tab`` (Streamlit's own protobuf websocket). Each signs in,
opens the caseload, then a different patient's dashboard. Per level (1, 5, 10, 20 at once): median and 95th
percentile time to ready, server CPU per visit from ``/proc/<pid>/stat`` (every process of the server: workers,
proxy, report workers), the peak resident memory (``VmHWM``, reset before each level and summed over the
processes) and the slowest answer of the health endpoint, polled throughout.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rehab.domain.accounts import Role  # noqa: E402
from rehab.services import accounts  # noqa: E402
from rehab.services.context import now_utc  # noqa: E402
from rehab.store import open_database  # noqa: E402
from rehab.store import patients as patient_store  # noqa: E402
from rehab.store import users as user_store  # noqa: E402
from tests.web_client import Client, Tab  # noqa: E402

LEVELS = (1, 5, 10, 20)
CASELOAD_SIZE = 30  # patients on each bench clinician's care team
VISITS_PER_LEVEL = 40  # rounds of n clinicians at once until about this many visits (at least 2 rounds)
PASSWORD = "bench clinician password not secret"
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Visit:
    caseload_s: float = 0.0  # sign-in click → caseload drawn
    dashboard_s: float = 0.0  # dashboard asked for → drawn
    total_s: float = 0.0  # sign-in click → dashboard drawn
    ok: bool = False


@dataclass
class Level:
    clinicians: int
    visits: list[Visit] = field(default_factory=list)
    cpu_s: float = 0.0
    wall_s: float = 0.0
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    health_worst_s: float = 0.0
    round_medians_s: list[float] = field(default_factory=list)  # sign-in → dashboard, each round's median

    def stats(self, attr: str) -> tuple[float, float]:
        values = sorted(getattr(v, attr) for v in self.visits if v.ok)
        if not values:
            return float("nan"), float("nan")
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        return statistics.median(values), p95

    @property
    def failures(self) -> int:
        return sum(not v.ok for v in self.visits)

    @property
    def cpu_per_visit_s(self) -> float:
        return self.cpu_s / max(1, len(self.visits))


@dataclass
class LoadRun:
    workers: int
    levels: list[Level] = field(default_factory=list)
    startup_rss_mb: float = 0.0


# --- the clinic's bench clinicians -----------------------------------------------------------------------------


class Clinician(NamedTuple):
    username: str
    patient_id: int  # the patient they open: their busiest, on their own care team
    patient_name: str  # the dashboard's heading names them: a visit counts only if it is that patient's dashboard


def clinicians(url: str, count: int = max(LEVELS)) -> list[Clinician]:
    """``count`` clinicians, each with their own care team of patients, and the patient each opens.

    The patient each opens is the one of their care team with the most treatment sessions, so every dashboard
    has a plan's history to draw. The team is read back from the database: a clinician made by an earlier run
    (with another ``count``) keeps the team given then.
    """
    db = open_database(url)
    try:
        ids = db.run(lambda c: [r[0] for r in c.execute(text("SELECT id FROM patients ORDER BY id"))], write=False)
        per = max(1, min(CASELOAD_SIZE, len(ids) // count))
        out = []
        for n in range(count):
            username = f"bench.clinician{n + 1:02d}"
            user = db.run(lambda c, u=username: user_store.by_username(c, u), write=False)
            mine = ids[n * per : (n + 1) * per] or ids[n % len(ids) : n % len(ids) + 1]
            if user is None:
                user_id = accounts.create_user_unchecked(
                    db,
                    username=username,
                    display_name=f"Bench Clinician {n + 1}",
                    role=Role.CLINICIAN,
                    password=PASSWORD,
                )
                db.run(
                    lambda c, i=user_id, m=mine: patient_store.add_team_members(c, [(p, i) for p in m], now=now_utc())
                )
            else:
                user_id = user.id
            busiest, family, given = db.run(
                lambda c, i=user_id: c.execute(
                    text(
                        "SELECT p.id, p.family_name, p.given_name FROM care_team t "
                        "JOIN patients p ON p.id = t.patient_id "
                        "LEFT JOIN treatment_sessions s ON s.patient_id = p.id WHERE t.user_id = :user "
                        "GROUP BY p.id, p.family_name, p.given_name ORDER BY COUNT(s.id) DESC, p.id LIMIT 1"
                    ),
                    {"user": i},
                ).one(),
                write=False,
            )
            out.append(Clinician(username, int(busiest), f"{str(family).upper()}, {given}"))  # as the app names them
        return out
    finally:
        db.dispose()


# --- the server and its processes ------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(count: int) -> int:
    """A port free with the ``count - 1`` after it (the proxy's and its workers'), below the kernel's range for
    outgoing connections (32768 and up on Linux), where the driver's own sockets would take one: a worker whose
    port a client socket held could not start, and the 2-worker level once ran on one worker."""
    for base in random.Random().sample(range(20000, 30000, 10), 200):
        if all(_bindable(base + n) for n in range(count)):
            return base
    raise RuntimeError(f"no {count} free loopback ports in a row between 20000 and 30000")


def start(url: str, workers: int, log: Path, *, extra_env: dict[str, str] | None = None) -> Server:
    """The shipped way to serve (`python -m rehab serve`) with ``workers`` processes, on a free loopback port;
    returned once the server and every worker answer their health check."""
    port = _free_ports(workers + 1)
    answering = [f"http://127.0.0.1:{port + n}" for n in range(workers + 1 if workers > 1 else 1)]
    env = dict(os.environ, REHAB_DATABASE_URL=url, **(extra_env or {}))
    cmd = [sys.executable, "-m", "rehab", "serve", "--workers", str(workers), "--port", str(port)]
    cmd += ["--address", "127.0.0.1"]
    handle = log.open("wb")
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text()}")
        if all(health(address, timeout=2) is not None for address in answering):
            return server
        time.sleep(0.3)
    stop(server)
    raise RuntimeError(f"the server did not become healthy:\n{log.read_text()}")


def stop(server: Server) -> None:
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


def health(base_url: str, *, timeout: float = 5.0) -> float | None:
    """Seconds for `/_stcore/health` to answer ok, or None."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=timeout) as resp:
            ok = resp.read().strip() == b"ok"
    except OSError:
        return None
    return time.perf_counter() - started if ok else None


def process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes, with their reaped children's (fields 14-17 of /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICK


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss_mb(pids: list[int]) -> float:
    return sum(_status_kb(pid, "VmHWM") for pid in pids) / 1024


def pss_mb(pids: list[int]) -> float:
    """Proportional set size summed: each page shared by n of the processes counted 1/n in each."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
    return total / 1024


def rss_mb(pids: list[int]) -> float:
    return sum(_status_kb(pid, "VmRSS") for pid in pids) / 1024


def reset_peaks(pids: list[int]) -> None:
    """Start VmHWM again from the current RSS (writing 5 to clear_refs; Linux ≥ 4.0, own processes)."""
    for pid in pids:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


# --- one clinician's visit -------------------------------------------------------------------------------------


def visit(base_url: str, username: str, patient_id: int, patient_name: str) -> Visit:
    """Sign in on the form, load the app page, open the caseload then the patient's dashboard over the websocket."""

    class _At:
        url = base_url

    out = Visit()
    started = time.perf_counter()
    try:
        client = Client(_At())
        signed = client.sign_in(username, PASSWORD)
        if signed.status != 303:
            return out
        client.request("GET", "/")  # the app's page itself (its scripts are in the browser's cache)
        tab = Tab(base_url, cookies=client.jar)
        try:
            caseload = tab.run("", "")
            landed = time.perf_counter()
            dashboard = tab.run("dashboard", f"patient={patient_id}")
            done = time.perf_counter()
        finally:
            tab.close()
    except Exception as exc:  # a failed visit is counted, not fatal: the run reports failures
        print(f"visit by {username} failed: {exc!r}", file=sys.stderr)
        return out
    out.caseload_s = landed - started
    out.dashboard_s = done - landed
    out.total_s = done - started
    out.ok = (
        caseload.finished
        and dashboard.finished
        and caseload.says("Caseload")
        and not dashboard.says("Sign in")
        # this patient's dashboard, not a refusal (Markdown escapes punctuation in the heading)
        and any(patient_name in h.replace("\\", "") for h in dashboard.headings)
    )
    return out


def _together(base_url: str, people: list[Clinician]) -> list[Visit]:
    results: list[Visit] = [Visit() for _ in people]
    gate = threading.Barrier(len(people))

    def one(n: int) -> None:
        gate.wait()
        results[n] = visit(base_url, *people[n])

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class _HealthWatch:
    """Polls the health endpoint every 0.2 s and keeps the slowest answer (5 s when it does not answer), and
    the largest summed PSS of ``pids``."""

    def __init__(self, base_url: str, pids: list[int] | None = None) -> None:
        self.base_url = base_url
        self.worst = 0.0
        self.pids = pids or []
        self.peak_pss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            took = health(self.base_url, timeout=5)
            self.worst = max(self.worst, 5.0 if took is None else took)
            self.peak_pss = max(self.peak_pss, pss_mb(self.pids))
            self._stop.wait(0.2)

    def __enter__(self) -> _HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(
    server: Server,
    people: list[Clinician],
    *,
    levels: tuple[int, ...] = LEVELS,
    rounds: Callable[[int], int] = lambda n: max(2, VISITS_PER_LEVEL // n),
    workers: int = 1,
) -> LoadRun:
    """Warm every worker up, then each level: ``rounds(n)`` times, ``n`` clinicians arriving together.

    One round of ten is one sample of how their arrivals and the two workers happened to interleave: the same
    server gave single-round medians from 2.6 to 5.4 × one clinician's. Each level is therefore about
    ``VISITS_PER_LEVEL`` visits, and each round's median is kept to show that spread.
    """
    run = LoadRun(workers)
    for _ in range(2 * workers):  # first page runs import the views and open the database in each worker
        _together(server.url, people[: max(2, workers)])
    run.startup_rss_mb = rss_mb(process_tree(server.process.pid))
    for n in levels:
        level = Level(n)
        pids = process_tree(server.process.pid)
        reset_peaks(pids)
        cpu_before = cpu_seconds(pids)
        started = time.perf_counter()
        with _HealthWatch(server.url, pids) as watch:
            for _ in range(rounds(n)):
                visits = _together(server.url, people[:n])
                level.visits += visits
                done = [v.total_s for v in visits if v.ok]
                if done:
                    level.round_medians_s.append(statistics.median(done))
        level.wall_s = time.perf_counter() - started
        pids = process_tree(server.process.pid)
        level.cpu_s = cpu_seconds(pids) - cpu_before
        level.peak_rss_mb = peak_rss_mb(pids)
        level.peak_pss_mb = watch.peak_pss
        level.health_worst_s = watch.worst
        run.levels.append(level)
        median, p95 = level.stats("total_s")
        print(
            f"workers={workers} n={n}: sign-in→dashboard median {median:.2f} s p95 {p95:.2f} s, "
            f"CPU/visit {level.cpu_per_visit_s:.2f} s, peak RSS {level.peak_rss_mb:.0f} MB, "
            f"health worst {level.health_worst_s:.2f} s, failures {level.failures}"
        )
    return run


def load_runs(url: str, workers: tuple[int, ...], log_dir: Path, levels: tuple[int, ...] = LEVELS) -> list[LoadRun]:
    people = clinicians(url, max(levels))
    runs = []
    for count in workers:
        server = start(url, count, log_dir / f"load-{count}-workers.log")
        try:
            runs.append(measure(server, people, levels=levels, workers=count))
        finally:
            stop(server)
    return runs


# --- other clinicians' pages while a progress report builds ------------------------------------------------------

# The button and the status box's "done" label (this branch's Reports & export page, or main's make-then-download
# buttons for every export).
BUILD = ("Build progress report (PDF)", "Progress report (PDF)")
READY = ("Progress report ready", "Progress report (PDF) made")


@dataclass
class ReportRun:
    in_worker: bool
    quiet_build_s: list[float] = field(default_factory=list)  # click → status "ready", nobody else working
    build_cpu_s: float = 0.0  # every server process's CPU per quiet build
    busy_build_s: list[float] = field(default_factory=list)  # the same while two others rerun their dashboards
    pages_quiet_s: list[float] = field(default_factory=list)  # the others' dashboard reruns, no report building
    pages_busy_s: list[float] = field(default_factory=list)  # ... while reports build one after another

    @property
    def slowdown(self) -> float:
        return statistics.median(self.pages_busy_s) / statistics.median(self.pages_quiet_s) - 1


def _signed_in_tab(base_url: str, username: str) -> Tab:
    class _At:
        url = base_url

    client = Client(_At())
    if client.sign_in(username, PASSWORD).status != 303:
        raise RuntimeError(f"{username} could not sign in")
    return Tab(base_url, cookies=client.jar)


def _build_report(tab: Tab, patient_id: int) -> float:
    page = tab.run("exports", f"patient={patient_id}")
    button = next((page.buttons[label] for label in BUILD if label in page.buttons), "")
    if not button:
        raise RuntimeError(f"no {BUILD!r} button on the exports page: {page.headings} {page.texts[:3]}")
    started = time.perf_counter()
    built = tab.run("exports", f"patient={patient_id}", click=button, timeout=120)
    took = time.perf_counter() - started
    if not any(label.startswith(READY) for label in built.statuses):
        raise RuntimeError(f"the report was not built: {built.statuses} {built.texts[-3:]}")
    return took


def _reruns(tab: Tab, patient_id: int, stop: threading.Event, out: list[float], at_least: int) -> None:
    query = f"patient={patient_id}"
    while not stop.is_set() or len(out) < at_least:
        started = time.perf_counter()
        tab.run("dashboard", query)
        out.append(time.perf_counter() - started)


def report_slowdown(server: Server, people: list[Clinician], *, in_worker: bool, builds: int = 4) -> ReportRun:
    """Two clinicians rerun their dashboards, first alone, then while a third builds progress reports."""
    run = ReportRun(in_worker)
    reporter, others = people[-1], people[:2]
    report_tab = _signed_in_tab(server.url, reporter.username)
    tabs = [_signed_in_tab(server.url, other.username) for other in others]
    fresh: list[Tab] = []
    try:
        _build_report(report_tab, reporter.patient_id)  # warm-up: the report worker process starts
        for tab, other in zip(tabs, others, strict=True):
            tab.run("dashboard", f"patient={other.patient_id}")
        # A report once made stays offered for download in its tab, so each build is a new visit (a new tab),
        # signed in before the clock starts.
        fresh.extend(_signed_in_tab(server.url, reporter.username) for _ in range(3 + builds))
        pids = process_tree(server.process.pid)
        before = cpu_seconds(pids)
        run.quiet_build_s = [_build_report(tab, reporter.patient_id) for tab in fresh[:3]]
        run.build_cpu_s = (cpu_seconds(process_tree(server.process.pid)) - before) / 3
        for phase, samples in ((False, run.pages_quiet_s), (True, run.pages_busy_s)):
            stop = threading.Event()
            lists: list[list[float]] = [[] for _ in tabs]
            threads = [
                threading.Thread(target=_reruns, args=(tab, other.patient_id, stop, lists[n], 5))
                for n, (tab, other) in enumerate(zip(tabs, others, strict=True))
            ]
            for thread in threads:
                thread.start()
            if phase:
                run.busy_build_s = [_build_report(tab, reporter.patient_id) for tab in fresh[3:]]
            else:
                time.sleep(max(run.quiet_build_s) * builds)
            stop.set()
            for thread in threads:
                thread.join()
            samples.extend(s for found in lists for s in found)
    finally:
        for tab in (report_tab, *tabs, *fresh):
            tab.close()
    print(
        f"reports {'in a worker process' if in_worker else 'in the server process'}: quiet build "
        f"{statistics.median(run.quiet_build_s):.2f} s, under load {statistics.median(run.busy_build_s):.2f} s; "
        f"others' dashboard rerun {statistics.median(run.pages_quiet_s) * 1000:.0f} → "
        f"{statistics.median(run.pages_busy_s) * 1000:.0f} ms ({run.slowdown:+.0%})"
    )
    return run


def report_runs(url: str, log_dir: Path) -> list[ReportRun]:
    """The same measurement with reports made in a worker process (as shipped) and in the server itself."""
    people = clinicians(url, max(LEVELS))
    out = []
    for processes in (1, 0):
        server = start(
            url, 1, log_dir / f"reports-{processes}.log", extra_env={"REHAB_REPORT_PROCESSES": str(processes)}
        )
        try:
            out.append(report_slowdown(server, people, in_worker=processes > 0))
        finally:
            stop(server)
    return out


# --- the report ---------------------------------------------------------------------------------------------------

HEADING = "## Clinicians at once, over the websocket"
REPORTS_HEADING = "## Progress report while others work"


def _cell(level: Level, attr: str) -> str:
    median, p95 = level.stats(attr)
    return f"{median:.2f} / {p95:.2f} s"


def _load_table(run: LoadRun) -> list[str]:
    label = (
        "1 worker process (the app served directly)"
        if run.workers == 1
        else f"{run.workers} worker processes behind the sticky proxy (`python -m rehab serve --workers {run.workers}`)"
    )

    def times_alone(attr: str) -> Callable[[Level], str]:
        return lambda lv: f"{lv.stats(attr)[0] / run.levels[0].stats(attr)[0]:.1f} ×"

    def rounds_alone(lv: Level) -> str:
        alone = run.levels[0].stats("total_s")[0]
        if not lv.round_medians_s:
            return "–"
        return f"{min(lv.round_medians_s) / alone:.1f}–{max(lv.round_medians_s) / alone:.1f} ×"

    rows: tuple[tuple[str, Callable[[Level], str]], ...] = (
        ("time to caseload", lambda lv: _cell(lv, "caseload_s")),
        ("time to dashboard", lambda lv: _cell(lv, "dashboard_s")),
        ("… median ÷ one clinician's", times_alone("dashboard_s")),
        ("sign-in → dashboard", lambda lv: _cell(lv, "total_s")),
        ("… median ÷ one clinician's", times_alone("total_s")),
        ("… each round's median ÷ one clinician's", rounds_alone),
        ("server CPU per visit", lambda lv: f"{lv.cpu_per_visit_s:.2f} s"),
        ("visits per second (wall)", lambda lv: f"{len(lv.visits) / lv.wall_s:.1f}"),
        ("peak memory, all server processes", lambda lv: f"{lv.peak_rss_mb:.0f} MB"),
        ("… shared pages counted once (PSS)", lambda lv: f"{lv.peak_pss_mb:.0f} MB"),
        ("slowest health answer", lambda lv: f"{lv.health_worst_s:.2f} s"),
        ("failed visits", lambda lv: str(lv.failures)),
    )
    lines = [
        f"### {label}",
        "",
        "| clinicians at once | " + " | ".join(str(level.clinicians) for level in run.levels) + " |",
        "|---|" + "---|" * len(run.levels),
    ]
    for title, cell in rows:
        lines.append(f"| {title} | " + " | ".join(cell(level) for level in run.levels) + " |")
    return [*lines, "", f"Memory of the server's processes after warming up: {run.startup_rss_mb:.0f} MB.", ""]


def _report_row(rep: ReportRun) -> str:
    where = "in a report worker process (as shipped)" if rep.in_worker else "in the server's interpreter"
    cells = (
        where,
        f"{statistics.median(rep.quiet_build_s):.2f} s",
        f"{rep.build_cpu_s:.2f} s",
        f"{statistics.median(rep.busy_build_s):.2f} s",
        f"{statistics.median(rep.pages_quiet_s) * 1000:.0f} ms",
        f"{statistics.median(rep.pages_busy_s) * 1000:.0f} ms",
        f"{rep.slowdown:+.0%}",
    )
    return "| " + " | ".join(cells) + " |"


def report_lines(patients: int, runs: list[LoadRun], reports: list[ReportRun]) -> list[str]:
    load_now = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines = [
        HEADING,
        "",
        f"{patients:,}-patient clinic; `bench/load.py`: each clinician is a thread holding a cookie jar and one "
        "Streamlit websocket (no browser), with their own care team (the clinic shared between 20 clinicians, "
        f"at most {CASELOAD_SIZE} patients each). They sign in on the form together, load the app page, open the "
        "caseload (the landing page), then the dashboard of the busiest patient on their care team; a visit "
        "counts only when that dashboard's heading names that patient. *Time to caseload*: sign-in click → caseload "
        "drawn; *to dashboard*: dashboard asked for → drawn; *sign-in → dashboard*: both. Median / 95th "
        f"percentile over every visit of the level: rounds of clinicians arriving together until about "
        f"{VISITS_PER_LEVEL} visits (1 at once: {VISITS_PER_LEVEL} visits one after another; 20 at once: twice); "
        "*each round's median* gives the least and the most of the rounds' medians. *Server CPU per "
        "visit*: user + system CPU of every server process (`/proc/<pid>/stat`: workers, proxy, report workers) "
        "over the level, ÷ visits; a visit is the sign-in form and post, the app page, the caseload and the "
        "dashboard. *Peak memory*: `VmHWM` of each server process, reset before the level, summed; *PSS*: the "
        "largest sum of their proportional set sizes, sampled every 0.2 s (a library page shared by the "
        "processes counted once, not in each). *Health*: "
        "the slowest answer of `/_stcore/health`, asked every 0.2 s throughout. The load driver shares the "
        f"machine's cores with the server (load average at the end: {load_now}).",
        "",
        "Targets (issue 16; shown, not asserted): server CPU per visit ≤ 0.9 s; 10 at once: median time to "
        "dashboard ≤ 4 × one clinician's (same run); peak memory ≤ 450 MB; health within 1 s throughout.",
        "",
    ]
    for run in runs:
        lines += _load_table(run)
    if reports:
        lines += [
            REPORTS_HEADING,
            "",
            "One clinician builds their busiest patient's progress report (the whole history, about a year) on "
            "Reports & export, over the websocket: *build* is the click on 'Build progress report (PDF)' → the "
            "status box says ready (median of 3 after one warm-up, with nobody else working; then of 4 while two "
            "other clinicians rerun their dashboards). *CPU per report*: every server process's CPU over the 3 "
            "quiet builds, ÷ 3. *Others' dashboard*: those two clinicians' dashboard reruns (median), alone and "
            "while reports build one after another. One worker process serves all three.",
            "",
            "| reports made | build, quiet | CPU per report | build, while others work | others' dashboard, "
            "alone | … while reports build | slowdown |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [_report_row(rep) for rep in reports]
        lines += [
            "",
            "Targets (issue 16): others' pages not slower by more than 20 % while a report builds; progress PDF "
            "≤ 0.6 s on a quiet machine.",
            "",
        ]
    return lines


def _span(report: str) -> tuple[int, int] | None:
    """Where the load sections are in ``report`` (start, end), if it has them."""
    start = report.find(HEADING)
    if start < 0:
        return None
    end, pos = len(report), start
    while (found := report.find("\n## ", pos + 1)) >= 0:
        if not report.startswith(REPORTS_HEADING, found + 1):
            end = found + 1
            break
        pos = found
    return start, end


def sections(report: str) -> list[str] | None:
    """The load sections of ``report`` as lines (kept when only the page figures are measured again)."""
    span = _span(report)
    return None if span is None else report[span[0] : span[1]].rstrip("\n").split("\n")


def splice(report: str, lines: list[str]) -> str:
    """``report`` with its load sections replaced by ``lines`` (appended if it has none)."""
    span = _span(report)
    if span is None:
        return report.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    rest = report[span[1] :]
    return report[: span[0]] + "\n".join(lines) + "\n" + ("\n" + rest if rest else "")
