"""Write practica/charting/codes/icd10cm.tsv.gz from the CMS ICD-10-CM tabular list.

Usage: python scripts/icd10cm_from_cms.py icd10cm-tabular-<release>.xml RELEASE

The input is the XML tabular list CMS/NCHS publish each year (public domain).
Billable codes are the leaves of the tabular tree; where a category defines
7th characters (injuries, fractures, pregnancy...), every leaf beneath it
takes each 7th character, padded with "X" placeholders to six characters, as
the ICD-10-CM conventions say. Output: `code<TAB>title`, sorted by code, with
a comment header naming the release.
"""

from __future__ import annotations

import gzip
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "practica/charting/codes/icd10cm.tsv.gz"


def _seventh(diag: ET.Element) -> dict[str, str] | None:
    node = diag.find("sevenChrDef")
    if node is None:
        return None
    return {
        ext.get("char", ""): (ext.text or "").strip()
        for ext in node.findall("extension")
    }


def _walk(
    diag: ET.Element, inherited: dict[str, str] | None, out: list[tuple[str, str]]
) -> None:
    seventh = _seventh(diag) or inherited
    name = (diag.findtext("name") or "").strip()
    desc = " ".join((diag.findtext("desc") or "").split())
    children = diag.findall("diag")
    if children:
        for child in children:
            _walk(child, seventh, out)
        return
    if seventh is None:
        out.append((name, desc))
        return
    base = name.replace(".", "")
    padded = base.ljust(6, "X")
    for char, meaning in seventh.items():
        code = padded + char
        out.append((f"{code[:3]}.{code[3:]}", f"{desc}, {meaning}"))


def main(source: str, release: str) -> None:
    root = ET.parse(source).getroot()
    codes: list[tuple[str, str]] = []
    for chapter in root.iter("chapter"):
        for section in chapter.findall("section"):
            for diag in section.findall("diag"):
                _walk(diag, None, codes)
    codes.sort()
    lines = [
        "# ICD-10-CM billable codes, " + release + " release. Source: CMS/NCHS"
        " ICD-10-CM tabular list (US government work, public domain).",
        "# Built by scripts/icd10cm_from_cms.py. code<TAB>title",
        *(f"{code}\t{title}" for code, title in codes),
    ]
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("\n".join(lines) + "\n")
    sys.stdout.write(f"{len(codes)} codes written to {OUT}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
