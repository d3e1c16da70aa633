/* The metrics' address: the http.sys prefix it registers (the port's
 * root) and the one path it answers, and the sentence for what it is not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "metrics_url.h"

static void split(const char *url, const char *prefix, const char *path)
{
  struct sw_metrics_url u;
  char why[256] = "";
  if (!sw_metrics_url_parse(url, &u, why, sizeof why))
    fail_msg("%s refused: %s", url, why);
  assert_string_equal(u.prefix, prefix);
  assert_string_equal(u.path, path);
}

static void refused(const char *url, const char *words)
{
  struct sw_metrics_url u;
  char why[256] = "";
  assert_false(sw_metrics_url_parse(url, &u, why, sizeof why));
  if (!strstr(why, words))
    fail_msg("%s: '%s' lacks '%s'", url, why, words);
  assert_non_null(strstr(why, "http://127.0.0.1:9465/metrics"));
}

static void good_urls_split_into_prefix_and_path(void **state)
{
  (void)state;
  split("http://127.0.0.1:9465/metrics", "http://127.0.0.1:9465/", "/metrics");
  split("http://+:9465/metrics", "http://+:9465/", "/metrics");
  split("http://*:80/a/b", "http://*:80/", "/a/b");
  split("http://[::1]:9465/metrics", "http://[::1]:9465/", "/metrics");
  split("http://node1.example.com:65535/m", "http://node1.example.com:65535/", "/m");
}

static void bad_urls_are_refused_with_a_reason(void **state)
{
  (void)state;
  refused("https://127.0.0.1:9465/metrics", "certificate binding");
  refused("ftp://127.0.0.1:9465/metrics", "does not start with http://");
  refused("http://:9465/metrics", "has no host");
  refused("http://[]:9465/metrics", "has no host");
  refused("http://127.0.0.1/metrics", "has no port");
  refused("http://127.0.0.1:0/metrics", "outside 1-65535");
  refused("http://127.0.0.1:70000/metrics", "outside 1-65535");
  refused("http://127.0.0.1:9465", "no path");
  refused("http://127.0.0.1:9465/", "no path");
  refused("http://127.0.0.1:9465/metrics?x=1", "a query");
  refused("", "does not start with http://");
  char longer[700];
  memset(longer, 'a', sizeof longer - 1);
  longer[sizeof longer - 1] = '\0';
  memcpy(longer, "http://", 7);
  refused(longer, "longer than 511");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(good_urls_split_into_prefix_and_path),
      cmocka_unit_test(bad_urls_are_refused_with_a_reason),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
