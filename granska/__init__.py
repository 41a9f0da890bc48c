"""Granska: cited answers over Swedish municipal audit documents. This package is the ground floor.

Owns the types (one provenance record), settings, errors and the one text module; imports no stage.
The stages install beneath it (granska.ingest, .index, .qa, .ui, .eval); `granska.engine` composes them.
"""
