import sys

if sys.argv[1:2] == ["serve"]:
    # The server's supervisor: kept small (no database code), it only starts workers and forwards bytes.
    from rehab.replicas import main
else:
    from rehab.cli import main

raise SystemExit(main(sys.argv[2:] if sys.argv[1:2] == ["serve"] else None))
