"""Why a file was skipped, in the page's language.

Ingest reports each unreadable file with an English reason (`skipped PATH: REASON`, the CLI's and the API's
contract). The web page in Swedish shows the same reason in Swedish: each reason ingest can give has a pattern
here, its numbers, names and the parser's own detail (in parentheses) carried over as they are. A reason no
pattern knows (an operating-system message such as "Permission denied") stays as ingest wrote it;
tests/ui/test_skip_reasons.py makes every reason real bad files produce translate.
"""

from __future__ import annotations

import re

from granska.ui.messages import Lang

_N = r"(?P<n>[\d.]+)"
_MAX = r"(?P<max>\d+)"
_PART = r"DOCX part (?P<part>\S+)"

# (pattern over the whole reason, Swedish template); the first that matches wins, so the specific come first.
# A {rest} group is itself a reason and is translated again (a line's decoding problem, a DOCX part's XML).
_SV: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.DOTALL), t)
    for p, t in (
        (r"file is empty", "filen är tom"),
        (r"no text in file", "filen innehåller ingen text"),
        (r"no text to index after extraction", "ingen text att indexera efter utdragningen"),
        (r"no such file or folder", "filen eller mappen finns inte"),
        (r"binary content \(NUL bytes\) in a text file", "binärt innehåll (NUL-byte) i en textfil"),
        (r"binary content \(control bytes\) in a text file", "binärt innehåll (styrtecken) i en textfil"),
        (r"binary content \(NUL bytes\) in the sidecar", "binärt innehåll (NUL-byte) i metadatafilen"),
        (r"binary content \(control bytes\) in the sidecar", "binärt innehåll (styrtecken) i metadatafilen"),
        (r"unsupported file type '(?P<ext>[^']*)' \(supported: (?P<list>[^)]*)\)",
         "filtypen '{ext}' stöds inte (stöds: {list})"),
        (rf"file is {_N} MB, over the {_MAX} MB limit \((?P<var>\w+)\)",
         "filen är {n} MB, över gränsen på {max} MB ({var})"),
        (r"ran out of memory while parsing it", "minnet tog slut när filen tolkades"),
        (r"nested too deeply to parse", "för djupt nästlad för att kunna tolkas"),
        (r"could not be parsed \((?P<detail>.*)\)", "kunde inte tolkas ({detail})"),
        (rf"has a run of over {_N} characters without white space at (?P<at>\d+): not prose",
         "har över {n} tecken i följd utan blanksteg (från tecken {at}): inte löptext"),
        (r"PDF has no text layer \(scanned image\?\); run OCR on it first",
         "PDF:en saknar textlager (inskannad bild?); kör OCR på den först"),
        (r"file name is not valid UTF-8; rename the file", "filnamnet är inte giltig UTF-8; byt namn på filen"),
        (r"file name contains control characters; rename the file", "filnamnet innehåller styrtecken; byt namn på filen"),
        (rf"file name is {_N} characters \(over {_MAX}\); rename it", "filnamnet är {n} tecken (över {max}); byt namn på filen"),
        (r"line (?P<line>\d+): (?P<rest>.+?)(?P<more> \(and (?P<k>\d+) more lines\))?; save it as UTF-8",
         "rad {line}: {rest}{more}; spara filen som UTF-8"),
        (r"line (?P<line>\d+): (?P<rest>.+); the line was left out", "rad {line}: {rest}; raden lämnades bort"),
        (rf"line (?P<line>\d+): cell '(?P<cell>.*)' over {_MAX} characters; left out",
         "rad {line}: cellen '{cell}' är över {max} tecken; lämnades bort"),
        (rf"over {_N} MB; not read", "över {n} MB; lästes inte"),
        (r"not valid UTF-8 or Windows-1252 \(byte (?P<byte>0x[0-9a-f]+) at column (?P<col>\d+)\)",
         "varken giltig UTF-8 eller Windows-1252 (byte {byte} i kolumn {col})"),
        (r"not valid (?P<enc>UTF-[\w-]+) \((?P<detail>.*)\)", "inte giltig {enc} ({detail})"),
        (r"PDF is encrypted; export an unencrypted copy", "PDF:en är krypterad; exportera en okrypterad kopia"),
        (rf"PDF declares {_N} objects \(over {_MAX}\)", "PDF:en anger {n} objekt (över {max})"),
        (rf"PDF has {_N} pages \(over {_MAX}; (?P<var>\w+)\); split it",
         "PDF:en har {n} sidor (över {max}; {var}); dela upp den"),
        (r"not a readable PDF \(no %PDF- header\)", "inte en läsbar PDF (saknar %PDF--huvud)"),
        (r"not a readable PDF \((?P<detail>.*)\)", "inte en läsbar PDF ({detail})"),
        (r"not a readable DOCX \(not a zip archive\)", "inte en läsbar DOCX (inte ett zip-arkiv)"),
        (r"not a readable DOCX \((?P<detail>.*)\)", "inte en läsbar DOCX ({detail})"),
        (r"content is (?P<what>.+) but the name ends in (?P<suffix>\S+); rename it to (?P<ext>\S+)",
         "innehållet är {what} men namnet slutar på {suffix}; byt namn till {ext}"),
        (r"content is (?P<what>.+), not a (?P<suffix>\S+) document", "innehållet är {what}, inte ett {suffix}-dokument"),
        (r"took too long \((?P<what>.+)\); over the per-file time limit", "tog för lång tid ({what}); över tidsgränsen per fil"),
        (rf"parsing took over {_N} s \((?P<var>\w+)\); stopped", "tolkningen tog över {n} s ({var}); avbröts"),
        (r"the parser process died \(exit code (?P<code>-?\d+)\)", "tolkningsprocessen dog (slutkod {code})"),
        (rf"DOCX has {_N} parts \(over {_MAX}\); not a document", "DOCX-filen har {n} delar (över {max}); inget dokument"),
        (rf"DOCX unpacks to {_N} MB \(over {_MAX} MB\): zip bomb\?", "DOCX-filen packas upp till {n} MB (över {max} MB): zip-bomb?"),
        (rf"{_PART} unpacks {_N}x: zip bomb\?", "DOCX-delen {part} packas upp {n} gånger: zip-bomb?"),
        (rf"{_PART} is {_N} MB of XML \(over {_MAX} MB\)", "DOCX-delen {part} är {n} MB XML (över {max} MB)"),
        (rf"{_PART}: (?P<rest>.+)", "DOCX-delen {part}: {rest}"),
        (rf"XML nested deeper than {_N} levels", "XML nästlad djupare än {n} nivåer"),
        (rf"a text node over {_N} MB", "en textnod över {n} MB"),
        (r"has a DTD \(<!DOCTYPE>\); not allowed in a DOCX", "har en DTD (<!DOCTYPE>); inte tillåtet i en DOCX"),
        (r"declares XML entities; not allowed in a DOCX", "deklarerar XML-entiteter; inte tillåtet i en DOCX"),
        (r"refers to an external entity", "hänvisar till en extern entitet"),
        (r"malformed XML \((?P<detail>.*)\)", "felaktig XML ({detail})"),
        (rf"HTML has over {_N} tags", "HTML-filen har över {n} taggar"),
        (rf"HTML nested deeper than {_N} levels", "HTML-filen är nästlad djupare än {n} nivåer"),
        (r"links to a file outside the ingested folder; not read", "länkar till en fil utanför den inlästa mappen; lästes inte"),
        (rf"path below the folder is {_N} characters \(over {_MAX}\)", "sökvägen under mappen är {n} tecken (över {max})"),
    )
)  # fmt: skip
_WHAT_SV = {  # what the bytes really are (ingest/guards.py _MAGIC), inside "content is …"
    "a PDF": "en PDF",
    "a zip archive (DOCX?)": "ett zip-arkiv (DOCX?)",
    "a PNG image": "en PNG-bild",
    "a JPEG image": "en JPEG-bild",
    "a GIF image": "en GIF-bild",
    "a TIFF image": "en TIFF-bild",
    "a program (ELF)": "ett program (ELF)",
    "a gzip archive": "ett gzip-arkiv",
    "an old Office file (.doc/.xls); save it as .docx or PDF": "en äldre Office-fil (.doc/.xls); spara den som .docx eller PDF",
}


def skip_reason(reason: str, lang: Lang) -> str:
    """The reason in `lang`: English is ingest's own text; Swedish by the patterns above."""
    if lang == "en":
        return reason
    return _sv(reason)


def known(reason: str) -> bool:
    """Whether a pattern translates this reason (the tests check every reason real files produce)."""
    return any(p.fullmatch(reason) for p, _ in _SV)


def _step_sv(step: str) -> str:
    """The step a slow file was stopped in ("page 3 of 40", "scanning HTML")."""
    if m := re.fullmatch(r"page (\d+) of (\d+)", step):
        return f"sida {m[1]} av {m[2]}"
    return re.sub(r"^scanning ", "vid läsning av ", step)


def _sv(reason: str) -> str:
    for pattern, template in _SV:
        m = pattern.fullmatch(reason)
        if m is None:
            continue
        parts = {k: v or "" for k, v in m.groupdict().items()}
        if "rest" in parts:
            parts["rest"] = _sv(parts["rest"])
        if parts.get("more"):
            parts["more"] = f" (och {parts['k']} rader till)"
        if "what" in parts:
            parts["what"] = _WHAT_SV.get(parts["what"]) or _step_sv(parts["what"])
        return template.format(**parts)
    return reason
