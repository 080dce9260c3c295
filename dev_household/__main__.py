"""``python -m dev_household``: see cli.py."""

from .cli import main

raise SystemExit(main())
