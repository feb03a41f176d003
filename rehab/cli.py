"""Command line: `python -m rehab init-db | create-user | demo | backup | restore`."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from rehab.config import settings
from rehab.domain.errors import ValidationError, ValidationErrors
from rehab.store import open_database


def _init_db(_: argparse.Namespace) -> int:
    url = settings().database_url
    open_database(url).dispose()
    print(f"Database ready (schema up to date): {_redact(url)}")
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
            display_name=args.name or args.username,
            role=args.role,
            password=_read_password(args),
        )
    finally:
        db.dispose()
    print(f"Created {args.role} account {args.username.strip().lower()!r} (id {user_id}).")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from rehab.services.demo import generate

    db = open_database(settings().database_url)
    started = time.perf_counter()
    try:
        result = generate(db, patients=args.patients, seed=args.seed)
    finally:
        db.dispose()
    print(f"Created {result.patients} fictional patients in {time.perf_counter() - started:.1f} s.")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rehab", description="Rehab dashboard administration.")
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init-db", help="create or upgrade the database schema (REHAB_DATABASE_URL)")
    init.set_defaults(func=_init_db)

    user = sub.add_parser("create-user", help="add an account (prompts for the password)")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=["admin", "clinician"])
    user.add_argument("--name", help="full name shown to colleagues (defaults to the username)")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.set_defaults(func=_create_user)

    demo = sub.add_parser("demo", help="fill the database with a fictional caseload")
    demo.add_argument("--patients", type=int, default=200)
    demo.add_argument("--seed", type=int, default=1)
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
    return parser


def main(argv: list[str] | None = None) -> int:
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
