"""QA: answers, verifies and tracks (recommendations, responsibilities) from retrieved hits, always cited.

May import: granska.index and the ground.
"""
