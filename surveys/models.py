"""Models of the surveys app; filled in by its issue."""
