/*
 * storefile.h: a fuzz input as a store file that a root run's trust rules
 * accept: a file in a directory of root's own (mkdtemp makes it 0700).
 * Not /proc/self/fd/N of a memfd: a memfd has no path to walk, so a root
 * run refuses it (see trust.c), and every input would be a refusal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char	 storefile_dir[] = "/tmp/xml2prom-fuzz.XXXXXX";
static char	 storefile_path[sizeof(storefile_dir) + 16];

static void
storefile_remove(void)
{
	unlink(storefile_path);
	rmdir(storefile_dir);
}

/* DATA written to the one store file; its path, or NULL. */
static const char *
storefile_write(const unsigned char *data, size_t size)
{
	FILE	*f;

	if (storefile_path[0] == '\0') {
		if (mkdtemp(storefile_dir) == NULL)
			return NULL;
		snprintf(storefile_path, sizeof(storefile_path), "%s/store.xml",
		    storefile_dir);
		atexit(storefile_remove);
	}
	if ((f = fopen(storefile_path, "wb")) == NULL)
		return NULL;
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return NULL;
	}
	return fclose(f) == 0 ? storefile_path : NULL;
}
