# cs: build, test, run the main job, benchmark, install.
#   make run     the main job on the bundled example feeds (enriched NDJSON in out/run/advisories.ndjson)
#   make test    unit tests and tests of the built executables
#   make unit    unit tests only: no processes, no servers, no CS_BIN_DIR (docs/testing.md)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(DESTDIR)$(PREFIX)/bin
MANDIR := $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR := $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR := $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
# Pipelines and examples where an installed `cs run NAME` finds them (BINDIR/../share/cs); the docs.
SHAREDIR := $(DESTDIR)$(PREFIX)/share/cs
DOCDIR := $(DESTDIR)$(PREFIX)/share/doc/cs
FEEDS ?= examples/feeds/*
NAME ?= high-severity-digest
SHARED ?= ../shared
OUT ?= out
SWIFT ?= swift
RELEASE_FLAGS := -c release --static-swift-stdlib
BIN = $$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)
# swift-argument-parser's man page generator (built by the manual-tool target).
GENERATE_MANUAL = $$($(SWIFT) build --show-bin-path)/generate-manual
STAGES := cs cs-fetch cs-normalize cs-enrich cs-filter cs-sink

# C libraries (pkg-config name = Debian package) and the tools the tests and benchmarks use.
PKGCONFIG_DEPS := jansson:libjansson-dev libcurl:libcurl4-openssl-dev libxml-2.0:libxml2-dev sqlite3:libsqlite3-dev zlib:zlib1g-dev libcrypto:libssl-dev hiredis:libhiredis-dev
TOOL_DEPS := pkg-config:pkg-config jq:jq sqlite3:sqlite3 python3:python3 rsyslogd:rsyslog mandoc:mandoc chromium-headless-shell:chromium-headless-shell convert:imagemagick redis-server:redis-server

.PHONY: all deps build debug test unit run bench install uninstall clean attack-tables attack-model tlds pipeline daily fuzz data manual-tool name-words report-png

all: build

# Installs what is missing, and only that; `apt-get update` runs first on a machine that has no lists yet.
deps:
	@missing=""; \
	for d in $(TOOL_DEPS); do command -v "$${d%%:*}" >/dev/null 2>&1 || missing="$$missing $${d#*:}"; done; \
	for d in $(PKGCONFIG_DEPS); do pkg-config --exists "$${d%%:*}" 2>/dev/null || missing="$$missing $${d#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "deps: run 'sudo apt-get install$$missing' (needs root)"; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@# The schema tests validate every emitted record with Python's jsonschema (from PyPI when missing).
	@python3 -c "import jsonschema" 2>/dev/null || python3 -m pip install -q jsonschema
	@# `make attack-model` trains cs-enrich's technique model with scikit-learn.
	@python3 -c "import sklearn" 2>/dev/null || python3 -m pip install -q scikit-learn
	@# cs-sink's exchange formats are checked by the formats' own tools: OASIS's STIX validator, PyMISP,
	@# mitreattack-python's navlayers (import name mitreattack).
	@python3 -c "import stix2validator" 2>/dev/null || python3 -m pip install -q stix2-validator
	@python3 -c "import pymisp" 2>/dev/null || python3 -m pip install -q pymisp
	@python3 -c "import mitreattack" 2>/dev/null || python3 -m pip install -q mitreattack-python

build: deps
	$(SWIFT) build $(RELEASE_FLAGS)

debug: deps
	$(SWIFT) build

# Unit tests and the behaviour tests, which run the built executables (built by `swift build` first).
test: deps
	$(SWIFT) build
	$(SWIFT) build --product generate-manual
	CS_BIN_DIR="$$($(SWIFT) build --show-bin-path)" $(SWIFT) test

# Unit suites only (`<Module>Tests`): in-process, no built executables, no servers. The process suites
# (`<Module>ProcessTests`, CLITests) are what `make test` adds (docs/testing.md).
UNIT_SKIP := ProcessTests\.|^CLITests\.
unit: deps
	$(SWIFT) test --skip '$(UNIT_SKIP)'

# The main job: the bundled example feeds through normalize, enrich and a severity-sorted table;
# the enriched NDJSON is kept in $(RUN_OUT), a file of its own: `make daily` appends to
# $(OUT)/advisories.ndjson and marks what it appended as seen, so no other job may overwrite that file.
RUN_OUT := $(OUT)/run/advisories.ndjson
run: build
	@mkdir -p "$(dir $(RUN_OUT))"
	@bin="$(BIN)"; \
	"$$bin/cs-normalize" examples/feeds/* | "$$bin/cs-enrich" > "$(RUN_OUT)"; \
	"$$bin/cs-sink" --format table < "$(RUN_OUT)"; \
	echo; echo "$$(wc -l < "$(RUN_OUT)") enriched records in $(RUN_OUT)"

# The same inputs through cs and through the peers (jq, Python feedparser): ratios and peak memory.
bench: build
	@test -x /usr/bin/time || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
	@python3 -c "import feedparser" 2>/dev/null || python3 -m pip install -q feedparser
	@python3 -c "import feedparser_rs" 2>/dev/null || python3 -m pip install -q feedparser-rs
	python3 Tests/bench/bench.py --bin "$(BIN)" --out .build/bench $(BENCH_ARGS)

# cs-enrich's KEV catalog and EPSS scores, fetched conditionally into the data directory it reads by default
# (pipelines/data-update; DATA_DIR overrides).
DATA_DIR ?= $(if $(XDG_DATA_HOME),$(XDG_DATA_HOME),$(HOME)/.local/share)/cs
data: build
	@mkdir -p "$(DATA_DIR)"
	"$(BIN)/cs" run pipelines/data-update DATA_DIR="$(DATA_DIR)"

# Fuzzes every parser with libFuzzer and AddressSanitizer for FUZZ_SECONDS (default 60) each (docs/fuzzing.md).
fuzz: deps
	SWIFT=$(SWIFT) Tests/fuzz/run.sh

# Regenerates the ATT&CK tables from MITRE's data (needs ../shared).
attack-tables:
	$(SWIFT) run attack-tables $(SHARED)/attack/enterprise-attack-18.1.json Sources/CSAttack/ATTACKTables.swift

# Trains cs-enrich's technique model from ATT&CK's own text (needs ../shared; scikit-learn from PyPI when
# missing): Sources/attack-model/technique-model.bin and the golden scores a Swift test checks.
attack-model:
	@python3 -c "import sklearn" 2>/dev/null || python3 -m pip install -q scikit-learn
	python3 Sources/attack-model/train.py $(SHARED)/attack/enterprise-attack-18.1-text.ndjson \
	  --out Sources/attack-model/technique-model.bin --golden Sources/attack-model/golden.ndjson

# Regenerates cs-enrich's TLD table from the Public Suffix List (Debian's publicsuffix package, installed
# when missing; PSL=FILE takes another copy, e.g. a newer one from publicsuffix.org).
PSL ?= /usr/share/publicsuffix/public_suffix_list.dat
tlds:
	@if [ ! -r "$(PSL)" ] && [ "$(PSL)" = /usr/share/publicsuffix/public_suffix_list.dat ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "tlds: run 'sudo apt-get install publicsuffix' (needs root)"; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends publicsuffix >/dev/null; \
	fi
	@source_name=""; \
	if [ "$(PSL)" = /usr/share/publicsuffix/public_suffix_list.dat ]; then \
	  source_name="Debian publicsuffix $$(dpkg-query -W -f='$${Version}' publicsuffix)"; \
	fi; \
	Sources/tld-table/tld-table.sh "$(PSL)" Sources/CSEnrich/TLDTable.swift "$$source_name"

# Regenerates cs-enrich's table of English words that are also ATT&CK group or software names (the words
# a capitalized name at the start of a sentence may be) from a word list: Debian's wamerican, installed when
# missing (only this target needs it); WORDS=FILE takes another list. Run after `make attack-tables`.
WORDS ?= /usr/share/dict/words
name-words:
	@if [ ! -r "$(WORDS)" ] && [ "$(WORDS)" = /usr/share/dict/words ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "name-words: run 'sudo apt-get install wamerican' (needs root)"; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends wamerican >/dev/null; \
	fi
	@source_name="$(notdir $(WORDS))"; \
	if [ "$(WORDS)" = /usr/share/dict/words ]; then \
	  source_name="Debian wamerican $$(dpkg-query -W -f='$${Version}' wamerican)"; \
	fi; \
	Sources/name-words/name-words.sh "$(WORDS)" Sources/CSAttack/ATTACKTables.swift Sources/CSEnrich/NameWordTable.swift "$$source_name"

# Executables, man pages (from each command's own help), shell completions, the pipelines and
# examples (share/cs) and the docs (share/doc/cs) under PREFIX.
# (make -o build -o manual-tool install BIN=DIR GENERATE_MANUAL=TOOL installs what is already built.)
install: build manual-tool
	@bin="$(BIN)"; \
	install -d "$(BINDIR)" "$(MANDIR)" "$(BASHDIR)" "$(ZSHDIR)" "$(FISHDIR)" \
	  "$(SHAREDIR)/pipelines" "$(SHAREDIR)/examples/feeds" "$(SHAREDIR)/examples/plugins" "$(SHAREDIR)/examples/shippers" \
	  "$(SHAREDIR)/examples/psirt" "$(SHAREDIR)/examples/data" \
	  "$(DOCDIR)/schema"; \
	for s in $(STAGES); do install -m 0755 "$$bin/$$s" "$(BINDIR)/$$s"; done; \
	for s in $(STAGES); do \
	  "$$bin/$$s" --generate-completion-script bash > "$(BASHDIR)/$$s"; \
	  "$$bin/$$s" --generate-completion-script zsh > "$(ZSHDIR)/_$$s"; \
	  "$$bin/$$s" --generate-completion-script fish > "$(FISHDIR)/$$s.fish"; \
	done
	install -m 0644 pipelines/* "$(SHAREDIR)/pipelines/"
	install -m 0644 examples/feeds/* "$(SHAREDIR)/examples/feeds/"
	install -m 0755 examples/plugins/* "$(SHAREDIR)/examples/plugins/"
	install -m 0644 examples/shippers/* "$(SHAREDIR)/examples/shippers/"
	install -m 0644 examples/psirt/* "$(SHAREDIR)/examples/psirt/"
	install -m 0644 examples/data/* "$(SHAREDIR)/examples/data/"
	install -m 0644 examples/feeds.txt "$(SHAREDIR)/examples/"
	install -m 0644 Sources/attack-model/technique-model.bin "$(SHAREDIR)/"
	install -m 0644 Sources/attack-model/README.md "$(SHAREDIR)/technique-model.README.md"
	install -m 0644 README.md docs/*.md "$(DOCDIR)/"
	install -m 0644 docs/schema/* "$(DOCDIR)/schema/"
	@# Man pages from each command's own definitions, tidied for mandoc (Sources/man-pages/man-pages.sh).
	@bin="$(BIN)"; Sources/man-pages/man-pages.sh "$$bin" "$(GENERATE_MANUAL)" "$(MANDIR)" $(STAGES)
	@echo "installed $(STAGES) under $(DESTDIR)$(PREFIX)"

manual-tool:
	$(SWIFT) build --product generate-manual >/dev/null

uninstall:
	for s in $(STAGES); do rm -f "$(BINDIR)/$$s" "$(MANDIR)/$$s.1" "$(BASHDIR)/$$s" "$(ZSHDIR)/_$$s" "$(FISHDIR)/$$s.fish"; done
	rm -rf "$(SHAREDIR)" "$(DOCDIR)"

# A named pipeline from pipelines/: make pipeline NAME=entra-id-watch FEEDS='https://… https://…'
pipeline: build
	@mkdir -p $(OUT)
	FEEDS="$(FEEDS)" OUT="$(OUT)" "$(BIN)/cs" run pipelines/$(NAME)

# The incremental daily job (cron): new or changed advisories appended to $(OUT)/advisories.ndjson;
# a second run on unchanged feeds appends nothing. FEEDS may name URLs, files or a feed list.
daily: build
	@mkdir -p $(OUT)
	FEEDS="$(FEEDS)" OUT="$(OUT)" "$(BIN)/cs" run --stats pipelines/ndjson-archive

clean:
	rm -rf .build .build-fuzz $(OUT)

# The README's screenshot (docs/report.png): the HTML report of the bundled examples, rendered by
# headless Chromium, cropped, resized and reduced to 96 colours with ImageMagick to stay small.
report-png: build
	@command -v convert >/dev/null || { echo "report-png: needs ImageMagick's convert (apt-get install imagemagick)"; exit 1; }
	@bin="$(BIN)"; tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	"$$bin/cs-normalize" examples/feeds/* | "$$bin/cs-enrich" | "$$bin/cs-sink" --format html --to "$$tmp/report.html"; \
	chromium-headless-shell --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$$tmp/profile" \
	  --window-size=1280,1500 --screenshot="$$tmp/report.png" "file://$$tmp/report.html" 2>/dev/null; \
	convert "$$tmp/report.png" -crop 1280x1460+0+0 +repage -resize 960x -colors 96 -strip docs/report.png
	@echo "docs/report.png written"
