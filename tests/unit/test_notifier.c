/* Notifiers as an administrator types them: addresses, relay lists, webhook
 * URLs, programs and services, each mistake refused with a sentence that
 * says what to write instead; and a webhook's token never shown back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "notifier.h"

static char why[SW_NOTIFIER_PROBLEM_MAX];

static void refused(bool ok, const char *what, const char *says)
{
  if (ok)
    fail_msg("\"%s\" was taken", what);
  if (!strstr(why, says))
    fail_msg("\"%s\": \"%s\" does not say \"%s\"", what, why, says);
}

static void test_mail_addresses(void **state)
{
  (void)state;
  const char *good[] = {"ops@example.com", "first.last+alerts@mail.example.co.uk",
                        "o'neil@example.com", "root@[192.0.2.1]",
                        "root@[IPv6:2001:db8::1]"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    if (!sw_mail_address_check(good[i], why, sizeof why))
      fail_msg("\"%s\" was refused: %s", good[i], why);
  struct {
    const char *address, *says;
  } bad[] = {
      {"", "is empty"},
      {"ops", "write it as name@example.com"},
      {"@example.com", "write it as name@example.com"},
      {"ops@", "write it as name@example.com"},
      {"first..last@example.com", "not two in a row"},
      {".ops@example.com", "not at either end"},
      {"ops@exa mple.com", "the part after @"},
      {"ops@192.0.2.1", "an address in brackets"},
      {"j\xC3\xBCrg@example.com", "non-ASCII"},
      {"ops@example.com\r\nBcc: all@example.com", "not one line"},
      {"\"quoted\"@example.com", "the part before @"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    refused(sw_mail_address_check(bad[i].address, why, sizeof why), bad[i].address,
            bad[i].says);
}

static void test_relay_lists(void **state)
{
  (void)state;
  struct sw_relay r[SW_NOTIFIER_RELAYS_MAX];
  size_t n;
  assert_true(
      sw_relay_list_parse("mx1.example.com, mx2.example.com:587,[2001:db8::25]:2525,"
                          "192.0.2.7",
                          r, SW_NOTIFIER_RELAYS_MAX, &n, why, sizeof why));
  assert_int_equal(n, 4);
  assert_string_equal(r[0].host, "mx1.example.com");
  assert_int_equal(r[0].port, 25);
  assert_string_equal(r[1].host, "mx2.example.com");
  assert_int_equal(r[1].port, 587);
  assert_string_equal(r[2].host, "2001:db8::25");
  assert_int_equal(r[2].port, 2525);
  assert_string_equal(r[3].host, "192.0.2.7");
  refused(sw_relay_list_parse("a.example.com,,b.example.com", r, 4, &n, why, sizeof why),
          "empty item", "separated by commas");
  refused(sw_relay_list_parse("mx.example.com:0", r, 4, &n, why, sizeof why), "port 0",
          "1 to 65535");
  refused(sw_relay_list_parse("mx.example.com:smtp", r, 4, &n, why, sizeof why),
          "port name", "1 to 65535");
  refused(sw_relay_list_parse("2001:db8::25", r, 4, &n, why, sizeof why), "bare v6",
          "in brackets");
  refused(sw_relay_list_parse("[2001:db8::25", r, 4, &n, why, sizeof why), "open bracket",
          "does not close");
  refused(sw_relay_list_parse("mx_1.example.com", r, 4, &n, why, sizeof why),
          "underscore", "not a host name");
  refused(sw_relay_list_parse("a.example,b.example,c.example,d.example,e.example", r, 4,
                              &n, why, sizeof why),
          "five", "At most 4 relays");
}

static void test_to_lists(void **state)
{
  (void)state;
  char text[] = " a@example.com,b@example.org , c@example.net";
  const char *to[3];
  size_t n;
  assert_true(sw_mail_to_list_split(text, to, 3, &n, why, sizeof why));
  assert_int_equal(n, 3);
  assert_string_equal(to[0], "a@example.com");
  assert_string_equal(to[1], "b@example.org");
  assert_string_equal(to[2], "c@example.net");
  /* An empty item stays, for the address check to refuse with a sentence. */
  char gap[] = "a@example.com,,b@example.com";
  assert_true(sw_mail_to_list_split(gap, to, 3, &n, why, sizeof why));
  assert_int_equal(n, 3);
  assert_string_equal(to[1], "");
  refused(sw_mail_address_check(to[1], why, sizeof why), "empty", "empty");
  char many[] = "a@x.example,b@x.example,c@x.example,d@x.example";
  refused(sw_mail_to_list_split(many, to, 3, &n, why, sizeof why), "four",
          "at most 3 addresses");
}

