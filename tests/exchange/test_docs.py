"""docs/import-export.md documents every column of every kind, as the code has them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from biocampus.exchange.kinds import KINDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "import-export.md"


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_has_its_columns_documented(name):
    kind = KINDS[name]
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"### {kind.title}: `{kind.name}`", 1)[1].split("\n### ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)`( \*\*required\*\*)? \|", section, flags=re.MULTILINE)
    assert [(column, bool(required)) for column, required in documented] == [
        (column.name, column.required) for column in kind.columns
    ]
    assert f"Natural key: {', '.join(f'`{key}`' for key in kind.key)}." in section
