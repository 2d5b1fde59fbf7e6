"""`python -m api`: serve, migrate, seed, reextract, extract, train-model, export-schema,
export, import."""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from api.errors import ArchiveError, QuotegraphError, SeedFileError
from api.extract.parts import joined_text
from api.extract.results import Extraction
from api.settings import Settings
from api.vocabulary import ExtractionMode

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from api.load.reextract import ReextractReport
    from api.load.seed import SeedReport

T = TypeVar("T")
_PROGRESS_FROM = 20  # articles; fewer load too fast to need a bar
_WS_FRAME_BYTES = 16 * 1024 * 1024  # uvicorn's default: the app sees (and refuses) frames up to this

log = logging.getLogger("quotegraph")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
        if settings.log_level != "DEBUG":
            logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines are noise here
        code: int = args.run(settings, args)
    except QuotegraphError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m api",
        description="Quotegraph: who said what, where, in the news, as a GraphQL API.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_serve(commands)
    migrate = commands.add_parser("migrate", help="apply database migrations (DATABASE_URL)")
    migrate.set_defaults(run=_migrate)
    _add_seed(commands)
    reextract = commands.add_parser(
        "reextract",
        help="re-run extraction over every stored article, keeping human corrections",
        description="Re-extract every stored article with this version's extractor: statements "
        "nobody edited are replaced; edited and deleted ones stay as they are and block new "
        "statements over them. Prints how many statements were added, changed and removed.",
    )
    _add_extractor(reextract)
    reextract.set_defaults(run=_reextract)
    _add_extract(commands)
    _add_train_model(commands)
    export = commands.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    export.add_argument("--out", type=Path, help="write to this file instead of stdout")
    export.set_defaults(run=_export_schema)
    _add_archive(commands)
    return parser


def _add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="migrate, seed an empty database from QUOTEGRAPH_SEEDS_DIR, serve GraphQL",
        description="Apply migrations, load the seed articles if the database is empty, "
        "and serve GraphiQL and the API at http://HOST:PORT/graphql.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.add_argument("--no-seed", action="store_true", help="do not load seeds into an empty database")
    serve.set_defaults(run=_serve)


def _add_seed(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    seed = commands.add_parser(
        "seed",
        help="load article files (.txt, .json, .jsonl) into the database",
        description="Load articles: plain-text files like the seed, or JSON / JSON Lines records "
        "{title, body, publishedAt, publisher, url}. Folders are searched recursively. "
        "A file that cannot be loaded is reported by name; the others still load. "
        "Loading the same text twice adds nothing. Extraction runs in --jobs processes; "
        "articles are stored in order, many per transaction.",
    )
    seed.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                      help="files or folders (default: QUOTEGRAPH_SEEDS_DIR, ./seeds)")
    seed.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1, metavar="N",
                      help="extraction processes (default: the number of CPUs, here "
                      f"{os.cpu_count() or 1})")
    _add_extractor(seed)
    seed.set_defaults(run=_seed)


def _add_extractor(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--extractor", choices=[m.value for m in ExtractionMode], default=None,
        help="accurate (the transformer tagger with the rules) or fast (rules and CRF); "
        "default: QUOTEGRAPH_EXTRACTOR, else accurate when its model is installed")


def _mode(settings: Settings, args: argparse.Namespace) -> ExtractionMode:
    """--extractor if given, else the setting; accurate without its model file fails
    here, naming the file (the setting checks the same at startup)."""
    if args.extractor is None:
        return settings.extractor
    mode = ExtractionMode(args.extractor)
    if mode == ExtractionMode.ACCURATE:
        from api.extract.neural import check_model

        check_model()
    return mode


def _jobs(value: str) -> int:
    """--jobs N: a whole number of processes, at least 1."""
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of extraction processes, e.g. --jobs 2; got {value!r}"
        ) from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"needs at least 1 extraction process; got {jobs}")
    return jobs


