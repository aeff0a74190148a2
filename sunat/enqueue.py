"""The sunat app's background work, enqueued after commit (core.enqueue; docs/background-work.md)."""
