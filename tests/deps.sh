#!/bin/bash
# deps.sh: installs from Debian's packages what the tests need and this
# machine lacks.  Under CI=true anything still missing afterwards is a
# failure; elsewhere the suites that need it say they were skipped.
#
# usage: deps.sh [build]              (build: only what building needs)
#        deps.sh --check COMMAND      (exit 0 if COMMAND is there)

# command-or-test  package
needs='
cc			gcc
make			make
pkg-config		pkg-config
xml2-headers		libxml2-dev
zlib-headers		zlib1g-dev
mhd-headers		libmicrohttpd-dev
yaml-headers		libyaml-dev
crypt-headers		libcrypt-dev
xmllint			libxml2-utils
xsltproc		xsltproc
promtool		prometheus
prometheus		prometheus
prometheus-node-exporter prometheus-node-exporter
curl			curl
strace			strace
valgrind		valgrind
clang			clang
fuzzer-runtime		libclang-rt-14-dev
mandoc			mandoc
python-prom-client	python3-prometheus-client
systemd-analyze		systemd
setpriv			util-linux
flock			util-linux
pgrep			procps
gnu-time		time
gzip			gzip
lintian			lintian
dpkg-shlibdeps		dpkg-dev
man			man-db
python-lxml		python3-lxml
python-xmlrunner	python3-xmlrunner
ssg-debian		ssg-debian
faketime		faketime
dockerd			docker.io
docker-compose		docker-compose
mmdebstrap		mmdebstrap
alertmanager		prometheus-alertmanager
vmagent			victoria-metrics
pushgateway		prometheus-pushgateway
wrk			wrk
universal-ctags		universal-ctags
ab			apache2-utils
nmap			nmap
oscap			openscap-scanner
sadf			sysstat
'

present() {
	case $1 in
	xml2-headers)	pkg-config --exists libxml-2.0 2>/dev/null ;;
	zlib-headers)	pkg-config --exists zlib 2>/dev/null ;;
	mhd-headers)	pkg-config --exists libmicrohttpd 2>/dev/null ;;
	yaml-headers)	pkg-config --exists yaml-0.1 2>/dev/null ;;
	crypt-headers)	test -e /usr/include/crypt.h ;;
	pushgateway)	command -v prometheus-pushgateway >/dev/null 2>&1 ;;
	fuzzer-runtime)	echo 'int LLVMFuzzerTestOneInput(const char *d, long n){(void)d;(void)n;return 0;}' |
			    clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1 ;;
	python-prom-client) /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null ;;
	python-lxml)	/usr/bin/python3 -c 'import lxml.etree' 2>/dev/null ;;
	python-xmlrunner) /usr/bin/python3 -c 'import xmlrunner' 2>/dev/null ;;
	ssg-debian)	ls /usr/share/xml/scap/ssg/content/ssg-debian*-xccdf.xml >/dev/null 2>&1 ;;
	universal-ctags) ctags --version 2>/dev/null | grep -q 'Universal Ctags' ;;
	alertmanager)	command -v prometheus-alertmanager >/dev/null 2>&1 ;;
	gnu-time)	test -x /usr/bin/time ;;	# not the shell's keyword
	*)		command -v "$1" >/dev/null 2>&1 ;;
	esac
}

if [ "${1:-}" = --check ]; then
	present "$2"
	exit
fi
if [ "${1:-}" = build ]; then
	needs=$(echo "$needs" | grep -E '^(cc|make|pkg-config|xml2-headers|zlib-headers|mhd-headers|yaml-headers|crypt-headers)[[:space:]]')
fi

missing_packages() {
	echo "$needs" | while read -r what pkg; do
		[ -n "$what" ] && ! present "$what" && echo "$pkg"
	done | sort -u
}

missing=$(missing_packages)
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		echo "deps: installing" $missing
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null 2>&1
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
		    apt-get install -y -qq $missing >/dev/null
	fi
	missing=$(missing_packages)
fi
if [ -n "$missing" ]; then
	echo "deps: still missing:" $missing
	[ "${CI:-}" = true ] && { echo "deps: CI needs every tool: failing"; exit 1; }
	exit 0
fi
echo "deps: all present"
