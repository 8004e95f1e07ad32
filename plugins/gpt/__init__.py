"""Byte-level GPT on a local text corpus: `model:GPT`, `data:ByteCorpus`."""
