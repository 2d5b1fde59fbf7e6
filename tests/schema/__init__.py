"""Tests of the GraphQL schema (a package, so test module names cannot clash with tests/extract)."""
