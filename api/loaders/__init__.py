"""Per-request batched reads: DataLoaders named by what they batch.

Every loader batch is exactly one SQL statement, so the number of statements a
query runs depends on its shape, never on how many rows it touches. Paginated
relations (an article's statements, an actor's members, ...) load one page per
parent in that single statement: rows are ranked with
`ROW_NUMBER() OVER (PARTITION BY parent ORDER BY sort key)` after a keyset
condition (the position a cursor encodes), so there is no OFFSET scan.

The rooms: `criteria` (which rows a filter asks for, as WHERE terms), `dialects`
(SQL constructs each database writes its own way: the undated sentinel and the
full-text match), `listings` (the paginated relations, their orders and keyset
conditions, shared with the compiler) and `dataloaders` (the `Loaders` of one request).
"""
