/*
 * Helpers shared by the test programs: finding vector files, decoding hex.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

const char *
test_vector_path(const char *file)
{
	static char path[PATH_MAX];
	static const char *const dirs[] = { "tests/vectors", "../tests/vectors",
		"../../tests/vectors" };
	const char *env = getenv("TEST_VECTORS");
	size_t i;

	if (env != NULL) {
		snprintf(path, sizeof(path), "%s/%s", env, file);
		return path;
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], file);
		if (access(path, R_OK) == 0)
			return path;
	}
	return file;
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t *
test_hex(const char *hex, size_t *lenp)
{
	size_t n = strlen(hex), i;
	uint8_t *buf;
	int hi, lo;

	if (n % 2 != 0)
		return NULL;
	/* One spare byte so that an empty string still gets a buffer. */
	buf = malloc(n / 2 + 1);
	if (buf == NULL)
		return NULL;
	for (i = 0; i < n / 2; i++) {
		hi = nibble(hex[2 * i]);
		lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(buf);
			return NULL;
		}
		buf[i] = (uint8_t)(hi << 4 | lo);
	}
	*lenp = n / 2;
	return buf;
}

json_t *
test_vector_load(const char *file)
{
	json_error_t err;
	json_t *root;

	root = json_load_file(test_vector_path(file), 0, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	return root;
}

uint8_t *
test_vector_hex(json_t *obj, const char *name, size_t *lenp)
{
	const char *s = json_string_value(json_object_get(obj, name));
	uint8_t *p;

	p = test_hex(s != NULL ? s : "", lenp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	return p;
}
