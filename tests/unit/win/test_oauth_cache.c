/* The process's OAuth tokens: one per (URL, client id, scope), used until a
 * margin before it expires, dropped when a server refused it (but not a
 * newer one), and shared between threads. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oauth_cache.h"

#define S 1000000LL /* µs */

static const struct sw_oauth_client app = {"https://login.example/t/token", "app-1",
                                           "secret",
                                           "https://outlook.office365.com/.default"};

static void expect_token(const struct sw_oauth_client *c, int64_t now, const char *want)
{
  char *got = sw_oauth_cache_get(c, now);
  if (!want) {
    assert_null(got);
    return;
  }
  assert_non_null(got);
  assert_string_equal(got, want);
  struct sw_oauth_token t = {.access_token = got};
  sw_oauth_token_free(&t);
}

static void test_kept_until_the_margin(void **state)
{
  (void)state;
  sw_oauth_cache_clear();
  expect_token(&app, 0, NULL);
  sw_oauth_cache_put(&app, "tok-1", 3600, 10 * S);
  expect_token(&app, 10 * S, "tok-1");
  expect_token(&app, (10 + 3600 - SW_OAUTH_EXPIRY_MARGIN_S) * S - 1, "tok-1");
  expect_token(&app, (10 + 3600 - SW_OAUTH_EXPIRY_MARGIN_S) * S, NULL);
  /* Short-lived: half its life. */
  sw_oauth_cache_put(&app, "tok-2", 4, 0);
  expect_token(&app, 2 * S - 1, "tok-2");
  expect_token(&app, 2 * S, NULL);
  /* No lifetime given: not kept. */
  sw_oauth_cache_put(&app, "tok-3", 0, 0);
  expect_token(&app, 0, NULL);
}

static void test_keyed_by_url_client_and_scope(void **state)
{
  (void)state;
  sw_oauth_cache_clear();
  struct sw_oauth_client other_scope = app, other_client = app, no_scope = app;
  other_scope.scope = "https://mail.google.com/";
  other_client.client_id = "app-2";
  no_scope.scope = NULL;
  sw_oauth_cache_put(&app, "tok-app", 3600, 0);
  expect_token(&other_scope, 0, NULL);
  expect_token(&other_client, 0, NULL);
  expect_token(&no_scope, 0, NULL);
  sw_oauth_cache_put(&no_scope, "tok-none", 3600, 0);
  struct sw_oauth_client empty_scope = app;
  empty_scope.scope = "";
  expect_token(&empty_scope, 0, "tok-none");
  /* Another secret is the same application: the same token. */
  struct sw_oauth_client new_secret = app;
  new_secret.client_secret = "rotated";
  expect_token(&new_secret, 0, "tok-app");
}

static void test_refused_token_dropped_newer_kept(void **state)
{
  (void)state;
  sw_oauth_cache_clear();
  sw_oauth_cache_put(&app, "tok-old", 3600, 0);
  sw_oauth_cache_put(&app, "tok-new", 3600, 0); /* another check fetched meanwhile */
  sw_oauth_cache_drop(&app, "tok-old");
  expect_token(&app, 0, "tok-new");
  sw_oauth_cache_drop(&app, "tok-new");
  expect_token(&app, 0, NULL);
}

static void test_oldest_application_goes_first(void **state)
{
  (void)state;
  sw_oauth_cache_clear();
  char ids[SW_OAUTH_CACHE_MAX + 1][16];
  for (int i = 0; i <= SW_OAUTH_CACHE_MAX; i++) {
    struct sw_oauth_client c = app;
    snprintf(ids[i], sizeof ids[i], "app-%d", i);
    c.client_id = ids[i];
    sw_oauth_cache_put(&c, ids[i], 3600, 0);
  }
  struct sw_oauth_client first = app, last = app;
  first.client_id = ids[0];
  last.client_id = ids[SW_OAUTH_CACHE_MAX];
  expect_token(&first, 0, NULL);
  expect_token(&last, 0, ids[SW_OAUTH_CACHE_MAX]);
  sw_oauth_cache_clear();
}

static DWORD WINAPI hammer(void *arg)
{
  struct sw_oauth_client c = app;
  c.client_id = arg;
  for (int i = 0; i < 2000; i++) {
    sw_oauth_cache_put(&c, (i & 1) ? "odd" : "even", 3600, 0);
    char *t = sw_oauth_cache_get(&c, 0);
    if (!t || strcmp(t, (i & 1) ? "odd" : "even") != 0)
      return 1; /* lost or torn by another thread's work on the list */
    free(t);
    if (i % 7 == 0)
      sw_oauth_cache_drop(&c, "odd");
  }
  return 0;
}

static void test_threads_share_it(void **state)
{
  (void)state;
  sw_oauth_cache_clear();
  HANDLE th[4];
  char *names[4] = {"a", "b", "c", "d"}; /* an application each, one list */
  for (int i = 0; i < 4; i++)
    th[i] = CreateThread(NULL, 0, hammer, names[i], 0, NULL);
  for (int i = 0; i < 4; i++) {
    DWORD rc = 1;
    WaitForSingleObject(th[i], INFINITE);
    GetExitCodeThread(th[i], &rc);
    CloseHandle(th[i]);
    assert_int_equal(rc, 0);
  }
  sw_oauth_cache_clear();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kept_until_the_margin),
      cmocka_unit_test(test_keyed_by_url_client_and_scope),
      cmocka_unit_test(test_refused_token_dropped_newer_kept),
      cmocka_unit_test(test_oldest_application_goes_first),
      cmocka_unit_test(test_threads_share_it),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
