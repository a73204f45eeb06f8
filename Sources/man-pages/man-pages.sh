#!/bin/sh
# Writes a man page for each cs executable into OUTDIR, from the command's own definitions
# (swift-argument-parser's generate-manual), then tidies what that tool gets wrong for mandoc:
# a SYNOPSIS "subcommand" for commands that have none, blank lines and several sentences on one
# text line (mandoc -T lint warns about both).
#   Sources/man-pages/man-pages.sh BINDIR GENERATE_MANUAL OUTDIR [COMMAND...]
set -eu
bin=$1 tool=$2 out=$3
shift 3
[ $# -gt 0 ] || set -- cs cs-fetch cs-normalize cs-enrich cs-filter cs-sink
mkdir -p "$out"
for command in "$@"; do
  "$tool" "$bin/$command" --output-directory "$out"
  page="$out/$command.1"
  # Subcommands are listed as ".It Em NAME" (help is added to every command); without one, SYNOPSIS
  # must not promise one.
  if grep '^\.It Em ' "$page" | grep -qv '^\.It Em help$'; then subcommands=1; else subcommands=0; fi
  awk -v subcommands="$subcommands" '
    /^\.Bd / { display = 1 } /^\.Ed/ { display = 0 }
    subcommands == 0 && $0 == ".Ar subcommand" { next }
    # A blank line (or .Pp) is a paragraph break, kept only when text follows (mandoc warns about .Pp before .It).
    !display && (/^$/ || $0 == ".Pp") { paragraph = 1; next }
    paragraph { paragraph = 0; if (!/^\./) print ".Pp" }
    display || /^\./ { print; next }
    /^[ \t]/ { print; next }          # an indented example line stays as it is
    {
      line = $0
      # One sentence per line: break after ". " (and "? ", "! ") followed by more text.
      while (match(line, /[.?!] +[^ ]/)) {
        print substr(line, 1, RSTART)
        line = substr(line, RSTART + RLENGTH - 1)
      }
      print line
    }' "$page" > "$page.tmp"
  mv "$page.tmp" "$page"
done
