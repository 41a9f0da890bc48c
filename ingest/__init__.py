"""Ingest: files become `Document`s (text, pages, metadata) and sentence-aware `Chunk`s with exact offsets.

May import: the ground only (granska.types, .settings, .errors, .text).
"""
