#!/usr/bin/env python3
"""Writes the hand-made seed inputs of Tests/fuzz/corpus/<target>/ (run once; the files are committed).
Inputs that once found a bug are committed next to them as crash-<what>."""
import os, shutil, sys

root = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(root))
corpus = os.path.join(root, "corpus")

def put(target, name, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

# --- feed ---------------------------------------------------------------------------------------
for n in sorted(os.listdir(os.path.join(repo, "examples/feeds"))):
    put("feed", n, open(os.path.join(repo, "examples/feeds", n), "rb").read())
rss = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Sec</title><link>https://sec.example/</link>
<item><title>CVE-2024-3400 &amp; friends</title><link>/a/1</link><guid isPermaLink="false">a1</guid>
<pubDate>Tue, 22 Apr 2026 18:43:05 +0200</pubDate><category domain="severity">High</category>
<category domain="type">vulnerability</category><category>Ransomware</category><dc:creator>Ann</dc:creator>
<description>&lt;p&gt;Short&lt;/p&gt;</description><content:encoded><![CDATA[<h2>Impact</h2><p>Bad&nbsp;things</p><script>x()</script>]]></content:encoded>
<x:custom xmlns:x="urn:x">kept</x:custom></item>
<item><title>No guid</title><link>https://sec.example/b</link><pubDate>22 Apr 26 18:43 EST</pubDate></item>
</channel></rss>
"""
put("feed", "rss20.xml", rss)
put("feed", "rss091.xml", """<rss version="0.91"><channel><title>t</title><item><title>i</title><link>http://x/</link><description>d</description></item></channel></rss>""")
put("feed", "rdf.xml", """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://x/"><title>RDF</title><link>http://x/</link></channel>
<item rdf:about="http://x/1"><title>One</title><link>http://x/1</link><dc:date>2026-04-22T18:43:05+01:00</dc:date><dc:subject>phishing</dc:subject></item>
</rdf:RDF>""")
put("feed", "atom10.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/base/">
<title type="html">A &amp;lt;b&amp;gt;</title><id>urn:f</id><updated>2026-04-22T18:43:05Z</updated>
<entry><id>urn:e1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><b>Bold</b> title</div></title>
<link rel="alternate" href="e/1"/><updated>2026-04-22T18:43:05.123-05:00</updated><published>2026-04</published>
<author><name>Bo</name><email>b@a.example</email></author><category term="malware" scheme="s"/>
<content type="html">&lt;p&gt;See &lt;a href="x"&gt;x&lt;/a&gt;&lt;/p&gt;</content><summary>s</summary></entry>
<entry xml:base="/other/"><id>urn:e2</id><title>B64</title><content type="application/octet-stream">aGVsbG8=</content></entry>
</feed>""")
put("feed", "atom03.xml", """<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title>
<entry><title>e</title><id>tag:x,2004:1</id><issued>2004-01-01T00:00:00Z</issued><modified>2004-01-02T00:00:00Z</modified>
<content type="text/html" mode="escaped">&lt;b&gt;x&lt;/b&gt;</content></entry></feed>""")
put("feed", "jsonfeed11.json", """{"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"https://j.example/","feed_url":"https://j.example/feed.json",
"items":[{"id":"1","url":"https://j.example/1","title":"T","content_html":"<p>Hi &amp; bye</p>","date_published":"2026-04-22T18:43:05+02:00",
"tags":["Phishing","phishing"],"_cs_severities":["high","low"],"_cs_cves":["CVE-2024-1"],"_cs_exploited":true,"authors":[{"name":"A","url":"u"}],"_x":{"k":[1]}},
{"id":2,"content_text":"plain","date_modified":"bogus"},{"title":"no id"}]}""")
put("feed", "jsonfeed10.json", """{"version":"https://jsonfeed.org/version/1","title":"J1","items":[{"id":"a","summary":"s","author":{"name":"x"},"date_published":"2026-01-01"}]}""")
put("feed", "json-not-feed.json", """{"a":1}""")
put("feed", "json-items-wrong.json", """{"version":"https://jsonfeed.org/version/1.1","items":[1,"x",null,{"id":null,"title":[],"tags":"t","_cs_severities":"high"}]}""")
put("feed", "billion-laughs.xml", """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>
<rss version="2.0"><channel><title>&h;</title><item><title>&h;</title></item></channel></rss>""")
put("feed", "external-entity.xml", """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]>
<rss version="2.0"><channel><item><title>&xxe;</title><guid>x</guid></item></channel></rss>""")
put("feed", "truncated.xml", rss[: len(rss) * 2 // 3])
put("feed", "truncated.json", open(os.path.join(repo, "examples/feeds/advisories.feed.json"), "rb").read()[:1500])
put("feed", "utf16le-bom.xml", b"\xff\xfe" + rss.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16-le"))
put("feed", "utf16be-nobom.xml", rss.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16-be"))
put("feed", "latin1-declared-utf8.xml", rss.replace("Bad", "Caf\u00e9 \u00a3").encode("latin-1", "replace"))
put("feed", "cp1252.xml", rss.replace('encoding="utf-8"', 'encoding="windows-1252"').replace("Bad", "\u201cquoted\u201d \u20ac").encode("cp1252"))
# Legacy multi-byte encodings (converted by cs with iconv), each with bytes the encoding does not define.
def legacy(enc, text, tail):
    return (('<?xml version="1.0" encoding="%s"?>\n<rss version="2.0"><channel><title>t</title>\n' % enc).encode()
            + b"<item><guid>a</guid><title>" + text + tail + b"</title><description>" + text + b"</description></item>\n"
            + b"<item><guid>b</guid><title>two</title></item></channel></rss>\n")
put("feed", "shiftjis.xml", legacy("Shift_JIS", "\u65e5\u672c\u8a9e \u30cb\u30e5\u30fc\u30b9".encode("shift_jis"), b"\x81\xff"))
put("feed", "iso2022jp.xml", legacy("ISO-2022-JP", "\u65e5\u672c\u8a9e".encode("iso-2022-jp"), b"\x1b$B\x46"))
put("feed", "gb18030.xml", legacy("GB2312", "\u4e2d\u6587\u65b0\u95fb".encode("gb18030"), b""))
put("feed", "koi8r.xml", legacy("KOI8-R", "\u041f\u0440\u0438\u0432\u0435\u0442".encode("koi8-r"), b""))
put("feed", "invalid-utf8.json", b'{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"\xff\xfe\xc3","title":"\xed\xa0\x80"}]}')
put("feed", "broken-xml.xml", """<rss version="2.0"><channel><item><title>a & b &nbsp; \x01 <b>unclosed</title><link>javascript:alert(1)</link><pubDate>Mon, 32 Foo 99999 99:99:99 +9999</pubDate></item><item><title>two""")
put("feed", "deep-nesting.xml", "<rss><channel><item>" + "<x>" * 300 + "</item></channel></rss>")
put("feed", "empty.xml", "")
put("feed", "not-a-feed.html", "<html><body><p>hi</p></body></html>")

# --- scanner ------------------------------------------------------------------------------------
scan = {
    "record.json": '{"schema":"cs.advisory/1","id":"a","title":"T\\u00e9\\ud83d\\ude00\\n","tags":["x"],"n":-1.5e+10,"o":{"k":[true,false,null]}}',
    "empty-object.json": "{}",
    "spaces.json": ' \t{ "a" : "b" , "c":[ ] }\r\n',
    "dup-key.json": '{"a":"1","a":"2"}',
    "escapes.json": '{"e":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041"}',
    "nul-escape.json": '{"z":"a\\u0000b"}',
    "lone-surrogate.json": '{"s":"\\ud800"}',
    "big-int.json": '{"n":123456789012345678901234567890}',
    "big-real.json": '{"n":1e400}',
    "leading-zero.json": '{"n":01}',
    "trailing-comma.json": '{"a":1,}',
    "array-top.json": "[1,2]",
    "string-top.json": '"x"',
    "two-objects.json": "{}{}",
    "control-char.json": '{"a":"\x01"}',
    "utf8-bad.json": b'{"a":"\xc3\x28"}',
    "utf8-overlong.json": b'{"a":"\xc0\xaf"}',
    "key-escape.json": '{"\\u0061":"x","a\\u0000":"y"}',
    "truncated.json": '{"a":"b',
    "deep.json": '{"a":' + "[" * 100 + "]" * 100 + "}",
    "numbers.json": '{"a":-0,"b":0.5,"c":1E5,"d":-1e-5,"e":[0,1,2]}',
    "bad-numbers.json": '{"a":-}',
    "literals.json": '{"a":tru}',
    "bom.json": b'\xef\xbb\xbf{"a":"b"}',
}
for n, d in scan.items():
    put("scanner", n, d)

# --- where --------------------------------------------------------------------------------------
wheres = [
    "severity == high", "severity >= medium and exploited", "not (tags has phishing)", "title =~ \"(?i)pass.*spray\"",
    "cves has CVE-2024-1234 || attack.techniques.id has T1110.003", "n > 3", "n <= 3.5 or x.y", "published >= 2026-01-01",
    "title != null", "sections.impact", "title !~ '^P'", "!exploited", "((severity == 'high'))",
    "attack.tactics.name == \"Credential Access\"", "source.format == rss-2.0 && severity < critical", "x.y has 2",
    "severity == high\n{\"schema\":\"cs.advisory/1\",\"severity\":\"high\",\"tags\":[\"a\",\"b\"]}",
    "tags has b\n{\"tags\":[\"a\",\"b\"],\"n\":1e3}", "title =~ \"[\"", "a ==", "(", "a & b", "title =~ \"(a|b)*c{2,3}\\\\1\"",
]
for i, w in enumerate(wheres):
    put("where", "expr-%02d.txt" % i, w)

# --- pipeline -----------------------------------------------------------------------------------
pdir = os.path.join(repo, "pipelines")
for n in sorted(os.listdir(pdir)):
    put("pipeline", n, open(os.path.join(pdir, n), "rb").read())
pipes = {
    "quotes.cs": "fetch 'a b' \"c $SEV d\" e\\ f\nnormalize\n",
    "vars.cs": "fetch ${FEEDS}\nfilter --sev ${SEV:-low} ${UNSET:-x y}\nsink ${OUT}\n",
    "var-error.cs": "sink ${MISSING:?set MISSING}\n",
    "continued.cs": "fetch a \\\n  b \\\n  c\n# comment\n\nenrich # trailing\n",
    "glob.cs": "normalize *.xml\n",
    "unterminated.cs": "fetch 'a\n",
    "bad-brace.cs": "fetch ${A:x}\n",
    "ends-continued.cs": "fetch \\",
    "crlf.cs": "fetch a\r\nsink\r\n",
    "empty.cs": "\n\n# nothing\n",
    "dollar.cs": "fetch $ $$ ${} $1 \"$\"\n",
}
for n, d in pipes.items():
    put("pipeline", n, d)

# --- enrich -------------------------------------------------------------------------------------
texts = {
    "spray.txt": "Password spraying against Entra ID from 203.0.113.7 and 2001:db8::1; see hxxps://evil[.]example/path?q=1",
    "hashes.txt": "md5 d41d8cd98f00b204e9800998ecf8427e sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709 sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "cves.txt": "CVE-2024-3400, cve-2023-12345 and CVE-1999-0001x; T1110.003 T1566 TA0006 G0016 S0002",
    "events.txt": "Event ID 4625 and EventID: 4768, 4769; sigma rule: Suspicious PowerShell Download",
    "domains.txt": "evil.example.com user.id host.name foo.exe a.b.c.d.e.f.g.zip 1.2.3.4.5 256.1.1.1 010.1.1.1",
    "unicode.txt": "Mimikatz \u200b\u00e9 \U0001F600 ﬁle APT29 Cozy Bear golden SAML MFA fatigue DLL side-loading",
    "urls.txt": "https://x.example/a(b)c. http://[2001:db8::1]:8080/x ftp://u:p@h/ hxxp://a[.]b/c",
    "empty.txt": "",
    "tags.txt": "credential_access,phishing,T1059,ransomware",
}
for n, d in texts.items():
    put("enrich", n, d)
