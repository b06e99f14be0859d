# xml2prom: count the rows of an XML store by type for node_exporter.
# `make` builds ./xml2prom; `make check` runs every test (see tests/).

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
UNITDIR		?= $(PREFIX)/lib/systemd/system
DESTDIR		?=

CC		?= cc
PKG_CONFIG	?= pkg-config
XML_CFLAGS	!= $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2
XML_LIBS	!= $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null || echo -lxml2
Z_LIBS		!= $(PKG_CONFIG) --libs zlib 2>/dev/null || echo -lz

CFLAGS		?= -O2 -g
WARNINGS	 = -Wall -Wextra -Wpedantic -Wshadow -Wmissing-prototypes \
		   -Wstrict-prototypes -Wwrite-strings -Wpointer-arith \
		   -Wcast-qual -Wformat=2 -Wundef -Wvla -Wnull-dereference
# libxml2 is included as a system header: its macros (BAD_CAST) cast away const.
CPPFLAGS	+= -D_GNU_SOURCE -Iinclude $(XML_CFLAGS:-I%=-isystem %)
ALL_CFLAGS	 = -std=c11 $(WARNINGS) $(CFLAGS)
LDLIBS		+= $(XML_LIBS) $(Z_LIBS)

LIB_SRCS	 = src/buf.c src/names.c src/tally.c src/rowpath.c \
		   src/typeexpr.c src/xmlerr.c src/input.c src/scan.c \
		   src/expo.c src/textfile.c src/dump.c src/options.c
LIB_OBJS	 = $(LIB_SRCS:.c=.o)
HEADERS		 = $(wildcard include/*.h)

all: xml2prom

xml2prom: $(LIB_OBJS) src/main.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(LIB_OBJS) src/main.o $(LDLIBS)

src/%.o: src/%.c $(HEADERS)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -c -o $@ $<

# The README's first command: build, run on the shipped example, show it.
example: xml2prom
	./xml2prom -o - examples/store.xml

check: xml2prom
	tests/run-all

bench: xml2prom
	bench/run

install: xml2prom
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR)
	install -m 0755 xml2prom $(DESTDIR)$(BINDIR)/xml2prom
	install -m 0644 man/xml2prom.1 $(DESTDIR)$(MANDIR)/man1/xml2prom.1
	install -m 0644 examples/xml2prom.service examples/xml2prom.timer \
		examples/xml2prom@.service examples/xml2prom@.timer \
		$(DESTDIR)$(UNITDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/xml2prom $(DESTDIR)$(MANDIR)/man1/xml2prom.1 \
		$(DESTDIR)$(UNITDIR)/xml2prom.service \
		$(DESTDIR)$(UNITDIR)/xml2prom.timer \
		$(DESTDIR)$(UNITDIR)/xml2prom@.service \
		$(DESTDIR)$(UNITDIR)/xml2prom@.timer

clean:
	rm -f xml2prom src/*.o
	rm -rf build

.PHONY: all example check bench install uninstall clean

# Tests and tools built from the same objects as the binary.
build/unit: tests/unit.c $(LIB_OBJS) $(HEADERS)
	@mkdir -p build
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ tests/unit.c $(LIB_OBJS) $(LDLIBS)

unit: build/unit
	build/unit
.PHONY: unit

build/genstore: bench/genstore.c
	@mkdir -p build
	$(CC) -O2 -o $@ bench/genstore.c

build/floor: bench/floor.c
	@mkdir -p build
	$(CC) -O2 $(CPPFLAGS) -o $@ bench/floor.c $(XML_LIBS)
