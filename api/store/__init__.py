"""What is stored: the tables, engines and migrations, human corrections, the archive and
the change events. Nothing here extracts; the write path in `api.load` fills the tables."""
