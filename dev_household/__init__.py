"""The development household: Home Assistant 2026.11 with simulated batteries, one command.

`scripts/develop` runs it; the browser suite (tests/browser) starts one of its own.
"""