def _add_extract(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    extract = commands.add_parser(
        "extract",
        help="print what extraction finds in article files (no database)",
        description="Run extraction over files without touching the database.",
    )
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE")
    extract.add_argument("--json", action="store_true",
                         help="JSON Lines, one object per article, as eval_attribution.py reads")
    _add_extractor(extract)
    extract.set_defaults(run=_extract)


def _add_train_model(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    train = commands.add_parser(
        "train-model",
        help="train the attribution CRF from a brat corpus (PolNeAR train split)",
        description="Train the CRF that tags statement content, from CORPUS/text/*.txt and "
        "CORPUS/attributions/*.ann, and write the model file extraction loads. "
        "Deterministic; a few minutes on one core.",
    )
    train.add_argument("--corpus", type=Path, required=True,
                       help="the split folder, e.g. ../shared/corpora/polnear/train")
    train.add_argument("--out", type=Path, default=None,
                       help="model file to write (default api/extract/data/attribution.crfsuite; "
                       "with --neural, the folder api/extract/data/neural)")
    train.add_argument("--neural", action="store_true",
                       help="train the accurate mode's transformer tagger instead of the CRF "
                       "(needs `pip install -e '.[train]'`; about an hour on two cores)")
    train.add_argument("--epochs", type=int, default=None, metavar="N",
                       help="with --neural: fine-tuning epochs (default 8)")
    train.add_argument("--fraction", type=float, default=None, metavar="F",
                       help="with --neural: train on this share of the files, for a quick check")
    train.set_defaults(run=_train_model)


def _add_archive(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export",
        help="write the whole database (DATABASE_URL) to a JSON Lines archive",
        description="Write every row of every table, primary keys kept, to one JSON Lines file: "
        "a header line, then one line per row. `import` restores it into an empty database "
        "of either kind.",
    )
    export.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="the archive to write, e.g. quotegraph.jsonl (replaced when done)")
    export.set_defaults(run=_export_archive)
    restore = commands.add_parser(
        "import",
        help="load a JSON Lines archive into an empty database (DATABASE_URL)",
        description="Apply migrations, then load an archive `export` wrote into the database, "
        "in one transaction: any problem leaves the database empty. The database must be empty.",
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="an archive `export` wrote")
    restore.set_defaults(run=_import_archive)


def _export_archive(settings: Settings, args: argparse.Namespace) -> int:
    from api.store.archive import export_database

    counts = _run_archive(settings, lambda engine: export_database(engine, args.out))
    if counts is None:
        return 1
    print(f"exported {_describe_counts(counts)} to {args.out}", file=sys.stderr)
    return 0


def _import_archive(settings: Settings, args: argparse.Namespace) -> int:
    from api.store.archive import import_database
    from api.store.db import upgrade

    if not args.file.is_file():  # before migrating, which would create an empty database
        print(f"error: {args.file}: no such file; give an archive `python -m api export` wrote",
              file=sys.stderr)
        return 1
    upgrade(settings.database_url)
    counts = _run_archive(settings, lambda engine: import_database(engine, args.file))
    if counts is None:
        return 1
    print(f"imported {_describe_counts(counts)} into {_safe_url(settings.database_url)}",
          file=sys.stderr)
    return 0


def _run_archive(
    settings: Settings, job: Callable[[AsyncEngine], Awaitable[dict[str, int]]]
) -> dict[str, int] | None:
    """Run an archive job on a fresh engine; None (the error printed) when it was refused."""
    from api.store.db import create_engine

    async def run() -> dict[str, int]:
        engine = create_engine(settings)
        try:
            return await job(engine)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except ArchiveError as error:
        print(f"error: {error}", file=sys.stderr)
        return None


def _describe_counts(counts: dict[str, int]) -> str:
    rows = ", ".join(f"{name} {n}" for name, n in counts.items())
    return f"{sum(counts.values())} row(s) ({rows})"


def _train_model(_settings: Settings, args: argparse.Namespace) -> int:
    if args.neural:
        return _train_neural(args)
    from api.training.crf import train_model

    out = args.out or Path("api/extract/data/attribution.crfsuite")
    report = train_model(args.corpus, out)
    print(f"trained on {report.articles} article(s), {report.sequences} paragraph(s) in "
          f"{report.seconds:.0f} s; wrote {out} ({report.model_bytes / 1e6:.1f} MB)",
          file=sys.stderr)
    return 0


def _train_neural(args: argparse.Namespace) -> int:
    from api.extract.neural import MODEL_DIR
    from api.training.neural import TrainConfig, train_neural

    defaults = TrainConfig()
    config = TrainConfig(epochs=args.epochs or defaults.epochs,
                         fraction=args.fraction or defaults.fraction)
    out = args.out or MODEL_DIR
    report = train_neural(args.corpus, out, config)
    print(f"trained on {report.articles} article(s) ({report.windows} windows), held out "
          f"{report.held_out}; best epoch {report.best_epoch} (held-out content F1 "
          f"{report.held_out_f1:.4f}) in {report.seconds / 60:.1f} min; wrote "
          f"{out} ({report.model_bytes / 1e6:.1f} MB)", file=sys.stderr)
    return 0


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from api.store.db import upgrade

    upgrade(settings.database_url)
    print(f"migrated {_safe_url(settings.database_url)}", file=sys.stderr)
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from api.store.db import upgrade

    upgrade(settings.database_url)
    paths = list(args.paths) or [settings.seeds_dir]
    return asyncio.run(_load_paths(settings, paths, args.jobs, _mode(settings, args)))


async def _load_paths(
    settings: Settings, paths: list[Path], jobs: int, mode: ExtractionMode
) -> int:
    from tqdm import tqdm

    from api.load.bulk import load_paths
    from api.load.seed import count_articles
    from api.store.db import create_engine
    from api.store.events import create_bus

    total = count_articles(paths)
    disable = (total is not None and total < _PROGRESS_FROM) or not sys.stderr.isatty()
    bar = tqdm(total=total, unit="article", file=sys.stderr, disable=disable)
    engine = create_engine(settings)
    events = create_bus(settings)  # on PostgreSQL, live subscribers of every server hear it
    try:
        report = await load_paths(
            engine, paths, jobs=jobs, progress=bar, events=events,
            max_chars=settings.max_article_chars, mode=mode,
        )
    finally:
        bar.close()
        await events.close()
        await engine.dispose()
    return _print_report(report)


async def _seed_paths(settings: Settings, paths: list[Path], *, only_if_empty: bool) -> int:
    from api.load.seed import database_is_empty, seed_paths
    from api.store.db import create_engine
    from api.store.events import create_bus

    engine = create_engine(settings)
    events = create_bus(settings)  # on PostgreSQL, live subscribers of every server hear it
    try:
        if only_if_empty and not await database_is_empty(engine):
            return 0
        report = await seed_paths(
            engine, paths, progress=_progress, events=events,
            max_chars=settings.max_article_chars, mode=settings.extractor,
        )
    finally:
        await events.close()
        await engine.dispose()
    return _print_report(report)


def _print_report(report: SeedReport) -> int:
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    print(
        f"seeded {report.created} new article(s) with {report.statements} statement(s); "
        f"{report.existing} already present; {len(report.errors)} file(s) refused",
        file=sys.stderr,
    )
    return 0 if report.ok else 1


def _reextract(settings: Settings, args: argparse.Namespace) -> int:
    from api.store.db import upgrade

    mode = _mode(settings, args)
    upgrade(settings.database_url)
    report = asyncio.run(_reextract_all(settings, mode))
    print(f"re-extracted {report.articles} article(s): {report}")
    return 0


async def _reextract_all(settings: Settings, mode: ExtractionMode) -> ReextractReport:
    from functools import partial

    from api.extract import extract_article
    from api.load.reextract import reextract
    from api.store.db import create_engine

    engine = create_engine(settings)
    try:
        return await reextract(engine, extract=partial(extract_article, mode=mode))
    finally:
        await engine.dispose()


def _progress(items: Iterable[T], total: int) -> Iterable[T]:
    from tqdm import tqdm

    disable = total < _PROGRESS_FROM or not sys.stderr.isatty()
    return tqdm(items, total=total, unit="article", disable=disable)  # type: ignore[no-any-return]


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.store.db import upgrade
    from api.web.protocol import HTTP_PROTOCOL

    upgrade(settings.database_url)
    if not args.no_seed:
        asyncio.run(_seed_paths(settings, [settings.seeds_dir], only_if_empty=True))
    print(f"GraphiQL at http://{args.host}:{args.port}/graphql", file=sys.stderr)
    uvicorn.run(
        "api.app:asgi",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level.lower(),
        access_log=settings.access_log,
        # A websocket message is held to the body limit by the app (close code 4413);
        # the protocol layer drops frames past 16 MiB (uvicorn's default) with 1009.
        ws_max_size=max(settings.max_body_bytes, _WS_FRAME_BYTES),
        http=HTTP_PROTOCOL,  # unparseable requests get a GraphQL-shaped 400
    )
    return 0


def _extract(settings: Settings, args: argparse.Namespace) -> int:
    from api.load.seed import extract, read_articles

    mode = _mode(settings, args)
    failed = 0
    for path in args.files:
        try:
            articles = read_articles(path, max_chars=settings.max_article_chars)
        except SeedFileError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
            continue
        for article in articles:
            extraction = extract(article, mode)
            if args.json:
                print(json.dumps(scorer_record(path.name, article.body, extraction), ensure_ascii=False))
            else:
                print(_describe(article.source, article.body, extraction))
    return 1 if failed else 0


def scorer_record(name: str, body: str, extraction: Extraction) -> dict[str, object]:
    """The shape ../shared/tools/eval_attribution.py reads, plus cue, medium and text."""
    names = {a.key: a.name for a in extraction.actors}
    statements = [
        {
            "start": s.span.start,
            "end": s.span.end,
            "speaker": names.get(s.speaker) if s.speaker else None,
            "speaker_start": s.speaker_span.start if s.speaker_span else None,
            "speaker_end": s.speaker_span.end if s.speaker_span else None,
            "kind": s.kind.value.lower(),
            "cue": s.cue,
            "medium": names.get(s.medium) if s.medium else None,
            "text": joined_text(body, s.parts),
            "parts": [[part.start, part.end] for part in s.parts],
        }
        for s in extraction.statements
    ]
    return {"file": name, "statements": statements}


def _describe(source: str, body: str, extraction: Extraction) -> str:
    meta = extraction.meta
    names = {a.key: a.name for a in extraction.actors}
    lines = [f"== {source}", f"title: {meta.title}", f"published: {meta.published}"]
    for s in extraction.statements:
        speaker = names.get(s.speaker, "?") if s.speaker else "-"
        medium = f" via {names[s.medium]}" if s.medium and s.medium in names else ""
        text = " ".join(joined_text(body, s.parts).split())
        lines.append(f"{s.kind.value:8} {speaker} [{s.cue}]{medium}: {text[:100]}")
    lines.append("places: " + ", ".join(p.name for p in extraction.places if p.mentions))
    return "\n".join(lines)


def _export_schema(_settings: Settings, args: argparse.Namespace) -> int:
    from api.schema import print_schema_sdl

    sdl = print_schema_sdl()
    if args.out:
        args.out.write_text(sdl + "\n", encoding="utf-8")
    else:
        print(sdl)
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
