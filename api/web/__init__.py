"""The HTTP layer between the ASGI app and the schema: the GraphQL view, GraphiQL,
and the request limits (body size, rate) that act before a query is read."""
