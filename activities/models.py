"""Models of the activities app; filled in by its issue."""
