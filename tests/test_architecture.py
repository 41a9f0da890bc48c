"""The floors: every import in the package goes down (or sideways within its own stage), never up."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

from granska.text import fold

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {
    "granska": "granska",
    "ingest": "granska.ingest",
    "index": "granska.index",
    "qa": "granska.qa",
    "ui": "granska.ui",
    "eval": "granska.eval",
}
GROUND = {
    "granska",
    "granska.types",
    "granska.settings",
    "granska.errors",
    "granska.text",
    "granska.en_sv_dict",
    "granska.en_wordnet",
    "granska.particle_verbs",
    "granska.jsonl",
}
ENGINE = {"granska.engine", "granska.tables"}  # the engine and the tracker tables it composes share floor 3


def floor(module: str) -> tuple[int, str]:
    """(height, stage) of a module; ingest and index share a floor but may not import each other."""
    if module in GROUND:
        return 0, "ground"
    if module in ENGINE:
        return 3, "engine"
    parts = module.split(".")
    stage = parts[1] if len(parts) > 1 else "ground"
    heights = {"ingest": 1, "index": 1, "qa": 2, "engine": 3, "eval": 4, "ui": 5}
    return heights[stage], stage


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder, package in FOLDERS.items():
        for path in (ROOT / folder).rglob("*.py"):
            rel = path.relative_to(ROOT / folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            found[".".join([package, *parts])] = path
    return found


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_only_granska_is_installed_at_top_level() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert '"granska.index" = "index"' in text and '"granska.eval" = "eval"' in text
    for name, path in modules().items():
        for target in imported(path):
            assert target.split(".")[0] not in {"ingest", "index", "qa", "ui", "eval"}, f"{name} imports {target}"


def test_imports_only_go_down() -> None:
    known = modules()
    for name, path in known.items():
        height, stage = floor(name)
        for target in imported(path):
            if target not in known:
                continue
            t_height, t_stage = floor(target)
            if t_stage == stage:
                continue
            assert t_height < height, f"{name} (floor {stage}) imports {target} (floor {t_stage})"


def test_every_folder_says_what_it_owns_and_may_import() -> None:
    for folder in FOLDERS:
        doc = ast.get_docstring(ast.parse((ROOT / folder / "__init__.py").read_text()))
        assert doc and ("import" in doc), folder


# Words of a municipality's name that say what kind of place it is, not which one.
_PLACE_KINDS = ("kommun", "stad", "region", "regionen", "landsting", "landstinget")
_SAMPLE_METADATA = (
    ROOT.parent / "shared" / "datasets" / "audits" / "metadata.tsv",
    ROOT.parent / "shared" / "corpus" / "metadata.tsv",
)


def sample_place_names() -> set[str]:
    """Folded forms of the sample municipalities' distinctive names ("boras", "harjedalen", "harjedalens",
    "gotaland" of "Västra Götalandsregionen"), read from the metadata files, so a new sample joins by itself."""
    names: set[str] = set()
    for path in [p for p in _SAMPLE_METADATA if p.exists()] or [ROOT / "granska" / "data" / "corpus" / "metadata.tsv"]:
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                for word in fold(row.get("municipality") or "").split():
                    # "Götalandsregionen": the name is the part before the kind (not "Karl" of "Karlstad")
                    for kind in ("regionen", "landstinget"):
                        word = word.removesuffix(kind) if word != kind else word
                    if word in _PLACE_KINDS or len(word) < 3:
                        continue
                    # the name as written, its genitive ("Motalas") and its bare form ("Härjedalens" -> "Härjedalen")
                    names.update({word, word + "s", word.removesuffix("s")})
    return names


def test_no_source_file_names_a_sample_municipality() -> None:
    names = sample_place_names()
    assert {"boras", "uppsala", "harjedalen", "gotaland"} <= names or not (ROOT.parent / "shared").exists()
    found = []
    for path in [*modules().values(), *(ROOT / "granska" / "data").glob("*.json")]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # A name is written capitalised; lower case, "mark" (of "Marks kommun") is an ordinary word.
            for word in re.findall(r"(?<![\w-])[A-ZÅÄÖÉ][\w]*", line):
                if fold(word) in names:
                    found.append(f"{path.relative_to(ROOT)}:{n}: {word}")
    hint = "source names a sample municipality (use a generic example, e.g. 'X kommun'):"
    assert not found, "\n".join([hint, *found])
