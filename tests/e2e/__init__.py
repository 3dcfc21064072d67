"""End-to-end browser tests (Playwright + Debian Chromium)."""
