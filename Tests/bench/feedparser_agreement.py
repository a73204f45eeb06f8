#!/usr/bin/env python3
"""How often cs-normalize's records agree with Python feedparser's entries, field by field.

    Tests/bench/feedparser_agreement.py --cs-normalize .build/debug/cs-normalize DIR [DIR...]

Every file under each DIR (recursively) is read by feedparser and by cs-normalize. Documents where
feedparser finds no entries are counted apart (feedparser's own test suite checks one feed-level property
in many of them). For the others, entry N of feedparser is paired with record N of cs (both keep document
order) and each field is compared after normalising what is only a representation difference:
  id         entry.id                     record.id
  title      entry.title (as text)        record.title
  link       entry.link                   record.url
  published  entry.published_parsed       record.published   (RFC 3339 UTC, to the second)
  updated    entry.updated_parsed         record.modified
  tags       term (else label) of tags    record.tags        (canonical form, as a set)
  authors    entry.authors (name, email)  record.authors     (in order; empty ones dropped)
  summary    entry.summary (as text)      record.summary
  content    entry.content[0] (as text)   record.content_text
Text is compared with HTML markup dropped, entities decoded and whitespace removed. A field counts
when either side has a value, except where cs fills a value by a rule of its own that docs/record.md
states (an id made from the link, a dc:date taken as published too, a body taken from the description):
those are counted under "by rule" and listed as such, not as disagreements.

The report gives agreement per field and overall, the documents feedparser reads with entries that cs
gives no record for, and the first disagreements (--list N) with the file and both values.
"""
import argparse
import calendar
import html
import html.parser
import json
import os
import re
import subprocess
import sys
import time
import warnings

import feedparser

FIELDS = ["id", "title", "link", "published", "updated", "tags", "authors", "summary", "content"]
# The content types feedparser gives HTML (and XHTML) text; a decoded application/octet-stream is text.
HTML_TYPES = ("text/html", "application/xhtml+xml")


class _TextOf(html.parser.HTMLParser):
    """The text of an HTML fragment: markup dropped, entities decoded, scripts and styles left out.
    As cs reads text (`body_only`), the document head and an SVG's title are left out too."""

    def __init__(self, body_only=False):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip = 0
        self.skipped = ("script", "style", "head") if body_only else ("script", "style")
        self.body_only = body_only
        self.svg = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.skipped or (tag == "title" and self.svg):
            self.skip += 1
        if tag == "svg" and self.body_only:
            self.svg += 1

    def handle_endtag(self, tag):
        if (tag in self.skipped or (tag == "title" and self.svg)) and self.skip:
            self.skip -= 1
        if tag == "svg" and self.svg:
            self.svg -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def text_of(value, is_html=True, body_only=False):
    """Comparable text: markup dropped and entities decoded (when it is HTML), no whitespace at all."""
    if value is None:
        return None
    if is_html and ("<" in value or "&" in value):
        parser = _TextOf(body_only)
        parser.feed(value)
        parser.close()
        value = html.unescape("".join(parser.parts))
    value = re.sub(r"\s+", "", value.replace("\u00a0", " "))
    return value or None


def canonical_tag(tag):
    return re.sub(r"[\s_]+", "-", tag.strip().lower())


def rfc3339(parsed):
    if parsed is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(parsed)))


def fp_fields(entry):
    """feedparser's entry as comparable values (None when absent)."""
    get = lambda k: dict.get(entry, k)   # FeedParserDict's fallbacks (updated -> published) bypassed
    def detail_is_html(key):
        detail = dict.get(entry, key + "_detail") or {}
        return detail.get("type", "text/html") in HTML_TYPES
    title = get("title")
    content = get("content")
    tags = [(t.get("term") or t.get("label") or "") for t in (get("tags") or [])]
    tags = sorted({canonical_tag(text_of_plain(t)) for t in tags if text_of_plain(t)})
    authors = []
    for a in get("authors") or []:
        name = (a.get("name") or "").strip() or None
        email = (a.get("email") or "").strip() or None
        if name or email:
            authors.append((name, email))
    return {
        "id": (get("id") or "").strip() or None,
        "title": text_of(title, detail_is_html("title")),
        "link": (get("link") or "").strip() or None,
        "published": rfc3339(get("published_parsed")),
        "updated": rfc3339(get("updated_parsed")),
        "tags": tags or None,
        "authors": authors or None,
        "summary": text_of(get("summary"), detail_is_html("summary")),
        "content": text_of(content[0].get("value"), content[0].get("type") in HTML_TYPES) if content else None,
    }


