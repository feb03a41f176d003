"""Use cases: each runs one unit of work, checks who is asking, audits, and returns plain data."""
