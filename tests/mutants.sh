#!/bin/bash
# mutants.sh: the suite's own test.  Each mutation below is a small bug
# that a suite must catch (most of them slipped through once, see issue
# 22); each is applied alone to a copy of the tree, built, and the suites
# named beside it are run: they must fail.  A mutation whose text is not
# found exactly once is itself a failure (the code moved: update the list).
# Not in `make check` (a build and a suite per mutant): `make mutants`.
#
# usage: tests/mutants.sh [NAME-SUBSTRING]
. "$(dirname "$0")/lib.sh"

# NAME, FILE, a perl substitution, what must fail (run-all suites, or
# 'sh: COMMAND' run in the mutated tree), separated by tabs.
mutants() {
	cat <<'LIST'
--max-series off by one (< for <=)	src/tally.c	s/\Qif (held + added <= m->max_series)\E/if (held + added < m->max_series)/	unit
--max-series plus one	src/tally.c	s/\Qif (held + added <= m->max_series)\E/if (held + added <= m->max_series + 1)/	unit
--max-series per set, not per output	src/tally.c	s/\Qt->output = output;\E/(void)output;/	golden
an element a row of its first set only	src/scan/scan.c	s/\Qrows &= rows - 1)\E/rows = 0)/	golden
a row of the second set read as the first's	src/scan/scan.c	s/\Qset = &s->sets[s->set_of_bit[__builtin_ctzll(rows)]];\E/set = \&s->sets[0];/	golden
a matcher's step remembered by the name alone	src/scan/scan.c	s/\Q ^\E\s+\Q(parent * 0xc2b2ae3d27d4eb4fULL);\E(.*?)\Q || e->parent != parent) {\E/;$1) {/s	golden
text not heard again once a read ends	src/scan/scan.c	s/\Qs->reading_text > 0 ? on_text : NULL;\E/NULL;/	golden
a date remembered by its length	src/scan/rowread.c	s/\Qmemcmp(f->date_text.data, p, len) != 0) {\E/0) {/	golden
a decimal scaled by a rounded reciprocal	src/xpstream.c	s/\Qv += (double)fraction \/ exact_ten[zeros + places];\E/v += (double)fraction * (1.0 \/ exact_ten[zeros + places]);/	unit
every family linked to the first's group	src/tally.c	s/\Qreturn rows->same[i];\E/return rows->same[0];/	golden
a row's own attribute read past its limit	src/scan/rowread.c	s/\Qif (rs.text[i].len > l->limit) {\E/if (0) {/	golden
only one set's row closed at a depth	src/scan/scan.c	s/\Qwhile (first > 0 && s->rows[first - 1].depth == s->depth)\E/if (first > 0 \&\& s->rows[first - 1].depth == s->depth)/	consistency
another run's sets overwritten under -d	src/run.c	s/\Qfound = foreign_set(c, line, len);\E/found = 0;/	operator
another prefix's file overwritten under -d	src/run.c	s/\Q|| writes_family(c, line, n))\E/|| n != strlen(c->expo.prefix) + 13)/	operator
the temp file's fsync skipped	src/textfile.c	s/\Qif (fsync(fd) == -1)\E/if (0)/	faults
the directory's fsync error ignored	src/textfile.c	s/\Qif (fsync(tf->dir_fd) == -1) {\E/if (fsync(tf->dir_fd) == -1 \&\& 0) {/	faults
rename replaced by a link and an unlink	src/textfile.c	s/\Qif (renameat(tf->dir_fd, pending_temp, tf->dir_fd, tf->base) == -1)\E/if ((unlinkat(tf->dir_fd, tf->base, 0), linkat(tf->dir_fd, pending_temp, tf->dir_fd, tf->base, 0)) == -1 || unlinkat(tf->dir_fd, pending_temp, 0) == -1)/	faults
every rewrite fails	src/textfile.c	s/\Qif (renameat(tf->dir_fd, pending_temp, tf->dir_fd, tf->base) == -1)\E/if (errno = EIO)/	consumers
O_NOFOLLOW dropped from the lock	src/textfile.c	s/\Qfd = openat(tf->dir_fd, name, O_RDONLY | O_CREAT | O_NOFOLLOW |\E/fd = openat(tf->dir_fd, name, O_RDONLY | O_CREAT |/	textfile
a non-regular output replaced	src/textfile.c	s/\Qif (fstatat(tf->dir_fd, tf->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&\E/if (0 \&\&/	textfile
the lock's mode set through a hard link	src/textfile.c	s/\Q&& st.st_nlink == 1 &&\E/\&\&/	security
a root run writes into another user's directory	src/textfile.c	s/\Qif (st.st_uid != 0 || ((st.st_mode\E/if (0 \&\& ((st.st_mode/	security
a root run reads through another user's link	src/trust.c	s/\Qif (geteuid() != 0 || (st->st_mode & S_IROTH) != 0)\E/if (1)/	security
a row's tree unbounded	src/scan/scan.c	s/\Qif (s->tree.held <= SCAN_MAX_ROW_BYTES)\E/if (1)/	security
a backslash not escaped in a label	src/expofmt.c	s/\Q*s != '\\' && *s != '"'\E/*s != '"'/	golden
a leak on the scan path	src/scan/scan.c	s/\n\s+buf_free\(&s->why\);//	sh: make -s build/fuzz/replay-scan >/dev/null 2>&1 && . tests/lib.sh && replay_corpus scan
a run writes series another file holds	src/run.c	s/\Q> 0 && !c->check)\E/> 0 \&\& 0)/	operator
a wrong --rows not said in the journal	src/run.c	s/(warn_journal = )!c->quiet && stderr_is_journal\(\);/${1}0;/	operator
an entity loop left to libxml2	src/entgraph.c	s/\Qif (e-- == 0)\E/if (1)/	golden
the entity budget as loose as before	include/scan.h	s/(define SCAN_ENTITY_FACTOR\s+)4\b/${1}20/	golden
date:seconds() refuses a five-digit year	src/datetime.c	s/\Qif (c->p - first < 4 ||\E/if (c->p - first != 4 ||/	datetime
substring() rounding a half down	src/xpstream.c	s/\Qi = (int)in + (in - floor(in) >= 0.5);\E/i = (int)in + (in - floor(in) > 0.5);/	unit
contains() of an empty string false	src/xpstream.c	s/\Qif (needle == 0)\E(\s+)return 1;/if (needle == 0)${1}return 0;/	unit
count() of the first node only	src/scan/capture.c	s/\Qc->count += l->attr == NULL\E/c->count = l->attr == NULL/	consistency
ancestor::T[k] counted from the outermost	src/scan/capture.c	s/\Qn + 1 - (size_t)def->position;\E/(size_t)def->position;/	consistency
a path compared as a string	src/xplower.c	s/\Qif (is_node_set(x->args[k]))\E\s+return -1;/(void)0;/	unit
an unchanged store judged by its size alone	src/reuse.c	s/\Qsame_time(st.st_mtim, id->mtime) &&\E\s+\Qsame_time(st.st_ctim, id->ctime) &&\E//	resident
SIGTERM waits for a read to end	src/resident.c	s/\Qif (seen || calls++ % 16 != 0)\E/if (1)/	resident
--watch blind to a store replaced by rename	src/resident.c	s/\Q(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM\E/(IN_CLOSE_WRITE | IN_MOVED_FROM/	resident
a change to the store moves the period	src/resident.c	s/\Qif (now >= r->next_run)\E\s+//	resident
the dry run's document freed before its result	src/fieldexpr.c	s/\QxmlXPathFreeObject(res);\E\n\s+\QxmlFreeDoc(doc);\E/xmlFreeDoc(doc);\n\txmlXPathFreeObject(res);/	sh: tests/memory.sh expressions
a value seen twice counted as two distinct	src/survey.c	s/\Qif (lo < f->nsketch && f->sketch[lo] == h)\E/if (0)/	survey
an element path counted once per parent	src/survey.c	s/\Qsp->count++;\E/sp->count += sp->run == 0;/	survey
the survey's guess at a number ten times too small	src/survey.c	s/\Q*d = (double)m \/ tens[fraction];\E/*d = (double)m \/ tens[fraction + 1];/	survey
LIST
}

files=$(cd "$top" && git ls-files)
run_mutant() {	# NAME FILE SUBST WHAT
	local dir="$scratch/m" name=$1 file=$2 subst=$3 what=$4
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$top" && printf '%s\n' $files | tar -cf - -T -) | tar -xf - -C "$dir"
	if ! (cd "$dir" && SUBST="$subst" perl -0pi -e \
	    '$n = eval "$ENV{SUBST}"; die "matched ${\($n || 0)} times\n" if $n != 1' \
	    "$file") 2>"$scratch/perl"; then
		not_ok "$name: the mutation applies ($(cat "$scratch/perl"))"
		return
	fi
	if ! (cd "$dir" && make -s xml2prom build/unit build/genstore >/dev/null 2>&1); then
		not_ok "$name: the mutant builds"
		return
	fi
	case $what in
	"sh: "*) (cd "$dir" && bash -c "${what#sh: }") >"$scratch/out" 2>&1 ;;
	*) (cd "$dir" && tests/run-all $what) >"$scratch/out" 2>&1 ;;
	esac
	local status=$?
	check "$name: caught by ${what}" test $status -ne 0
	[ $status -ne 0 ] || tail -n 3 "$scratch/out"
}

while IFS=$'\t' read -r name file subst what; do
	case $name in *"${1:-}"*) ;; *) continue ;; esac
	start=$(date +%s)
	run_mutant "$name" "$file" "$subst" "$what"
	echo "# $name: $(( $(date +%s) - start ))s"
done < <(mutants)
finish mutants
