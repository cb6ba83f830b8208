"""The README and docs/ hold together: every relative link leads to a file (and a heading, when it
names one), the README stays a front door, and the configuration table lists every variable the
settings read."""

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")
# [text](target) and ![alt](target), with an optional "title"; autolinks <http://…> are not
# relative, and reference-style links are not used here.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def prose(text: str) -> str:
    """The text without its code blocks and code spans, where a bracket is not a link."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped (letters of any script,
    marks, digits, underscores, spaces and hyphens kept), spaces turned into hyphens."""
    text = heading.replace("`", "").strip().lower()
    kept = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LMN")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text())):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        # A second heading of the same text is #text-1, as GitHub numbers them.
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def relative_links(path: Path) -> list[str]:
    return [
        target
        for target in LINK.findall(prose(path.read_text()))
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target)  # http:, https:, mailto:
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_a_heading(page):
    broken = []
    for target in relative_links(page):
        file_part, _, anchor = target.partition("#")
        destination = (page.parent / file_part).resolve() if file_part else page
        if not destination.exists():
            broken.append(f"{target}: no file {destination.relative_to(ROOT)}")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target}: no heading #{anchor} in {destination.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_every_page_of_docs_is_reached_from_the_readme():
    # Following the links from the README reaches every page of docs/: none is left unread, and
    # the link pattern is shown to find links at all.
    reached, todo = set(), [ROOT / "README.md"]
    while todo:
        page = todo.pop()
        for target in relative_links(page):
            destination = (page.parent / target.partition("#")[0]).resolve()
            if destination.suffix == ".md" and destination.exists() and destination not in reached:
                reached.add(destination)
                todo.append(destination)
    unreached = [f"docs/{page.name}" for page in PAGES[1:] if page.resolve() not in reached]
    assert not unreached, f"no link from the README or its pages leads to {unreached}"


def test_a_broken_link_and_a_missing_heading_are_found(tmp_path):
    (tmp_path / "b.md").write_text("# Where to read on\n\n## Sign-in\n\n## Sign-in\n")
    (tmp_path / "a.md").write_text(
        "[ok](b.md#sign-in) [second](b.md#sign-in-1) [no file](c.md) `[code](d.md)`\n"
        "```sh\n[fenced](e.md)\n```\n[web](https://example.ir/x)\n"
    )
    assert relative_links(tmp_path / "a.md") == ["b.md#sign-in", "b.md#sign-in-1", "c.md"]
    assert anchors(tmp_path / "b.md") == {"where-to-read-on", "sign-in", "sign-in-1"}
    assert slug("A first walk through (on `make run`)") == "a-first-walk-through-on-make-run"
    assert slug("ثبت خروج پیشین") == "ثبت-خروج-پیشین"


def test_the_readme_stays_a_front_door():
    lines = (ROOT / "README.md").read_text().count("\n")
    assert lines < 260, f"README.md has {lines} lines: move the detail to docs/ (about 150-250)"


def test_the_configuration_table_lists_every_variable_the_settings_read():
    """docs/operations.md is where an operator looks a variable up: each one that the settings or
    the clock read from the environment has a row there."""
    read = set()
    for module in ["revocation/settings.py", "shared/clock.py"]:
        source = (ROOT / module).read_text()
        read |= set(
            re.findall(
                r"(?:environ\.get|environ\[|getenv|env_bool|env_list)\(?\s*\"([A-Z][A-Z0-9_]+)\"",
                source,
            )
        )
    read.add("DATABASE_URL")  # read by dj_database_url.config()
    assert len(read) > 30, sorted(read)  # the pattern found the settings' variables
    table = (ROOT / "docs" / "operations.md").read_text()
    rows = "\n".join(line for line in table.splitlines() if line.startswith("| `"))
    missing = sorted(name for name in read if f"`{name}`" not in rows)
    assert not missing, f"docs/operations.md has no row for {missing}"
