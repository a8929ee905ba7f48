"""Legal text of a consent form: plain text the clinic writes, shown as
paragraphs, headings and bullet lists. Nothing in it is ever treated as
HTML: templates escape every block's text.

A blank line separates blocks; a block whose first line starts with "# " is a
heading; a block whose lines all start with "- " is a bullet list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LEGAL_TEXT_MAX = 20_000


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "paragraph" or "list"
    text: str = ""
    items: list[str] = field(default_factory=list)


def blocks(text: str) -> list[Block]:
    out: list[Block] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            out.append(Block(kind="list", items=[line[2:].strip() for line in lines]))
        elif len(lines) == 1 and lines[0].startswith("# "):
            out.append(Block(kind="heading", text=lines[0][2:].strip()))
        else:
            out.append(Block(kind="paragraph", text=" ".join(lines)))
    return out
