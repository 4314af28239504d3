/*
 * main() of every CUnit test program: register the program's suites, run
 * them, and close with the summary line the test runner adds up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "testlib.h"

static int
register_suites(void)
{
	const struct test_suite *ts;
	const struct test_case *tc;
	CU_pSuite suite;

	for (ts = test_suites; ts->name != NULL; ts++) {
		suite = CU_add_suite(ts->name, ts->init, ts->fini);
		if (suite == NULL)
			return -1;
		for (tc = ts->cases; tc->name != NULL; tc++)
			if (CU_add_test(suite, tc->name, tc->fn) == NULL)
				return -1;
	}
	return 0;
}

int
main(void)
{
	unsigned int run, failed, suites_failed;

	if (CU_initialize_registry() != CUE_SUCCESS || register_suites() != 0) {
		fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
		return 2;
	}
	CU_basic_set_mode(getenv("TEST_VERBOSE") != NULL ? CU_BRM_VERBOSE :
	    CU_BRM_SILENT);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	/* A suite whose set-up failed ran none of its tests: count it. */
	suites_failed = CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	printf("%u passed, %u failed\n", run - failed, failed + suites_failed);
	return failed + suites_failed != 0;
}
