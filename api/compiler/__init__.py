"""Query compilation: a supported GraphQL query becomes one SQL statement that builds the
whole `data` JSON in the database; everything else runs through Strawberry."""

from api.compiler.run import Compiler

__all__ = ["Compiler"]
