"""Imported, for its side effect, by the forkserver of the ingest extraction pool
(`api.load.ingest.extraction_pool`): one extraction of a short article builds extraction's
indexes (gazetteer, CRF model, name lists; about 4 s), once per server process, so that
every extraction process forked from it, and the replacement of a killed one, starts
warm instead of spending those seconds on the first article it is sent.

Nothing else imports this module.
"""
from __future__ import annotations

import logging

from api.extract import extract_article

_SAMPLE = (
    "Talks resume in Geneva\n\n"
    '"We will stay in Aleppo," Foreign Minister Sergei Lavrov told reporters in Moscow. '
    "Maria Zakharova said the talks would continue on Monday, according to AFP.\n"
)


def _warm() -> None:
    try:
        extract_article(_SAMPLE)
    except Exception:  # a forkserver that cannot warm up still forks working children
        logging.getLogger(__name__).exception("extraction warm-up failed")


_warm()
