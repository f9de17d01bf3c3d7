"""Unit tests for pure domain code (no Telegram, no database)."""
