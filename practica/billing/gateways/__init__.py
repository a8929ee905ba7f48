"""Outside services billing talks to, each behind a small interface."""
