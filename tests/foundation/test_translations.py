"""The English interface: every string in the code has a checked English translation, the compiled
catalog is the one the .po says, and a page switched to English shows no Chinese in its own words."""
from __future__ import annotations

import pathlib
import re
from html.parser import HTMLParser

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).resolve().parents[2]
CATALOG_DIR = ROOT / "tracker" / "translations" / "en" / "LC_MESSAGES"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# The elements whose text is the page's own wording (not the user's data): layout, headings, controls.
CHROME_TAGS = {"header", "nav", "footer", "h1", "h2", "h3", "th", "label", "button", "legend"}


@pytest.fixture(scope="module")
def code_messages() -> dict[str, list[str]]:
    """Every translatable msgid in the code, as `pybabel extract -F babel.cfg -k _l` finds it, with where."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={**DEFAULT_KEYWORDS, "_l": None}
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def catalog():
    with open(CATALOG_DIR / "messages.po", "rb") as po:
        return read_po(po)


def _strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_string_in_the_code_has_a_checked_english_translation(code_messages, catalog):
    assert len(code_messages) > 300
    missing = []
    for msgid, where in sorted(code_messages.items()):
        message = catalog.get(msgid)
        if message is None or message.fuzzy or not all(_strings(message)):
            state = "absent" if message is None else "fuzzy" if message.fuzzy else "untranslated"
            missing.append(f"{where[0]} {state}: {msgid}")
    assert not missing, f"{len(missing)} strings lack English:\n" + "\n".join(missing[:40])


def test_translations_keep_every_placeholder(catalog):
    wrong = [
        (message.id, text)
        for message in catalog
        if message.id
        for text in _strings(message)
        if text and sorted(PLACEHOLDER.findall(str(message.id))) != sorted(PLACEHOLDER.findall(text))
    ]
    assert not wrong
    assert catalog.get("第 %(page)s / %(pages)s 页").string == "Page %(page)s of %(pages)s"


def test_english_translations_contain_no_chinese_words(catalog):
    """Chinese inside an English string is allowed only where it is data the user must type or recognise."""
    allowed = {"休", "班", "、", "督查通报〔2025〕3号", "发改委", "发展改革委", "发展和改革委员会", "苏南五市", "各县区政府"}
    leftovers = []
    for message in catalog:
        for text in _strings(message) if message.id else ():
            rest = text
            for word in sorted(allowed, key=len, reverse=True):
                rest = rest.replace(word, "")
            if HAN.search(rest):
                leftovers.append((message.id, text))
    assert not leftovers


def test_compiled_catalog_is_up_to_date(catalog):
    """The app reads the .mo: a .po edited but not compiled would leave the pages in Chinese."""
    with open(CATALOG_DIR / "messages.mo", "rb") as mo:
        compiled = read_mo(mo)
    stale = [message.id for message in catalog
             if message.id and message.string and compiled.get(message.id) is None
             or message.id and message.string and compiled.get(message.id).string != message.string]
    assert not stale, f"run pybabel compile -d tracker/translations; stale: {stale[:10]}"


class _ChromeText(HTMLParser):
    """The text inside CHROME_TAGS, leaving out the language switch (it names the other language)."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.skip_depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"input", "meta", "link", "br", "img", "hr"}:
            return
        self.stack.append(tag)
        if self.skip_depth or dict(attrs).get("data-testid") == "switch-language":
            self.skip_depth += 1

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
            self.skip_depth = max(self.skip_depth - 1, 0) if self.skip_depth else 0

    def handle_data(self, data):
        if not self.skip_depth and CHROME_TAGS.intersection(self.stack) and data.strip():
            self.parts.append(data.strip())


def chrome_text(html: str, *user_data: str) -> str:
    parser = _ChromeText()
    parser.feed(html)
    text = " | ".join(parser.parts)
    for value in user_data:
        text = text.replace(value, "")
    return text


def english_page(client, url: str) -> str:
    assert client.post_form("/language/en", {"next": url}).status_code == 302
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="en"' in html
    return html


def test_login_page_in_english_has_no_chinese(client):
    html = english_page(client, "/login")
    text = chrome_text(html)
    assert "Log in" in text and "Supervision Tracker" in text
    assert not HAN.findall(text), text
    assert "中文" in html  # the switch back is still offered


@pytest.mark.parametrize("url", ["/", "/plans/", "/tasks/", "/tasks/lights", "/tasks/coordination", "/inbox/policies", "/inbox/webhooks", "/inbox/deliveries", "/inbox/preferences", "/inbox/"])
def test_office_pages_in_english_have_no_chinese_in_their_layout(login_as, make, url):
    office = make.user("office", roles=["office"], name="Office Wang")
    make.task(make.plan("测试方案"), lead=make.department("市科技局"))
    client = login_as(office)
    text = chrome_text(english_page(client, url), "测试方案", "市科技局")
    assert "Log out" in text and "Messages" in text
    assert not HAN.findall(text), text


def test_liaison_home_in_english_has_no_chinese_in_their_layout(login_as, make):
    department = make.department("市科技局")
    plan = make.plan("测试方案")
    task = make.task(plan, lead=department, title="培育高新技术企业")
    make.period(plan)
    make.milestone(task)
    client = login_as(make.liaison(department, "liaison", name="Li Lian"))
    text = chrome_text(english_page(client, "/"), "市科技局", "测试方案", "培育高新技术企业")
    assert "My items" in text and "Acknowledge all" in text
    assert not HAN.findall(text), text
