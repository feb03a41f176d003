from rehab.cli import main

raise SystemExit(main())
