"""GraphiQL served from a pinned copy in `api/static/graphiql/`, never from a CDN.

The files are the minified UMD builds of graphiql 3.9.0, react 18.3.1,
react-dom 18.3.1 and graphql-ws 5.16.2 (the graphql-transport-ws client GraphiQL
runs subscriptions with) from their npm tarballs (checksums in LICENSES.txt
there); to update, replace them and the names in ASSETS.
"""

from __future__ import annotations

import json
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "graphiql"
ASSETS = {
    "css": "graphiql-3.9.0.min.css",
    "react": "react-18.3.1.min.js",
    "react_dom": "react-dom-18.3.1.min.js",
    "graphiql": "graphiql-3.9.0.min.js",
    "graphql_ws": "graphql-ws-5.16.2.min.js",
}
EXAMPLE_QUERY = """\
# Welcome to Quotegraph: who said what, where, in the news.
# Press the run button (or Ctrl-Enter) for the latest article's
# statements, who made them, and the places they mention.
{
  articles(first: 1) {
    nodes {
      title
      publishedAt
      statements(first: 10) {
        totalCount
        nodes {
          kind
          text
          speaker { name title affiliation { name } }
          locations { name countryCode }
        }
      }
    }
  }
}
"""

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quotegraph · GraphiQL</title>
<style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
<link rel="stylesheet" href="{base}{css}">
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="{base}{react}"></script>
<script src="{base}{react_dom}"></script>
<script src="{base}{graphiql}"></script>
<script src="{base}{graphql_ws}"></script>
<script>
// Queries and mutations over HTTP; subscriptions over this URL's websocket.
const socket = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + location.pathname;
const fetcher = GraphiQL.createFetcher({{
  url: location.pathname,
  wsClient: graphqlWs.createClient({{ url: socket, lazy: true }}),
}});
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {{ fetcher: fetcher, defaultQuery: {query} }})
);
</script>
</body>
</html>
"""


def graphiql_page(base: str) -> str:
    """The GraphiQL page, loading its scripts and styles from `base` (ending in /)."""
    query = json.dumps(EXAMPLE_QUERY).replace("</", "<\\/")
    return _PAGE.format(base=base, query=query, **ASSETS)
