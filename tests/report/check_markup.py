#!/usr/bin/env python3
"""Checks the markup under FOLDER: every .svg parses as XML with an <svg> root in the SVG
namespace; every .html parses with html.parser with balanced tags, uses no scripts, external
style sheets or network addresses, and links only to files that exist (and anchors that exist).

Usage: check_markup.py FOLDER     prints one OK/FAIL line per file; exit status 1 on any failure.
"""
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Balance(HTMLParser):
    """Tracks open elements; records mismatches, links and ids."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.links, self.ids = [], [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.problems.append(f"line {self.getpos()[0]}: <script>")
        if tag == "link" and "stylesheet" in (attrs.get("rel") or ""):
            self.problems.append(f"line {self.getpos()[0]}: external style sheet")
        for name in ("src", "href"):
            if attrs.get(name) is not None:
                self.links.append((self.getpos()[0], attrs[name]))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            opened = self.stack[-1] if self.stack else None
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes {opened}")
            return
        self.stack.pop()


def check_html(path):
    text = path.read_text(encoding="utf-8")
    if not text.lstrip().lower().startswith("<!doctype html>"):
        return ["no <!DOCTYPE html>"]
    parser = Balance()
    parser.feed(text)
    parser.close()
    problems = parser.problems + [f"<{tag}> from line {line} never closed" for tag, line in parser.stack]
    if re.search(r"@import|url\(\s*['\"]?(https?:)?//", text):
        problems.append("the style sheet loads something from outside")
    for line, link in parser.links:
        if re.match(r"^([a-z]+:|//)", link, re.I) and not link.startswith("data:"):
            problems.append(f"line {line}: external reference {link}")
        elif link.startswith("#"):
            if link[1:] not in parser.ids:
                problems.append(f"line {line}: no element with id {link[1:]}")
        elif not link.startswith("data:") and not (path.parent / unquote(link.split("#")[0])).is_file():
            problems.append(f"line {line}: {link} does not exist")
    return problems


def check_svg(path):
    root = ET.parse(path).getroot()
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        return [f"root element is {root.tag}, expected svg in the SVG namespace"]
    return []


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    folder = Path(sys.argv[1])
    files = sorted(list(folder.rglob("*.svg")) + list(folder.rglob("*.html")))
    if not any(f.suffix == ".html" for f in files):
        print(f"FAIL no HTML file under {folder}")
        sys.exit(1)
    failures = 0
    for path in files:
        try:
            problems = check_svg(path) if path.suffix == ".svg" else check_html(path)
        except Exception as error:  # a parse error is a failure, not a crash
            problems = [f"does not parse: {error}"]
        failures += bool(problems)
        print(f"FAIL {path}: " + "; ".join(problems) if problems else f"OK   {path}")
    print(f"{len(files) - failures} of {len(files)} markup files are well formed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
