/* The defensive-branch macros of sw_macros.h compiled both ways, for
 * test_sw_macros.c: never_debug.c without NDEBUG (asserts reach cmocka's
 * mock_assert), never_release.c with it. Each returns what the macro
 * yields for `x` and counts in *evaluations how often x was evaluated. */
#ifndef SW_TEST_NEVER_FLAVOURS_H
#define SW_TEST_NEVER_FLAVOURS_H

int sw_test_never_debug(int x, int *evaluations);
int sw_test_always_debug(int x, int *evaluations);
/* 1 once past SW_NOT_REACHED() (which, here, asserts first). */
int sw_test_not_reached_debug(void);

int sw_test_never_release(int x, int *evaluations);
int sw_test_always_release(int x, int *evaluations);
/* 1 once past SW_NOT_REACHED(), which does nothing here. */
int sw_test_not_reached_release(void);

#endif