static void test_webhook_urls(void **state)
{
  (void)state;
  const char *teams = "https://prod-12.westeurope.logic.azure.com:443/workflows/abc/"
                      "triggers/manual/paths/invoke?api-version=2016-06-01&sig=SECRET";
  assert_true(sw_webhook_url_check(teams, why, sizeof why));
  assert_true(sw_webhook_url_check("HTTPS://[::1]:8443/hook", why, sizeof why));
  refused(sw_webhook_url_check("http://hooks.example.com/x", why, sizeof why), "http",
          "begin with https://");
  refused(sw_webhook_url_check("https://hooks.example.com/a b", why, sizeof why), "space",
          "percent-encoded");
  refused(sw_webhook_url_check("https://user:pw@hooks.example.com/x", why, sizeof why),
          "userinfo", "user name or password");
  refused(sw_webhook_url_check("https:///x", why, sizeof why), "no host",
          "is not a host name");
  char shown[100];
  sw_webhook_url_shown(teams, shown, sizeof shown);
  assert_string_equal(shown, "https://prod-12.westeurope.logic.azure.com:443/...");
  assert_null(strstr(shown, "SECRET"));
}

static struct sw_notifier email(void)
{
  static const char *const to[] = {"ops@example.com"};
  static const struct sw_relay relays[] = {{"mx.example.com", 25}};
  return (struct sw_notifier){.name = "Ops mail",
                              .kind = SW_NOTIFIER_EMAIL,
                              .to = to,
                              .to_count = 1,
                              .relays = relays,
                              .relay_count = 1,
                              .from = "",
                              .auth_user = "",
                              .url = "",
                              .command_line = "",
                              .service_name = ""};
}

static void test_notifiers(void **state)
{
  (void)state;
  struct sw_notifier n = email();
  assert_true(sw_notifier_validate(&n, why, sizeof why));
  n.auth_user = "monitor";
  refused(sw_notifier_validate(&n, why, sizeof why), "user without password",
          "needs a password");
  n.has_auth_password = true;
  assert_true(sw_notifier_validate(&n, why, sizeof why));
  n.relay_count = 0;
  refused(sw_notifier_validate(&n, why, sizeof why), "no relay", "1 to 4 relays");
  n = email();
  n.name = "";
  refused(sw_notifier_validate(&n, why, sizeof why), "no name", "1 to 100 characters");
  n = email();
  n.kind = SW_NOTIFIER_PROGRAM;
  n.command_line = "C:\\Scripts\\page-oncall.cmd";
  n.timeout_s = SW_PROGRAM_DEFAULT_TIMEOUT_S;
  assert_true(sw_notifier_validate(&n, why, sizeof why));
  n.timeout_s = 0;
  refused(sw_notifier_validate(&n, why, sizeof why), "timeout 0", "1 to 3600 seconds");
  n = email();
  n.kind = SW_NOTIFIER_RESTART_SERVICE;
  n.service_name = "SMTPSVC";
  assert_true(sw_notifier_validate(&n, why, sizeof why));
  n.service_name = "..\\SMTPSVC";
  refused(sw_notifier_validate(&n, why, sizeof why), "backslash", "without / or \\");
  n = email();
  n.kind = SW_NOTIFIER_WEBHOOK;
  n.url = "ftp://x";
  refused(sw_notifier_validate(&n, why, sizeof why), "ftp", "https://");
}

static void test_kind_names(void **state)
{
  (void)state;
  enum sw_notifier_kind k;
  assert_true(sw_notifier_kind_from_name("restart_service", &k));
  assert_int_equal(k, SW_NOTIFIER_RESTART_SERVICE);
  assert_string_equal(sw_notifier_kind_name(SW_NOTIFIER_EMAIL), "email");
  assert_false(sw_notifier_kind_from_name("sms", &k));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mail_addresses), cmocka_unit_test(test_relay_lists),
      cmocka_unit_test(test_to_lists),       cmocka_unit_test(test_webhook_urls),
      cmocka_unit_test(test_notifiers),      cmocka_unit_test(test_kind_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
