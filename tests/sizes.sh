#!/bin/sh
# sizes.sh: the house limits on the sources (STYLE.md, issue 30): no file
# over 700 lines, no function over 60 (from its name's line to its closing
# brace, as universal-ctags' line: and end: fields give them).
#
#   tests/sizes.sh [FILE ...]        (default: every .c and .h under src/)
#
# Prints each file or function past its limit, then the largest file and
# the longest function; exits 1 if anything is past its limit.  Run from
# the top of the tree (tests/kit.sh does).
MAX_FILE=700
MAX_FUNCTION=60
[ $# -gt 0 ] || set -- $(find src -name '*.[ch]' | sort)
ctags --version 2>/dev/null | grep -q 'Universal Ctags' || {
	echo "sizes.sh: universal-ctags is needed (tests/deps.sh)" >&2
	exit 2
}
{
	wc -l "$@" | awk '$2 != "total" { print "file", $1, $2 }'
	ctags -f - --language-force=C --kinds-C=f --fields=+ne "$@" |
	    awk -F'\t' '{ l = e = 0
		for (i = 4; i <= NF; i++) {
			if ($i ~ /^line:/) l = substr($i, 6)
			if ($i ~ /^end:/) e = substr($i, 5)
		}
		print "function", e - l + 1, $2 ":" l ":" $1 }'
} | awk -v maxfile=$MAX_FILE -v maxfn=$MAX_FUNCTION '
	$1 == "file" && $2 > maxfile { print $3 ": " $2 " lines, over " maxfile; bad = 1 }
	$1 == "function" && $2 > maxfn { print $3 ": " $2 " lines, over " maxfn; bad = 1 }
	$1 == "file" && $2 > bigfile { bigfile = $2; bigname = $3 }
	$1 == "function" && $2 > bigfn { bigfn = $2; fnname = $3 }
	END {
		print "# largest file: " bigname ", " bigfile " lines"
		print "# longest function: " fnname ", " bigfn " lines"
		exit bad
	}'
