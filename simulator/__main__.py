"""``python -m simulator``: run simulated batteries until interrupted."""

from .cli import main

raise SystemExit(main())
