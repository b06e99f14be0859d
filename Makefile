# xml2prom: count the rows of an XML store by type for node_exporter.
# `make` builds ./xml2prom; `make check` runs every test (see tests/).

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
UNITDIR		?= $(PREFIX)/lib/systemd/system
SYSCONFDIR	?= /etc
DESTDIR		?=

CC		?= cc
PKG_CONFIG	?= pkg-config
XML_CFLAGS	!= $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2
XML_LIBS	!= $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null || echo -lxml2
Z_LIBS		!= $(PKG_CONFIG) --libs zlib 2>/dev/null || echo -lz
MHD_LIBS	!= $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd
YAML_LIBS	!= $(PKG_CONFIG) --libs yaml-0.1 2>/dev/null || echo -lyaml
TLS_LIBS	!= $(PKG_CONFIG) --libs gnutls 2>/dev/null || echo -lgnutls

CFLAGS		?= -O2 -g
WARNINGS	 = -Wall -Wextra -Wpedantic -Wshadow -Wmissing-prototypes \
		   -Wstrict-prototypes -Wwrite-strings -Wpointer-arith \
		   -Wcast-qual -Wformat=2 -Wundef -Wvla -Wnull-dereference
# libxml2 is included as a system header: its macros (BAD_CAST) cast away const.
CPPFLAGS	+= -D_GNU_SOURCE -Iinclude $(XML_CFLAGS:-I%=-isystem %)
ALL_CFLAGS	 = -std=c11 $(WARNINGS) $(CFLAGS)
LDLIBS		+= $(XML_LIBS) $(Z_LIBS) $(MHD_LIBS) $(TLS_LIBS) $(YAML_LIBS) -lcrypt -lm

LIB_SRCS	 = src/buf.c src/names.c src/datetime.c src/model.c src/tally.c src/across.c \
		   src/rowpath.c src/trust.c src/entgraph.c src/promread.c src/collide.c \
		   src/xmlcompat.c src/xpexpr.c src/xpscope.c src/xplower.c src/xpstream.c src/rowtree.c \
		   src/fieldexpr.c src/xmlerr.c src/input.c src/rowset.c \
		   src/storestop.c src/entities.c src/storeread.c \
		   src/scan/services.c src/scan/plan.c src/scan/capture.c src/scan/rowread.c \
		   src/scan/firstrow.c src/scan/scan.c \
		   src/expofmt.c src/expo.c src/exponames.c src/textfile.c src/dump.c \
		   src/own.c src/optable.c src/options.c \
		   src/optcheck.c src/confread.c src/usage.c \
		   src/run.c src/reuse.c src/runsay.c src/storelist.c src/resident.c \
		   src/survey.c \
		   src/surveyout/fieldkind.c src/surveyout/comment.c src/surveyout/naming.c \
		   src/surveyout/gather.c src/surveyout/propose.c src/surveyout/rank.c \
		   src/surveyout/surveyout.c \
		   src/httproute.c src/httpserve.c src/httpsetup.c src/webconfig.c
