"""Database plumbing shared by every service: engine, platform tables, unit of work."""
