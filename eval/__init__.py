"""Eval: scores answers, citations and retrieval on datasets; benchmarks speed against same-run floors.

May import: granska.engine, the stages and the ground (it sits on top, beside ui).
"""
