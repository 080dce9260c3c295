"""`python -m benchmarks`: run the benchmarks (see `scripts/bench --help`)."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