def text_of_plain(value):
    """A tag's text: markup dropped, whitespace kept (tags are compared in canonical form)."""
    if value is None:
        return ""
    if "<" in value or "&" in value:
        parser = _TextOf()
        parser.feed(value)
        parser.close()
        value = html.unescape("".join(parser.parts))
    return value.strip()


def cs_fields(record):
    authors = []
    for a in record.get("authors") or []:
        name = (a.get("name") or "").strip() or None
        email = (a.get("email") or "").strip() or None
        if name or email:
            authors.append((name, email))
    # cs's title, summary and content_text are plain text already.
    content = record.get("content_text")
    return {
        "id": record.get("id"),
        "title": text_of(record.get("title"), False),
        "link": record.get("url"),
        "published": record.get("published"),
        "updated": record.get("modified"),
        "tags": sorted({canonical_tag(t) for t in record.get("tags") or []}) or None,
        "authors": authors or None,
        "summary": text_of(record.get("summary"), False),
        "content": text_of(content, False),
    }


def person(a):
    name = (a.get("name") or "").strip() or None
    email = (a.get("email") or "").strip() or None
    return (name, email) if name or email else None


def unsanitized(path, index, field):
    """The entry's field as the feed wrote it (feedparser without its HTML sanitizer), and whether it is HTML."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        entries = feedparser.parse(path, sanitize_html=False).entries
    entry = entries[index] if index < len(entries) else {}
    if field == "content":
        content = dict.get(entry, "content")
        return (content[0].get("value"), content[0].get("type") in HTML_TYPES) if content else (None, False)
    detail = dict.get(entry, field + "_detail") or {}
    return dict.get(entry, field), detail.get("type", "text/html") in HTML_TYPES


def by_rule(field, fp, cs, entry, feed=None, path=None, index=0):
    """Why cs's value differs by a rule docs/record.md states, or None."""
    if field == "id" and fp["id"] is None:
        return "id from the link or a hash (cs's id is never null)"
    if field == "published" and fp["published"] is None and cs["published"] is not None \
            and cs["published"] == fp["updated"]:
        return "one date serves as published too (dc:date, updated)"
    if field == "updated" and fp["updated"] is None and cs["updated"] is not None \
            and cs["updated"] == fp["published"]:
        return "one date serves as modified too (dc:date)"
    if field == "content" and fp["content"] is None and cs["content"] is not None \
            and cs["content"] in (fp["summary"], cs["summary"]):
        return "the description is the body when there is no other"
    if field == "link" and fp["link"] is None and cs["link"] is not None:
        return "a permalink guid or web-URL id as url"
    if field == "link" and cs["link"] is None and fp["link"] == fp["id"] \
            and not re.match(r"https?://", fp["link"] or "", re.I):
        return "an id that is no http(s) URL is no url (feedparser takes any id as the link)"
    if field == "published" and fp["published"] is None and cs["published"] is not None \
            and cs["published"] == rfc3339(dict.get(entry, "created_parsed")):
        return "created (Atom 0.3, dcterms:created) as published when there is no other"
    if field == "summary" and cs["summary"] is None and fp["summary"] is not None \
            and fp["summary"] in (fp["content"], cs["content"]):
        return "no summary when the feed gives none (feedparser copies the body)"
    if field in ("title", "summary") and cs[field] is not None and text_of(dict.get(entry, field), True) == cs[field]:
        return "markup in a text title or summary read as HTML (a decoded base64 text, an escaped tag)"
    content = dict.get(entry, "content")
    if field == "summary" and cs["summary"] is None and content and dict.get(entry, "summary") == content[0].get("value"):
        return "no summary when the feed gives none (feedparser copies the body, here as HTML)"
    if field == "authors" and fp["authors"] is None and feed is not None and cs["authors"] \
            and cs["authors"] == [p for p in map(person, dict.get(feed, "authors") or []) if p]:
        return "an Atom entry without an author has the feed's (RFC 4287 section 4.2.1)"
    if field == "link" and fp["link"] is not None:
        links = dict.get(entry, "links") or []
        enclosure = any(l.get("rel") == "enclosure" and l.get("href") == fp["link"] for l in links)
        if enclosure and (cs["link"] is None or any(l.get("rel") == "alternate" and l.get("href") == cs["link"] for l in links)):
            return "a link with rel=\"enclosure\" is never the item's link"
    if field in ("title", "summary", "content") and path is not None:
        value, is_html = unsanitized(path, index, field)
        if is_html and value is not None and text_of(value, True, body_only=True) == cs[field]:
            return "the head, scripts, styles and an SVG's title are no text (feedparser's sanitizer keeps some)"
    return None


