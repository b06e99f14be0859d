/*
 * genstore.c: writes a deterministic store of N rows to standard output,
 * shaped like the stores xml2prom reads: <row id type status> with three
 * child elements, a predefined entity and a CDATA section, types with
 * skewed frequencies.  The same N always gives the same bytes.  With
 * 'lines', each row also holds one to three <line sku qty/> elements: an
 * order and its lines, rows of two kinds for the row sets' benchmark.
 * With 'junit', a JUnit report as python3-xmlrunner writes it (the shape
 * of examples/junit.xml): ROWS test cases in suites of 100, one in ten
 * failed, one in twenty errored, one in ten skipped, for the shipped
 * junit.options.
 *
 * usage: genstore [ROWS [lines|junit]]   (default 1000000, about 200 MB)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const types[] = {
	"book", "dvd", "magazine", "cd", "map", "score", "game", "poster"
};
/* Cumulative weights out of 1000: a few types hold most of the rows. */
static const int weights[] = { 520, 730, 850, 930, 965, 985, 995, 1000 };

static const char *const categories[] = {
	"fiction", "history", "science", "music", "travel", "children"
};
static const char *const currencies[] = { "EUR", "USD", "GBP" };
static const char *const statuses[] = {
	"available", "lent", "archived", "lost"
};

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static uint32_t
next_random(void)
{
	state = state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(state >> 33);
}

static const char *
pick_type(void)
{
	int	 r = (int)(next_random() % 1000), i = 0;

	while (r >= weights[i])
		i++;
	return types[i];
}

/* One test case, its outcome by its number; a skipped one took 0 s. */
static void
write_testcase(unsigned long n, unsigned long suite)
{
	unsigned	 ms = n % 10 == 7 ? 0 : next_random() % 2000;

	printf("\t\t<testcase classname=\"pkg.C%lu\" name=\"test_%lu\" "
	    "time=\"%u.%03u\" timestamp=\"2026-11-25T06:%02lu:%02lu\" "
	    "file=\"c%lu.py\" line=\"%lu\"",
	    suite, n, ms / 1000, ms % 1000, suite / 60 % 60, suite % 60,
	    suite, 6 + n % 10 * 4);
	if (n % 10 == 3)
		printf(">\n\t\t\t<failure type=\"AssertionError\" "
		    "message=\"%u != 2\"><![CDATA[AssertionError: %u != 2]]>"
		    "</failure>\n\t\t</testcase>\n", ms, ms);
	else if (n % 20 == 5)
		printf(">\n\t\t\t<error type=\"RuntimeError\" "
		    "message=\"boom\"><![CDATA[RuntimeError: boom]]>"
		    "</error>\n\t\t</testcase>\n");
	else if (n % 10 == 7)
		printf(">\n\t\t\t<skipped type=\"skip\" message=\"later\"/>"
		    "\n\t\t</testcase>\n");
	else
		printf("/>\n");
}

static void
write_junit(unsigned long cases)
{
	unsigned long	 n, suite;

	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	for (n = 0; n < cases; n++) {
		suite = n / 100;
		if (n % 100 == 0)
			printf("\t<testsuite name=\"pkg.C%lu\" tests=\"100\" "
			    "file=\"c%lu.py\" time=\"1.234\" "
			    "timestamp=\"2026-11-25T06:%02lu:%02lu\" "
			    "failures=\"10\" errors=\"5\" skipped=\"10\">\n",
			    suite, suite, suite / 60 % 60, suite % 60);
		write_testcase(n, suite);
		if (n % 100 == 99 || n + 1 == cases)
			printf("\t</testsuite>\n");
	}
	printf("</testsuites>\n");
}

int
main(int argc, char **argv)
{
	unsigned long	 rows = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	unsigned long	 i;
	uint32_t	 k, nlines;
	int		 lines = argc > 2 && strcmp(argv[2], "lines") == 0;

	if (argc > 2 && strcmp(argv[2], "junit") == 0) {
		write_junit(rows);
		return ferror(stdout) || fflush(stdout) ? 1 : 0;
	}

	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<store version=\"3\" generator=\"genstore\">\n");
	for (i = 1; i <= rows; i++) {
		printf("  <row id=\"%lu\" type=\"%s\" status=\"%s\">\n"
		    "    <category>%s</category>\n"
		    "    <title>Title number %lu &amp; subtitle %u</title>\n"
		    "    <note><![CDATA[shelf <%u> row %lu]]></note>\n"
		    "    <amount currency=\"%s\">%u.%02u</amount>\n",
		    i, pick_type(), statuses[next_random() % 4],
		    categories[next_random() % 6], i, next_random() % 1000,
		    next_random() % 100, i, currencies[next_random() % 3],
		    next_random() % 500, next_random() % 100);
		nlines = lines ? 1 + next_random() % 3 : 0;
		for (k = 0; k < nlines; k++)
			printf("    <line sku=\"s%u\" qty=\"%u\"/>\n",
			    next_random() % 40, 1 + next_random() % 9);
		printf("  </row>\n");
	}
	printf("</store>\n");
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
