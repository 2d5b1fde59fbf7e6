"""Articles in: reading and checking article files and inputs, extraction in a process that
can be stopped, the one write path (`ingest`), bulk loading and re-extraction."""
