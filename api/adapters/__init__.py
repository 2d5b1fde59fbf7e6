"""Private APIs of dependencies, each behind one small module with a test
(tests/adapters/) that fails loudly when an upgrade changes them. Nothing else in
`api` reaches into a dependency's private names (ruff's SLF001 holds it)."""
