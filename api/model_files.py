"""Where the accurate extractor's model files live: read by extraction and settings.

Settings may not import api.extract (it is pure and loads the model); both
read the paths here. Imports nothing of the project.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["MODEL_DIR", "TAGGER_FILE", "TOKENIZER_FILE", "missing_file"]

MODEL_DIR = Path(__file__).resolve().parent / "extract" / "data" / "neural"
TAGGER_FILE = "tagger.onnx"  # fine-tuned MiniLM-L6 and its BIO heads, int8 weights
TOKENIZER_FILE = "tokenizer.json"


def missing_file(folder: Path = MODEL_DIR) -> Path | None:
    """The first model file that is not there, or None when the model is complete."""
    return next((folder / n for n in (TAGGER_FILE, TOKENIZER_FILE)
                 if not (folder / n).is_file()), None)
