"""The Simplified Chinese UI: the language switch reaches the pages, and the committed catalogue is complete.

The catalogue tests read biocampus/locale/zh_Hans/LC_MESSAGES/django.po with the standard library (no polib,
no GNU gettext needed) and check that every msgid has a translation, that no entry is left fuzzy, that each
placeholder of a msgid (%(name)s, %s, {name}) is kept in its msgstr, and that the committed django.mo says
the same as the .po (so that a machine without gettext serves the current translation).
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "biocampus" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# msgids whose Chinese is rightly the same text: language names shown in their own language, acronyms, product terms.
SAME_IN_CHINESE = {"English", "API", "IPO", "URL", "Webhook"}


# --- pages -------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(users):
    client = Client()
    client.force_login(users.campus_admin)
    return client


def _chinese(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


@pytest.mark.django_db
def test_directory_in_chinese_with_the_language_cookie(admin_client):
    response = _chinese(admin_client).get(reverse("directory:organization_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans"' in page
    assert ">名录</summary>" in page  # the nav menu "Directory"
    assert ">协议</a>" in page  # the nav item "Agreements"
    assert "退出登录" in page  # "Log out"
    assert "面向生命科学创新园区的开源软件" in page  # the footer
    assert ">Directory</summary>" not in page
    assert "Log out" not in page


@pytest.mark.django_db
def test_directory_stays_english_without_a_language_choice(admin_client):
    response = admin_client.get(reverse("directory:organization_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en"' in page
    assert ">Directory</summary>" in page
    assert "Log out" in page
    assert "名录" not in page
    assert "退出登录" not in page


@pytest.mark.django_db
def test_the_language_switcher_turns_the_ui_chinese_and_back(admin_client):
    directory = reverse("directory:organization_list")

    response = admin_client.post(reverse("set_language"), {"language": "zh-hans", "next": directory})
    assert response.status_code == 302
    assert response["Location"] == directory
    assert admin_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    page = admin_client.get(directory).content.decode()
    assert ">名录</summary>" in page
    assert '<option value="zh-hans" selected>简体中文</option>' in page

    admin_client.post(reverse("set_language"), {"language": "en", "next": directory})
    page = admin_client.get(directory).content.decode()
    assert ">Directory</summary>" in page
    assert "名录" not in page


@pytest.mark.django_db
def test_a_chinese_browser_gets_the_chinese_ui(admin_client):
    """Accept-Language zh-CN falls back to zh-hans (Django's LANG_INFO), with no cookie set."""
    page = admin_client.get(reverse("directory:organization_list"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content
    assert ">名录</summary>" in page.decode()


@pytest.mark.django_db
def test_login_page_in_chinese():
    response = _chinese(Client()).get(reverse("login"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans"' in page
    assert "<h1>登录 BioCampus</h1>" in page
    assert "用户名" in page
    assert "密码" in page
    assert "Log in to BioCampus" not in page


@pytest.mark.django_db
def test_login_page_in_english():
    page = Client().get(reverse("login")).content.decode()

    assert "<h1>Log in to BioCampus</h1>" in page
    assert "User name" in page
    assert "登录" not in page


@pytest.mark.django_db
def test_failed_login_is_explained_in_chinese(users):
    response = _chinese(Client()).post(reverse("login"), {"username": "admin_a", "password": "wrong"})

    assert response.status_code == 200
    assert "用户名与密码不匹配，请重试。" in response.content.decode()


def test_gettext_and_plural_forms_in_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Directory") == "名录"
        assert translation.gettext("Campus admin") == "园区管理员"
        assert translation.gettext("Government viewer") == "政府查看者"
        for count in (0, 1, 5):
            assert (
                translation.ngettext("%(counter)s organisation", "%(counter)s organisations", count)
                % {"counter": count}
                == f"{count} 个机构"
            )
    with translation.override("en"):
        assert translation.gettext("Directory") == "Directory"


# --- the catalogue ---------------------------------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header entry and the other (non-obsolete) entries of a .po file, with the standard library only."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None  # which string the next continuation line extends
    pending_flags: set[str] = set()

    def start(number: int) -> Entry:
        nonlocal pending_flags
        new = Entry(line=number, flags=pending_flags)
        pending_flags = set()
        entries.append(new)
        return new

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            target = None if not line else target
            continue
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            text, keyword = ast.literal_eval(line), None
        else:
            text = ast.literal_eval(rest)
        if keyword is None:
            assert entry is not None and target is not None, f"{path}:{number}: a string continues nothing"
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
            continue
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            entry = start(number)
        assert entry is not None, f"{path}:{number}: {keyword} before any msgid"
        match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
        if match:
            index = int(match.group(1) or 0)
            entry.msgstr[index] = text
            target = ("msgstr", index)
        elif keyword in ("msgid", "msgid_plural", "msgctxt"):
            setattr(entry, keyword, text)
            target = (keyword, None)
        else:
            raise AssertionError(f"{path}:{number}: unknown keyword {keyword}")
    header = entries[0]
    assert header.msgid == "" and header.msgctxt is None, f"{path}: the first entry is not the header"
    return header, entries[1:]


PYTHON_PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACE_PLACEHOLDER = re.compile(r"\{\{\s*[\w.]+\s*\}\}|(?<!\{)\{[\w.\[\]]*(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def python_placeholders(text: str) -> list[str]:
    return [m.group(0) for m in PYTHON_PLACEHOLDER.finditer(text) if m.group(0) != "%%"]


def brace_placeholders(text: str) -> list[str]:
    return [m.group(0) for m in BRACE_PLACEHOLDER.finditer(text)]


@pytest.fixture(scope="module")
def catalogue() -> tuple[Entry, list[Entry]]:
    return parse_po(PO_FILE)


def _where(entry: Entry) -> str:
    return f"{PO_FILE.name}:{entry.line} {entry.msgid!r}"


def test_the_catalogue_header_says_chinese_with_one_plural_form(catalogue):
    header, entries = catalogue
    metadata = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)

    assert metadata["Language"] == "zh_Hans"
    assert metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "fuzzy" not in header.flags
    assert len(entries) > 700  # the whole UI, not a stub


def test_every_msgid_is_translated_and_none_is_fuzzy(catalogue):
    _, entries = catalogue
    untranslated = [_where(e) for e in entries if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [_where(e) for e in entries if "fuzzy" in e.flags]
    copied = [_where(e) for e in entries if e.msgstr.get(0) == e.msgid and e.msgid not in SAME_IN_CHINESE]

    assert untranslated == []
    assert fuzzy == []
    assert copied == []


def test_plural_entries_have_exactly_the_one_chinese_form(catalogue):
    _, entries = catalogue
    plurals = [e for e in entries if e.msgid_plural is not None]

    assert plurals
    assert [_where(e) for e in plurals if sorted(e.msgstr) != [0]] == []
    assert [_where(e) for e in entries if e.msgid_plural is None and sorted(e.msgstr) != [0]] == []


def test_every_placeholder_of_a_msgid_is_kept_in_its_msgstr(catalogue):
    """%(name)s, %s and {name} placeholders: the msgstr has the same ones, no more, no fewer."""
    _, entries = catalogue
    problems = []
    for entry in entries:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural is not None else [])
        positional = [p for p in python_placeholders(entry.msgid) if "(" not in p]
        for index, msgstr in entry.msgstr.items():
            where = f"{_where(entry)} [{index}]"
            wanted = {p for source in sources for p in python_placeholders(source)}
            found = python_placeholders(msgstr)
            if set(found) != wanted:
                problems.append(f"{where}: placeholders {sorted(wanted)} became {sorted(set(found))}")
            elif positional and positional != [p for p in found if "(" not in p]:
                problems.append(f"{where}: the positional {positional} are reordered or miscounted")
            # In a python-format string a lone % (not %%) makes the "%" formatting fail at run time.
            if "python-format" in entry.flags and "%" in PYTHON_PLACEHOLDER.sub("", msgstr):
                problems.append(f"{where}: a stray % in {msgstr!r}")
            wanted_braces = {p for source in sources for p in brace_placeholders(source)}
            if set(brace_placeholders(msgstr)) != wanted_braces:
                problems.append(f"{where}: braces {sorted(wanted_braces)} became {brace_placeholders(msgstr)}")
    assert problems == []


def test_markup_and_code_of_a_msgid_are_kept_in_its_msgstr(catalogue):
    """HTML tags, `code spans`, HTTP header names and command-line options are not translated."""
    _, entries = catalogue
    kept = re.compile(r"</?[a-z][^>]*>|`[^`]+`|\bX-BioCampus-[A-Za-z]+|--[a-z][a-z-]+|/api/v1/[a-z]+")
    problems = [
        f"{_where(e)}: {token!r}"
        for e in entries
        for token in kept.findall(e.msgid)
        for msgstr in e.msgstr.values()
        if token not in msgstr
    ]
    assert problems == []


def test_the_committed_mo_matches_the_po(catalogue):
    """django.mo is what Django reads: it must be compiled from the current .po (run compilemessages)."""
    _, entries = catalogue
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = []
    for entry in entries:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if compiled._catalog.get(key) != entry.msgstr[0]:
                stale.append(_where(entry))
        elif compiled._catalog.get((key, 0)) != entry.msgstr[0]:
            stale.append(_where(entry))
    assert stale == []
    assert len([k for k in compiled._catalog if k not in ("", ("", 0))]) == len(entries)
