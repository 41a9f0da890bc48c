"""Index: embeds, stores and searches chunks (lexical BM25 over folded n-grams and stems, FAISS vectors).

May import: the ground only (granska.types, .settings, .errors, .text).
"""