LIB_OBJS	 = $(LIB_SRCS:.c=.o)
# The scanner's files (src/scan/) include their private scanner.h from
# beside them, and --survey's printing (src/surveyout/) its surveyout.h;
# only include/ is on the include path.
HEADERS		 = $(wildcard include/*.h) src/scan/scanner.h src/surveyout/surveyout.h \
		   src/scan/plan.h

all: xml2prom

xml2prom: $(LIB_OBJS) src/main.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(LIB_OBJS) src/main.o $(LDLIBS)

src/%.o: src/%.c $(HEADERS)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -c -o $@ $<

# The README's two commands.  Each first installs what it lacks from
# Debian's packages (tests/deps.sh), then builds in a fresh make, so that
# pkg-config is asked after the install.
example:
	@tests/deps.sh build
	@$(MAKE) -s xml2prom
	./xml2prom -o - examples/store.xml

check:
	@tests/deps.sh
	@$(MAKE) -s xml2prom
	tests/run-all

# The image and the compose stack, on a dockerd of the test's own (2 to 5
# minutes, more on a loaded machine; see tests/docker.sh).  CI runs it
# after make check.
check-docker:
	@tests/deps.sh
	@$(MAKE) -s xml2prom
	tests/docker.sh

bench: xml2prom
	bench/run

# make mutants: small bugs the suites must catch, one at a time (slow).
mutants:
	@tests/deps.sh
	tests/mutants.sh

UNITS		 = xml2prom.service xml2prom.timer xml2prom@.service xml2prom@.timer \
		   xml2prom-exporter.service xml2prom-exporter.socket

# The units name the binary where this install puts it.
install: xml2prom
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR)
	install -m 0755 xml2prom $(DESTDIR)$(BINDIR)/xml2prom
	install -m 0644 man/xml2prom.1 $(DESTDIR)$(MANDIR)/man1/xml2prom.1
	for u in $(UNITS); do \
		sed 's|/usr/local/bin/xml2prom|$(BINDIR)/xml2prom|' examples/$$u \
		    >$(DESTDIR)$(UNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	@# What the operator edits lives in /etc, and is never overwritten.
	install -d $(DESTDIR)$(SYSCONFDIR)/xml2prom
	test -e $(DESTDIR)$(SYSCONFDIR)/xml2prom/example.conf || \
	    install -m 0644 examples/xml2prom@example.conf \
	    $(DESTDIR)$(SYSCONFDIR)/xml2prom/example.conf
	@echo "xml2prom: the textfile directory must be writable by the user" \
	    "xml2prom runs as, e.g.: chown prometheus /var/lib/prometheus/node-exporter"

# Removes what install put, an example.conf only if still as shipped, and
# the directories install made when nothing else is left in them.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/xml2prom $(DESTDIR)$(MANDIR)/man1/xml2prom.1
	for u in $(UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	if cmp -s examples/xml2prom@example.conf \
	    $(DESTDIR)$(SYSCONFDIR)/xml2prom/example.conf; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/xml2prom/example.conf; fi
	for d in $(SYSCONFDIR)/xml2prom $(UNITDIR) $(dir $(UNITDIR)); do \
		rmdir $(DESTDIR)$$d 2>/dev/null || true; done

clean:
	rm -f xml2prom src/*.o src/scan/*.o src/surveyout/*.o
	rm -rf build

# make deb: build/xml2prom_VERSION_ARCH.deb (examples/deb/build).
deb:
	@examples/deb/build

# make image [IMAGE=name:tag] [BASE=debian:bookworm-slim]: the container
# image (examples/docker/Dockerfile), built from the tracked files only.
# Offline (no image registry), a base from Debian's packages first, and the
# build on the host's network, for apt:
#   make base image BASE=xml2prom-base/debian:bookworm \
#       DOCKER_BUILD_FLAGS=--network=host
# make base [BASE_IMAGE=name:tag]: that base, made by mmdebstrap, trimmed
# as debian:bookworm-slim is, imported (tests/docker.sh uses it too).
VERSION		!= sed -n 's/^\#define VERSION[^"]*"\(.*\)"/\1/p' src/options.c
IMAGE		?= xml2prom:$(VERSION)
BASE		?= debian:bookworm-slim
DOCKER		?= docker
DOCKER_BUILD_FLAGS ?=
image:
	git ls-files -z | tar --null -T - -cf - | \
	    $(DOCKER) build $(DOCKER_BUILD_FLAGS) -f examples/docker/Dockerfile \
	    --build-arg BASE=$(BASE) --build-arg VERSION=$(VERSION) \
	    --build-arg REVISION=$$(git rev-parse --short HEAD) -t $(IMAGE) -
	@echo "xml2prom: $(IMAGE), $$($(DOCKER) image inspect -f '{{.Size}}' $(IMAGE)) bytes;" \
	    "its base $(BASE), $$($(DOCKER) image inspect -f '{{.Size}}' $(BASE)) bytes"

BASE_IMAGE	?= xml2prom-base/debian:bookworm
base:
	mmdebstrap --quiet --variant=minbase \
	    --dpkgopt='path-exclude=/usr/share/man/*' \
	    --dpkgopt='path-exclude=/usr/share/locale/*' \
	    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
	    --dpkgopt='path-exclude=/usr/share/doc/*' \
	    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
	    --dpkgopt='path-exclude=/usr/share/info/*' \
	    bookworm - | $(DOCKER) import - $(BASE_IMAGE)

.PHONY: all example check check-docker bench mutants install uninstall clean deb image base

# The one list of test expressions (tests/expressions), as C for the unit
# tests and the fuzzers: { kind, expression } pairs.
build/expressions.h: tests/expressions
	@mkdir -p build
	awk -F'\t' '/^#/ || NF < 2 { next } { e = $$2; gsub(/\\/, "\\\\", e); \
	    gsub(/"/, "\\\"", e); printf "\t{ \"%s\", \"%s\" },\n", $$1, e }' \
	    tests/expressions >$@

# Tests and tools built from the same objects as the binary.
build/unit: tests/unit.c build/expressions.h $(LIB_OBJS) $(HEADERS)
	@mkdir -p build
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -Ibuild -Isrc/scan $(LDFLAGS) -o $@ tests/unit.c $(LIB_OBJS) $(LDLIBS)

unit: build/unit
	build/unit
.PHONY: unit

build/datetime-table: tests/datetime_table.c src/datetime.o $(HEADERS)
	@mkdir -p build
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ tests/datetime_table.c src/datetime.o $(LDLIBS)

build/genstore: bench/genstore.c
	@mkdir -p build
	$(CC) -O2 -o $@ bench/genstore.c

build/floor: bench/floor.c
	@mkdir -p build
	$(CC) -O2 $(CPPFLAGS) -o $@ bench/floor.c $(XML_LIBS)

build/reader: bench/reader.c
	@mkdir -p build
	$(CC) -O2 $(CPPFLAGS) -o $@ bench/reader.c $(XML_LIBS)

# Sanitizer builds (clang): the same sources with ASan and UBSan, any
# finding fatal.  Fuzzers additionally link libFuzzer; the replay drivers
# run a harness over the seed corpus without it.
SAN_CC		?= clang
SAN_FLAGS	 = -O1 -g -fno-omit-frame-pointer \
		   -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_BUILD	 = $(SAN_CC) -std=c11 $(WARNINGS) $(SAN_FLAGS) $(CPPFLAGS) $(LDFLAGS)
FUZZ_SECONDS	?= 60

build/asan/xml2prom: $(LIB_SRCS) src/main.c $(HEADERS)
	@mkdir -p build/asan
	$(SAN_BUILD) -o $@ $(LIB_SRCS) src/main.c $(LDLIBS)

build/asan/unit: tests/unit.c build/expressions.h $(LIB_SRCS) $(HEADERS)
	@mkdir -p build/asan
	$(SAN_BUILD) -Ibuild -Isrc/scan -o $@ tests/unit.c $(LIB_SRCS) $(LDLIBS)

# The reference (libxml2's XPath on the whole tree) is linked into every
# harness; only fuzz_diff uses it.
FUZZ_SRCS	 = $(LIB_SRCS) tests/fuzz/reference.c
FUZZ_DEPS	 = $(FUZZ_SRCS) $(HEADERS) tests/fuzz/reference.h tests/fuzz/storefile.h build/expressions.h

build/fuzz/%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS)
	@mkdir -p build/fuzz
	$(SAN_BUILD) -Itests/fuzz -Ibuild -fsanitize=fuzzer -o $@ $< $(FUZZ_SRCS) $(LDLIBS)

build/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_DEPS)
	@mkdir -p build/fuzz
	$(SAN_BUILD) -Itests/fuzz -Ibuild -o $@ $< tests/fuzz/replay.c $(FUZZ_SRCS) $(LDLIBS)

# make fuzz [FUZZ_SECONDS=N]: each harness for N seconds, new inputs kept
# in build/fuzz/corpus-*, crashes in build/fuzz/.
fuzz: build/fuzz/scan build/fuzz/options build/fuzz/diff build/fuzz/web
	tests/fuzz/run $(FUZZ_SECONDS)
.PHONY: fuzz

# make compat LIBXML2_PREFIX=DIR: the suites against the libxml2 installed
# in DIR (built from its own sources; see the README).  Outside make check,
# which tests the system's libxml2.
compat:
	@test -n "$(LIBXML2_PREFIX)" || \
	    { echo "usage: make compat LIBXML2_PREFIX=DIR"; exit 2; }
	tests/compat.sh $(LIBXML2_PREFIX)
.PHONY: compat
