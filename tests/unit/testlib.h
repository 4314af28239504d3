/*
 * Shared pieces of the CUnit test programs.  Each tests/unit/test_*.c is its
 * own program: it defines the array test_suites[] (ended by an entry whose
 * name is NULL) and cunit_main.c runs it and prints "N passed, N failed".
 */
#ifndef TESTS_TESTLIB_H
#define TESTS_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>
#include <jansson.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

struct test_suite {
	const char *name;
	int (*init)(void);
	int (*fini)(void);
	const struct test_case *cases;	/* ended by { NULL, NULL } */
};

extern const struct test_suite test_suites[];

/*
 * Test vectors live in tests/vectors/ as JSON.  test_vector_path() finds the
 * file whether the program runs from the top of the tree or elsewhere
 * (TEST_VECTORS overrides).  test_hex() decodes a lowercase hex string into
 * a malloc'd buffer; it returns NULL on a malformed string.
 */
const char *test_vector_path(const char *file);
uint8_t *test_hex(const char *hex, size_t *lenp);

/*
 * A vector file parsed (fatal CUnit failure if it cannot be read), and a
 * hex field of one of its objects decoded into a malloc'd buffer (a
 * missing field decodes as empty; a malformed one is a fatal failure).
 */
json_t	*test_vector_load(const char *file);
uint8_t	*test_vector_hex(json_t *obj, const char *name, size_t *lenp);

#endif
