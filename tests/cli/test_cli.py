"""The CLI contract, run as a user runs it: a real `granska` process, exact exit codes and output."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from granska.engine import BUNDLED_CORPUS
from tests.conftest import GRANSKA


def run(*args: str, index_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRANSKA_INDEX_DIR": str(index_dir), "GRANSKA_EMBEDDER__MODEL": "hash"}
    return subprocess.run(
        [GRANSKA, *args], env=env, capture_output=True, text=True, input=stdin, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    idx = tmp_path_factory.mktemp("cli") / "index"
    out = run("ingest", str(BUNDLED_CORPUS), index_dir=idx)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("5 added, 0 replaced, 0 unchanged, 0 skipped; ")
    return idx


def test_reingest_reports_unchanged(index_dir: Path):
    out = run("ingest", str(BUNDLED_CORPUS), index_dir=index_dir)
    assert out.returncode == 0
    assert out.stdout == "0 added, 0 replaced, 5 unchanged, 0 skipped; 0 chunks embedded\n"


def test_ingest_with_bad_files_names_each_and_exits_3(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bra.txt").write_text("Kommunstyrelsen bör säkerställa en samlad uppföljning.", encoding="utf-8")
    (folder / "tom.txt").write_bytes(b"")
    (folder / "data.bin").write_bytes(b"\x00\x01")
    out = run("ingest", str(folder), index_dir=tmp_path / "idx")
    assert out.returncode == 3
    # Dense weight 0 (the default): no vectors are computed, so none are embedded.
    assert out.stdout == "1 added, 0 replaced, 0 unchanged, 2 skipped; 0 chunks embedded\n"
    assert sorted(out.stderr.splitlines()) == [
        f"skipped {folder / 'data.bin'}: unsupported file type '.bin' (supported: .txt, .md, .pdf, .docx, .html, .htm)",
        f"skipped {folder / 'tom.txt'}: file is empty",
    ]


def test_ask_json_is_one_object_with_the_contract_fields(index_dir: Path):
    out = run(
        "ask",
        "Vilket diarienummer har Motalas ärende om integrationsarbetet?",
        "--json",
        "-k",
        "6",
        index_dir=index_dir,
    )
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert {"question", "answer", "abstained", "citations", "passages"} <= obj.keys()
    assert len(obj["passages"]) == 6
    for span in obj["citations"] + obj["passages"]:
        assert {"doc", "start", "end", "page", "text", "score"} <= span.keys()
        original = (BUNDLED_CORPUS / span["doc"]).read_text(encoding="utf-8")
        assert original[span["start"] : span["end"]] == span["text"]


def test_ask_questions_file_prints_one_object_per_line_in_order(index_dir: Path, tmp_path: Path):
    qfile = tmp_path / "q.jsonl"
    qfile.write_text(
        '{"id": "a", "question": "Vem gav EY i uppdrag att granska integrationsarbetet?"}\n'
        "not json\n"
        '{"id": "c", "question": "Hur stor budget hade fotbollsklubben 1950?"}\n',
        encoding="utf-8",
    )
    out = run("ask", "--questions", str(qfile), index_dir=index_dir)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r.get("id") for r in rows] == ["a", None, "c"]
    assert "error" in rows[1] and ":2:" in rows[1]["error"]
    assert rows[2]["abstained"] is True


def test_filter_matching_nothing_abstains_and_bad_key_is_one_line_error(index_dir: Path):
    out = run("ask", "Vem ansvarar?", "--json", "--filter", "municipality=Kiruna", index_dir=index_dir)
    obj = json.loads(out.stdout)
    assert obj["abstained"] and obj["passages"] == [] and obj["citations"] == []
    bad = run("ask", "Vem ansvarar?", "--filter", "kommun=Kiruna", index_dir=index_dir)
    assert bad.returncode == 1
    assert (
        bad.stderr
        == "error: unknown filter key 'kommun' (use one of: municipality, role, auditor, issuer, year, date, doc, title, section)\n"
    )


def test_docs_list_and_rm(tmp_path: Path):
    idx = tmp_path / "idx"
    assert run("ingest", str(BUNDLED_CORPUS), index_dir=idx).returncode == 0
    listed = run("docs", "list", "--json", index_dir=idx)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["doc"] for r in rows] == sorted(p.name for p in BUNDLED_CORPUS.glob("*.txt"))
    motala = next(r for r in rows if r["doc"].startswith("004"))
    assert motala["municipality"] == "Motala kommun" and motala["role"] == "response" and motala["year"] == "2019"
    out = run("docs", "rm", "004_bc115543fd4b41f8.txt", index_dir=idx)
    assert out.returncode == 0 and out.stdout == f"removed 004_bc115543fd4b41f8.txt ({motala['chunks']} chunks)\n"
    assert "004_bc115543fd4b41f8.txt" not in run("docs", "list", index_dir=idx).stdout
    missing = run("docs", "rm", "004_bc115543fd4b41f8.txt", index_dir=idx)
    assert missing.returncode == 1 and missing.stderr.startswith("error: no document named '004_bc115543fd4b41f8.txt'")


def test_ask_without_an_index_builds_the_bundled_corpus_first(tmp_path: Path):
    out = run("ask", "Vem gav EY i uppdrag att granska styrning och uppföljning?", index_dir=tmp_path / "new")
    assert out.returncode == 0, out.stderr
    assert "building one from the bundled demo corpus" in out.stderr
    assert "Kommunrevisionen" in out.stdout


def test_verify_json_and_claims_file(index_dir: Path, tmp_path: Path):
    out = run(
        "verify",
        "Det finns en beslutad struktur för hur projekt ska initieras i Trollhättan.",
        "--json",
        index_dir=index_dir,
    )
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert obj["verdict"] == "contradicted" and obj["explanation"] and obj["citations"]
    assert {"claim", "verdict", "explanation", "citations", "passages"} <= obj.keys()
    cfile = tmp_path / "c.jsonl"
    cfile.write_text(
        '{"id": "x", "claim": "Kiruna har byggt en simhall."}\n{"id": "y", "claim": "EY granskade Trollhättan."}\n'
    )
    rows = [json.loads(line) for line in run("verify", "--claims", str(cfile), index_dir=index_dir).stdout.splitlines()]
    assert [r["id"] for r in rows] == ["x", "y"] and rows[0]["verdict"] == "not_found"


def test_ask_with_history_file_resolves_the_followup(index_dir: Path, tmp_path: Path):
    hist = tmp_path / "h.json"
    hist.write_text('["Vilka rekommendationer fick kommunstyrelsen i Borås?"]', encoding="utf-8")
    out = run("ask", "Och i Trollhättan?", "--json", "--history", str(hist), index_dir=index_dir)
    obj = json.loads(out.stdout)
    assert obj["resolved_question"] == "Vilka rekommendationer fick kommunstyrelsen i Trollhättan?"
    assert obj["passages"][0]["doc"] == "003_f15778b1dd09b2e4.txt"


def test_chat_reads_turns_from_stdin(index_dir: Path):
    out = run(
        "chat", index_dir=index_dir, stdin="Vem gav EY i uppdrag att granska integrationsarbetet?\nOch i Motala?\n"
    )
    assert out.returncode == 0, out.stderr
    assert "(tolkat som: Vem gav EY i uppdrag att granska integrationsarbetet i Motala?)" in out.stderr


def test_recommendations_json_and_csv(index_dir: Path):
    out = run("recommendations", "--json", "--filter", "municipality=Motala", index_dir=index_dir)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert out.returncode == 0 and len(rows) == 2
    assert {"id", "municipality", "addressee", "recommendation", "response", "status", "auditor", "date"} <= rows[
        0
    ].keys()
    assert {"doc", "start", "end", "page", "text"} == rows[0]["recommendation"].keys()
    csv_out = run("recommendations", "--csv", index_dir=index_dir).stdout.splitlines()
    assert csv_out[0].startswith("id,municipality,addressee,status,auditor,date,recommendation.doc")
    assert len(csv_out) == 1 + 18
    resp = run("responsibilities", "--json", "--filter", "body=kommunstyrelsen", index_dir=index_dir)
    assert all(json.loads(line)["body"] == "Kommunstyrelsen" for line in resp.stdout.splitlines())


def test_help_documents_the_exit_codes(tmp_path: Path):
    out = run("--help", index_dir=tmp_path / "none")
    assert out.returncode == 0
    text = " ".join(out.stdout.split())
    assert "Exit codes: 0 done; 1 error" in text and "3 ingest finished but some files were skipped" in text


def test_piped_tables_have_a_header_and_xlsx_matches_csv(index_dir: Path, tmp_path: Path):
    from openpyxl import load_workbook

    plain = run("recommendations", index_dir=index_dir).stdout.splitlines()
    csv_lines = run("recommendations", "--csv", index_dir=index_dir).stdout.splitlines()
    assert plain[0].split("\t") == csv_lines[0].split(",") and len(plain) == len(csv_lines) == 1 + 18
    book = tmp_path / "recs.xlsx"
    out = run("recommendations", "--xlsx", str(book), "--csv", index_dir=index_dir)
    assert out.returncode == 0 and out.stdout.splitlines() == csv_lines  # --csv output unchanged by --xlsx
    sheet = load_workbook(book).active
    assert [c.value for c in sheet[1]] == csv_lines[0].split(",") and sheet.max_row == 1 + 18
    bad = run("responsibilities", "--xlsx", str(tmp_path / "no" / "such" / "dir.xlsx"), index_dir=index_dir)
    assert bad.returncode == 1 and bad.stderr.startswith("error: cannot write ")


def test_ask_json_passages_in_score_order_and_citations_carry_display(index_dir: Path):
    out = run("ask", "Vilka rekommendationer fick kommunstyrelsen i Borås?", "--json", "-k", "8", index_dir=index_dir)
    obj = json.loads(out.stdout)
    scores = [p["score"] for p in obj["passages"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 8
    assert obj["citations"]
    for c in obj["citations"]:
        original = (BUNDLED_CORPUS / c["doc"]).read_text(encoding="utf-8")
        assert original[c["start"] : c["end"]] == c["text"] and isinstance(c["display"], str) and c["display"]


def test_a_repeated_sentence_gives_one_responsibility_row(tmp_path: Path):
    from tests.conftest import make_pdf

    folder = tmp_path / "in"
    folder.mkdir()
    sentence = "Kulturnämnden ansvarar för biblioteken i Exempelby kommun. "
    make_pdf(folder / "upprepad.pdf", [sentence * 20 for _ in range(6)])
    idx = tmp_path / "idx"
    assert run("ingest", str(folder), index_dir=idx).returncode == 0
    rows = [json.loads(x) for x in run("responsibilities", "--json", index_dir=idx).stdout.splitlines()]
    assert [(r["body"], r["responsibility"]) for r in rows] == [("Kulturnämnden", "biblioteken i Exempelby kommun")]


def test_a_bad_line_in_a_questions_file_keeps_its_id_and_says_what_is_wrong(index_dir: Path, tmp_path: Path):
    qfile = tmp_path / "q.jsonl"
    qfile.write_text('{"id": "c"}\n["a list"]\n{"id": "e", "question": " "}\n', encoding="utf-8")
    rows = [json.loads(line) for line in run("ask", "--questions", str(qfile), index_dir=index_dir).stdout.splitlines()]
    assert [(r["id"], r["error"].split(" object: ")[1]) for r in rows] == [
        ("c", 'no "question" field'),
        (None, "a JSON list, not an object"),
        ("e", '"question" is empty or not a string'),
    ]


def _with_env(extra: dict[str, str], *args: str, index_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRANSKA_INDEX_DIR": str(index_dir), "GRANSKA_EMBEDDER__MODEL": "hash", **extra}
    return subprocess.run([GRANSKA, *args], env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize(
    "env,line",
    [
        ({"GRANSKA_INDEXDIR": "/x"}, "error: unknown setting GRANSKA_INDEXDIR; did you mean GRANSKA_INDEX_DIR?\n"),
        (
            {"GRANSKA_ANSWER__ABSTAIN_BELLOW": "0.5"},
            "error: unknown setting GRANSKA_ANSWER__ABSTAIN_BELLOW; did you mean GRANSKA_ANSWER__ABSTAIN_BELOW?\n",
        ),
        (
            {"GRANSKA_SEARCH__W_CHAR": "abc"},
            "error: bad setting GRANSKA_SEARCH__W_CHAR: Input should be a valid number, unable to parse string as a number\n",
        ),
    ],
)
def test_a_misspelt_or_bad_setting_is_one_line_naming_the_variable(index_dir: Path, env: dict[str, str], line: str):
    out = _with_env(env, "docs", "list", index_dir=index_dir)
    assert (out.returncode, out.stdout, out.stderr) == (1, "", line)


def test_settings_read_outside_the_settings_object_are_known(index_dir: Path):
    env = {
        "GRANSKA_AUTH": "a:b",
        "GRANSKA_TRACKER_NICE": "3",
        "GRANSKA_EN_SV_DICT_DIR": "off",
        "GRANSKA_WORDNET_DIR": "off",
    }
    out = _with_env(env, "docs", "list", index_dir=index_dir)
    assert out.returncode == 0 and len(out.stdout.splitlines()) == 5, out.stderr


@pytest.mark.parametrize("store", ["mysql://u@h/db", "postgres-server"])
def test_a_store_that_is_no_postgresql_address_is_refused_not_opened_as_a_folder(tmp_path: Path, store: str):
    out = subprocess.run(
        [GRANSKA, "--store", store, "ask", "Vem ansvarar?"],
        cwd=tmp_path, env={**os.environ, "GRANSKA_EMBEDDER__MODEL": "hash"},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr == (
        f"error: bad setting GRANSKA_STORE (--store): {store!r} is not a PostgreSQL address: "
        "use postgresql://USER@HOST:PORT/DB[?schema=NAME]\n"
    )
    assert list(tmp_path.iterdir()) == []  # before, an index was built in a folder named like the address


def test_serve_on_a_taken_port_says_so_in_one_line_before_building_anything(tmp_path: Path):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        out = run("serve", "--port", str(port), index_dir=tmp_path / "idx")
    assert (out.returncode, out.stdout) == (1, "")  # not our URL over another server, not exit 3 ("skipped")
    assert out.stderr == (
        f"error: cannot listen on 127.0.0.1:{port}: address already in use (another server is there? "
        "choose another --port)\n"
    )
    assert not (tmp_path / "idx").exists()


def test_an_index_dir_that_is_a_file_is_one_line(tmp_path: Path):
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    out = run("ask", "Vem ansvarar?", index_dir=tmp_path / "report.pdf")
    assert (out.returncode, out.stderr) == (
        1,
        f"error: index folder {tmp_path / 'report.pdf'} is a file; give a folder (--index-dir)\n",
    )


def test_a_mistyped_ingest_path_is_its_own_error_and_opens_no_index(tmp_path: Path):
    idx = tmp_path / "idx"
    missing = tmp_path / "rapprot.pdf"
    out = run("ingest", str(missing), index_dir=idx)
    assert (out.returncode, out.stdout, out.stderr) == (4, "", f"error: {missing}: no such file or folder\n")
    assert not idx.exists()  # nothing named exists: no index was created for it
    as_json = run("ingest", str(missing), "--json", index_dir=idx)
    assert as_json.returncode == 4
    assert json.loads(as_json.stdout)["skipped"] == [{"path": str(missing), "reason": "no such file or folder"}]


def test_a_missing_path_beside_real_ones_still_ingests_them_and_exits_4(tmp_path: Path):
    good = tmp_path / "bra.txt"
    good.write_text("Kommunstyrelsen bör säkerställa en samlad uppföljning.", encoding="utf-8")
    out = run("ingest", str(good), str(tmp_path / "saknas"), index_dir=tmp_path / "idx")
    assert out.returncode == 4
    assert out.stdout == "1 added, 0 replaced, 0 unchanged, 0 skipped; 0 chunks embedded\n"
    assert out.stderr == f"error: {tmp_path / 'saknas'}: no such file or folder\n"
    assert "4 a path given to ingest does not exist" in " ".join(
        run("ingest", "--help", index_dir=tmp_path).stdout.split()
    )


def test_counts_of_one_are_singular(tmp_path: Path):
    idx = tmp_path / "idx"
    one = tmp_path / "en.txt"
    one.write_text("Kommunstyrelsen bör säkerställa en samlad uppföljning.", encoding="utf-8")
    assert run("ingest", str(one), index_dir=idx).returncode == 0
    listed = run("docs", "list", index_dir=idx)
    assert "\t1 chunk\t" in listed.stdout and "1 chunks" not in listed.stdout
    assert run("docs", "rm", "en.txt", index_dir=idx).stdout == "removed en.txt (1 chunk)\n"


def test_docs_list_says_which_index_it_read(index_dir: Path, tmp_path: Path):
    out = run("docs", "list", index_dir=index_dir)
    assert out.stderr == f"index: {index_dir}\n" and len(out.stdout.splitlines()) == 5  # stdout as it was
    assert run("docs", "list", "--json", index_dir=index_dir).stderr == ""  # machines get only the rows
    # The default folder (no --index-dir, no GRANSKA_INDEX_DIR) is every process's of the user: said so.
    env = {k: v for k, v in os.environ.items() if k != "GRANSKA_INDEX_DIR"}
    env |= {"XDG_DATA_HOME": str(tmp_path / "data"), "GRANSKA_EMBEDDER__MODEL": "hash"}
    shared = subprocess.run(
        [GRANSKA, "docs", "list"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert shared.returncode == 0, shared.stderr
    assert shared.stderr.startswith(f"index: {tmp_path / 'data' / 'granska' / 'index'} (the default: shared by every")
