"""Models of the spaces app; filled in by its issue."""
