/*
 * replay.c: runs a libFuzzer harness over files without libFuzzer, so that
 * `make check` replays the seed corpus on any compiler.
 *
 * usage: replay FILE...
 */
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
main(int argc, char **argv)
{
	unsigned char	*data;
	long		 len;
	FILE		*f;
	int		 i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		data = malloc((size_t)len + 1);
		if (fread(data, 1, (size_t)len, f) != (size_t)len) {
			perror(argv[i]);
			return 1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(data, (size_t)len);
		free(data);
	}
	fprintf(stderr, "replay: %d inputs\n", argc - 1);
	return 0;
}
