"""Command line: `python -m rehab init-db | grant-app-role | create-user | demo | backup | restore | export |
import`; `python -m rehab serve` is the server's supervisor (rehab.replicas)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from rehab.config import settings
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.services.context import Actor
from rehab.store import Database, open_database
from rehab.store.db import MigrationNotPermitted
from rehab.store.integrity import DatabaseTampered
from rehab.store.roles import UnsafeDatabaseRole


def _owner_url(args: argparse.Namespace) -> str:
    """Where migrations and grants run: --owner-url, REHAB_MIGRATION_DATABASE_URL, else REHAB_DATABASE_URL."""
    current = settings()
    return str(getattr(args, "owner_url", None) or current.migration_database_url or current.database_url)


def _connected_role(url: str) -> str:
    from rehab.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.exec_driver_sql("SELECT current_user").scalar_one())
    finally:
        engine.dispose()


def _grant(owner_url: str, role: str) -> list[str]:
    from rehab.store import roles

    owner = open_database(owner_url, check_role=False)
    try:
        return owner.run(lambda conn: roles.grant_app_role(conn, role))
    finally:
        owner.dispose()


def _init_db(args: argparse.Namespace) -> int:
    from rehab.store.db import tighten_sqlite_files

    url = settings().database_url
    # Before opening: SQLite creates a missing -wal/-shm file with the database file's mode.
    for notice in tighten_sqlite_files(url):
        print(f"Permissions: {notice}")
    owner_url = _owner_url(args)
    if owner_url != url:
        # PostgreSQL with two roles: migrate as the owner, then give the app role the privileges the new
        # schema needs (a migration may have added tables), then check the app's own connection.
        open_database(owner_url, thorough=True, check_role=False).dispose()
        owner_role, app_role = _connected_role(owner_url), _connected_role(url)
        if app_role != owner_role:
            try:
                _grant(owner_url, app_role)
            except ValueError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 4
            print(f"Granted the app role {app_role!r} its privileges (as the owner {owner_role!r}).")
    db = open_database(url, thorough=True)
    try:
        for problem in db.role_problems:
            print(f"WARNING: {problem}", file=sys.stderr)
        if db.role_problems:
            from rehab.store.roles import ADVICE

            print(f"WARNING: {ADVICE} Set REHAB_REQUIRE_APP_ROLE=1 to refuse to start instead.", file=sys.stderr)
    finally:
        db.dispose()
    print(f"Database ready (schema up to date and checked): {_redact(url)}")
    return 0


def _grant_app_role(args: argparse.Namespace) -> int:
    from rehab.store import roles

    owner_url = _owner_url(args)
    if not owner_url.startswith("postgresql"):
        print("error: grant-app-role is for PostgreSQL (SQLite has no roles)", file=sys.stderr)
        return 2
    if args.print_sql:
        owner = open_database(owner_url, migrate=False, check_role=False)
        try:
            statements = owner.run(lambda conn: roles.grant_statements(conn, args.role), write=False)
        finally:
            owner.dispose()
        print(";\n".join(statements) + ";")
        return 0
    try:
        statements = _grant(owner_url, args.role)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 4
    print(f"Granted {args.role!r} the app's privileges ({len(statements)} statements) as {_redact(owner_url)}.")
    return 0


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Repeat the password: ")
    if first != second:
        raise ValidationError("confirm", "The two passwords do not match.")
    return first


def _create_user(args: argparse.Namespace) -> int:
    from rehab.services.accounts import create_user_unchecked

    db = open_database(settings().database_url)
    try:
        user_id = create_user_unchecked(
            db,
            username=args.username,
            display_name=args.name,
            role=args.role,
            password=_read_password(args),
        )
    finally:
        db.dispose()
    print(f"Created {args.role} account {args.username.strip().lower()!r} (id {user_id}).")
    return 0


@contextlib.contextmanager
def _progress_bar(label: str, unit: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error (the summary on standard output stays plain for scripts), fed with
    (done, total) as the services report it."""
    from tqdm import tqdm

    with tqdm(desc=label, unit=unit, file=sys.stderr) as bar:

        def told(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield told


def _demo(args: argparse.Namespace) -> int:
    from rehab.services.demo import generate

    db = open_database(settings().database_url)
    started = time.perf_counter()
    with _progress_bar("Demo clinic", " patients") as told:
        try:
            result = generate(
                db, patients=args.patients, seed=args.seed, plan_history_days=args.plan_history_days, progress=told
            )
        finally:
            db.dispose()
    print(
        f"Created {result.patients} fictional patients ({result.plans} with loading plans) "
        f"in {time.perf_counter() - started:.1f} s."
    )
    if result.password:
        print(f"Demo clinician: username {result.username!r}, password {result.password!r}")
    else:
        print(f"Demo clinician {result.username!r} already existed; its password is unchanged.")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from rehab import backup

    url = settings().database_url
    if backup.is_postgresql(url):
        print(backup.postgres_advice(url), file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        copy = backup.backup(url, args.out)
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"Backed up {_redact(url)} to {copy.path} in {time.perf_counter() - started:.1f} s: "
        f"{copy.rows} rows in {len(copy.row_counts)} tables, schema revision {copy.revision}, integrity check ok. "
        "The file holds patient data: store it encrypted and with restricted access."
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from rehab import backup

    url = settings().database_url
    if backup.is_postgresql(url):
        print(backup.postgres_advice(url), file=sys.stderr)
        return 2
    try:
        done = backup.restore(url, args.file, force=args.force)
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if done.replaced is not None:
        print(f"The previous database was kept as {done.replaced}.")
    print(
        f"Restored {args.file} into {done.target.path}: {done.target.rows} rows in {len(done.target.row_counts)} "
        f"tables, schema revision {done.target.revision} (the app upgrades older revisions on start)."
    )
    return 0


# --- exports and imports (`export`, `import assessments`) ----------------------------------------------------


def _cli_actor(db: Database, username: str) -> Actor:
    """The account the command acts for: exports and imports are checked and audited as that user."""
    from rehab.services import auth
    from rehab.store import users as user_store

    user = db.run(lambda conn: user_store.by_username(conn, username.strip().lower()), write=False)
    actor = auth.current_actor(db, user.id) if user is not None else None
    if actor is None:
        raise ValidationError("user", f"No active account {username!r}.")
    return actor


def _export(args: argparse.Namespace) -> int:
    from datetime import date

    from rehab.services import exports
    from rehab.services.context import AccessDenied, NotFound

    kind = args.format
    if kind == "pdf" and (args.date_from or args.date_to):
        kind = "progress-pdf"  # a date range asks for the progress report rather than one session
    if args.out.exists() and not args.force:
        print(f"error: {args.out} exists; choose another file or pass --force", file=sys.stderr)
        return 2
    try:
        start = date.fromisoformat(args.date_from) if args.date_from else None
        end = date.fromisoformat(args.date_to) if args.date_to else None
    except ValueError:
        print("error: --from and --to take dates as YYYY-MM-DD", file=sys.stderr)
        return 2
    db = open_database(settings().database_url)
    try:
        actor = _cli_actor(db, args.user)
        try:
            patient_id = exports.patient_by_mrn(db, args.patient)
            done = exports.export(
                db,
                actor,
                patient_id,
                kind,
                session_id=args.session,
                start=start,
                end=end,
                page_size=args.page,
            )
        except (AccessDenied, NotFound) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    finally:
        db.dispose()
    args.out.write_bytes(done.data)
    print(f"Wrote {args.out} ({len(done.data)} bytes, sha256 {done.sha256}); recorded in the audit log.")
    return 0


def _import(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from rehab.exports.import_dates import ReadOptions
    from rehab.services import imports

    data = args.file.read_bytes()
    source = imports.Source(
        kind=args.format, options=ReadOptions(args.date_order, ZoneInfo(args.time_zone), args.time_zone)
    )
    db = open_database(settings().database_url)
    try:
        actor = _cli_actor(db, args.user)
        confirmed: list[str] = []
        if args.dry_run or args.confirm_implausible:  # a preview costs a second check of every row: only if asked
            seen = imports.preview(db, actor, data, source=source)
            for row, asked in seen.questions:
                print(f"{seen.label.lower()} {row}: {asked.text}", file=sys.stderr)
            confirmed = [q.id for _, q in seen.questions]
        if args.dry_run:
            for p in seen.problems:
                print(f"{seen.label.lower()} {p.row}, {p.column or 'row'}: {p.message}", file=sys.stderr)
            print(f"{seen.new_values} new value(s), {seen.duplicates} already recorded; nothing written (--dry-run).")
            return 0 if seen.ok else 2
        with _progress_bar("Importing", " values") as told:
            done = imports.import_assessments(
                db, actor, data, source=source, confirmed=confirmed, filename=args.file.name, progress=told
            )
    finally:
        db.dispose()
    print(
        f"Imported {done.values_written} value(s) for {done.patients} patient(s); "
        f"{done.duplicates_skipped} already recorded were skipped."
    )
    return 0


def _populations(args: argparse.Namespace) -> int:
    from rehab.domain.populations import markdown

    sys.stdout.write(markdown())
    return 0


def _add_exchange_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    out = sub.add_parser("export", help="write a session summary, progress report, CSV or FHIR R4 file (audited)")
    out.add_argument("--patient", required=True, help="the patient's MRN")
    out.add_argument(
        "--format",
        required=True,
        choices=[
            "pdf",
            "pdf-patient",
            "csv",
            "csv-sessions",
            "csv-falls",
            "csv-goals",
            "fhir",
            "fhir-transaction",
            "fhir-document",
        ],
    )
    out.add_argument("--session", type=int, help="session id for pdf/pdf-patient (default: the latest session)")
    out.add_argument("--from", dest="date_from", help="with --to and --format pdf: progress report from this day")
    out.add_argument("--to", dest="date_to", help="last day of the progress report (YYYY-MM-DD)")
    out.add_argument("--page", choices=["A4", "Letter"], default="A4", help="PDF page size")
    out.add_argument("--user", required=True, help="the account the export is made and audited as")
    out.add_argument("--out", required=True, type=Path, help="file to write")
    out.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    out.set_defaults(func=_export)

    imp = sub.add_parser("import", help="import assessments from a CSV or FHIR file (all rows or none; audited)")
    imp.add_argument("what", choices=["assessments"])
    imp.add_argument("file", type=Path, help="CSV in the template's columns (see the Import page), or a FHIR Bundle")
    imp.add_argument("--user", required=True, help="the account the import is made and audited as")
    imp.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
    imp.add_argument("--format", choices=["csv", "fhir"], default="csv", help="CSV template or FHIR R4 Bundle (JSON)")
    imp.add_argument("--date-order", choices=["dmy", "mdy"], help="the file writes dates DD/MM/YYYY or MM/DD/YYYY")
    imp.add_argument("--time-zone", default="UTC", help="IANA zone times without an offset are read in (default UTC)")
    imp.add_argument(
        "--confirm-implausible",
        action="store_true",
        help="the values outside their plausible range (listed by --dry-run) are right: import them as typed",
    )
    imp.set_defaults(func=_import)


def build_parser() -> argparse.ArgumentParser:
    from rehab.services.demo import BENCH_HISTORY_DAYS, PLAN_HISTORY_DAYS

    parser = argparse.ArgumentParser(
        prog="python -m rehab", description="Rehab dashboard administration. The server: python -m rehab serve --help."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser(
        "init-db",
        help="create or upgrade the database schema (as REHAB_MIGRATION_DATABASE_URL's owner role when set, "
        "then grant the app role of REHAB_DATABASE_URL) and check it",
    )
    init.add_argument("--owner-url", help="PostgreSQL: the owner role's URL (default REHAB_MIGRATION_DATABASE_URL)")
    init.set_defaults(func=_init_db)

    grant = sub.add_parser(
        "grant-app-role",
        help="PostgreSQL: give ROLE exactly the app's privileges, as the owner (idempotent; init-db runs it)",
    )
    grant.add_argument("role", help="the login role the app connects as (it must own nothing)")
    grant.add_argument("--owner-url", help="the owner role's URL (default REHAB_MIGRATION_DATABASE_URL)")
    grant.add_argument("--print-sql", action="store_true", help="print the statements instead of running them")
    grant.set_defaults(func=_grant_app_role)

    user = sub.add_parser("create-user", help="add an account (prompts for the password)")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=["admin", "clinician"])
    # Required: exports and colleagues see this name, and the login name (half of a sign-in) must not stand in.
    user.add_argument("--name", required=True, help="full name shown to colleagues and in exports")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.set_defaults(func=_create_user)

    demo = sub.add_parser("demo", help="fill the database with a fictional caseload")
    demo.add_argument("--patients", type=int, default=200)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument(
        "--plan-history-days",
        type=int,
        default=PLAN_HISTORY_DAYS,
        help=f"longest loading-plan history per patient, in days of logged sessions (0: no plans; default "
        f"{PLAN_HISTORY_DAYS}; the benchmark uses {BENCH_HISTORY_DAYS})",
    )
    demo.set_defaults(func=_demo)

    save = sub.add_parser(
        "backup", help="copy the SQLite database while the app runs (for PostgreSQL, explains pg_dump)"
    )
    save.add_argument("--out", required=True, type=Path, help="new file to write (never overwritten)")
    save.set_defaults(func=_backup)

    load = sub.add_parser("restore", help="check a backup file and write it into the SQLite database")
    load.add_argument("file", type=Path, help="a file made by `backup`")
    load.add_argument(
        "--force",
        action="store_true",
        help="replace an existing database; it is kept next to it as <database>.replaced-<UTC time>",
    )
    load.set_defaults(func=_restore)
    table = sub.add_parser(
        "populations", help="print which threshold applies to which patient (docs/populations.md), from the catalogue"
    )
    table.set_defaults(func=_populations)
    _add_exchange_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    if given[:1] == ["serve"]:  # the `rehab` console script; `python -m rehab serve` goes there directly
        from rehab import replicas

        return replicas.main(given[1:])
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValidationErrors as exc:
        for err in exc.errors:
            print(f"error: {err.message}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except DatabaseTampered as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except (UnsafeDatabaseRole, MigrationNotPermitted) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 4