def run_cs(binary, path, base_url):
    argv = [binary]
    if base_url:
        argv += ["--base-url", base_url]
    argv.append(path)
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    records = []
    for line in proc.stdout.splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            pass
    return records, proc.returncode, proc.stderr.decode("utf-8", "replace")


def feed_files(dirs):
    for d in dirs:
        if os.path.isfile(d):
            yield d
            continue
        for root, subdirs, files in os.walk(d):
            subdirs.sort()
            for name in sorted(files):
                if not name.startswith("."):
                    yield os.path.join(root, name)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", help="directories (or files) of feed documents")
    ap.add_argument("--cs-normalize", required=True, help="the cs-normalize executable")
    ap.add_argument("--list", type=int, default=40, help="disagreements to list (default 40)")
    ap.add_argument("--field", help="list disagreements of this field only")
    ap.add_argument("--json", help="also write the figures as JSON to this file")
    args = ap.parse_args()

    agree = {f: 0 for f in FIELDS}
    counted = {f: 0 for f in FIELDS}
    ruled = {f: 0 for f in FIELDS}
    disagreements = []
    zero_records = []
    documents = with_entries = without_entries = 0
    for path in feed_files(args.dirs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = feedparser.parse(path)
        documents += 1
        entries = parsed.entries
        if not entries:
            without_entries += 1
            continue
        with_entries += 1
        records, status, stderr = run_cs(args.cs_normalize, path, None)
        if not records:
            zero_records.append((path, status, stderr.strip().splitlines()[-1:] or [""]))
        for i, entry in enumerate(entries):
            fp = fp_fields(entry)
            cs = cs_fields(records[i]) if i < len(records) else {f: None for f in FIELDS}
            for field in FIELDS:
                if fp[field] is None and cs[field] is None:
                    continue
                if fp[field] == cs[field]:
                    counted[field] += 1
                    agree[field] += 1
                elif i < len(records) and by_rule(field, fp, cs, entry, parsed.feed, path, i):
                    ruled[field] += 1
                else:
                    counted[field] += 1
                    disagreements.append((field, path, i, fp[field], cs[field]))

    total_counted = sum(counted.values())
    total_agree = sum(agree.values())
    print(f"documents: {documents}; with entries (feedparser): {with_entries}; without: {without_entries}")
    print(f"{'field':<10} {'agree':>7} {'counted':>8} {'rate':>7} {'by rule':>8}")
    for f in FIELDS:
        rate = 100.0 * agree[f] / counted[f] if counted[f] else 100.0
        print(f"{f:<10} {agree[f]:>7} {counted[f]:>8} {rate:>6.1f}% {ruled[f]:>8}")
    overall = 100.0 * total_agree / total_counted if total_counted else 100.0
    print(f"{'overall':<10} {total_agree:>7} {total_counted:>8} {overall:>6.1f}% {sum(ruled.values()):>8}")
    print(f"documents with entries that cs gives no record for: {len(zero_records)}")
    for path, status, last in zero_records:
        print(f"  {path} (exit {status}) {last[0]}")
    shown = [d for d in disagreements if not args.field or d[0] == args.field]
    if shown and args.list:
        print(f"disagreements ({len(shown)}; first {min(args.list, len(shown))}):")
        for field, path, i, fpv, csv in shown[:args.list]:
            print(f"  {field} {path} [{i}]\n    feedparser: {fpv!r}\n    cs:         {csv!r}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"documents": documents, "with_entries": with_entries, "zero_records": [z[0] for z in zero_records],
                       "fields": {k: {"agree": agree[k], "counted": counted[k], "by_rule": ruled[k]} for k in FIELDS},
                       "overall": overall}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
