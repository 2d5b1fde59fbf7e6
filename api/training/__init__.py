"""Building the shipped extraction models from an annotated corpus (`python -m api
train-model`); never imported when serving."""
