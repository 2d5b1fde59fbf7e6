"""Where the accurate extractor's model files live: read by extraction and settings.

Settings may not import api.extract (it is pure and loads the model); both
read the paths here. Imports nothing of the project.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["ENCODER_FILE", "HEAD_FILE", "MODEL_DIR", "TOKENIZER_FILE", "missing_file"]

MODEL_DIR = Path(__file__).resolve().parent / "extract" / "data" / "neural"
ENCODER_FILE = "encoder.onnx"  # MiniLM-L6, int8 weights
HEAD_FILE = "head.onnx"  # the BiLSTM tagging head
TOKENIZER_FILE = "tokenizer.json"


def missing_file(folder: Path = MODEL_DIR) -> Path | None:
    """The first model file that is not there, or None when the model is complete."""
    return next((folder / n for n in (ENCODER_FILE, HEAD_FILE, TOKENIZER_FILE)
                 if not (folder / n).is_file()), None)
