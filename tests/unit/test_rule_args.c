/* The rule options shared by `check` and `rules add/edit/test`: which
 * options each command accepts, what they set, which fields a patch names,
 * how an edit merges into a stored rule, and the TLS consequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arg_walk.h"
#include "rule_args.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct walked {
  struct sw_rule_args args;
  struct sw_arg_errors errors;
  int positional;
};

static void on_arg(void *ctx, const struct sw_arg_opt *o, const char *value)
{
  struct walked *w = ctx;
  if (!o) {
    w->positional++;
    return;
  }
  sw_rule_args_apply(&w->args, o, value, &w->errors);
}

static void walk(struct walked *w, bool manage, int argc, char **argv)
{
  memset(w, 0, sizeof *w);
  sw_rule_args_init(&w->args);
  sw_arg_errors_init(&w->errors);
  const struct sw_arg_opt *const tables[] = {sw_rule_args_options(manage), NULL};
  sw_arg_walk(argc, argv, 0, tables, on_arg, w, &w->errors);
}

static void done(struct walked *w)
{
  sw_rule_args_free(&w->args);
  sw_arg_errors_free(&w->errors);
}

static const char *errors(struct walked *w)
{
  return sw_buf_str(&w->errors.text);
}

static void test_check_table_leaves_out_management_options(void **state)
{
  (void)state;
  const struct sw_arg_opt *check = sw_rule_args_options(false);
  const struct sw_arg_opt *manage = sw_rule_args_options(true);
  size_t nc = 0, nm = 0;
  while (check[nc].long_name)
    nc++;
  while (manage[nm].long_name)
    nm++;
  assert_int_equal(nm, SW_RULE_OPT_COUNT);
  assert_int_equal(nc, 40); /* 25, the round trip's 10 and the domain's 5 */
  for (size_t i = 0; i < nc; i++) {
    assert_null(strstr("name interval-s enabled disabled verify", check[i].long_name));
    assert_null(strstr(check[i].long_name, "drift"));
    /* MTA-STS is on by default: a one-shot check may turn it off */
    if (strcmp(check[i].long_name, "no-mta-sts"))
      assert_null(strstr(check[i].long_name, "no-"));
    /* ids index the management table: a positional HOST uses that */
    assert_string_equal(manage[check[i].id].long_name, check[i].long_name);
  }
  assert_int_equal(check[SW_RULE_OPT_HOST].id, SW_RULE_OPT_HOST);

  struct walked w;
  char *argv[] = {"--name", "Relay", "--interval-s", "30"};
  walk(&w, false, ARGC(argv), argv);
  assert_string_equal(errors(&w), "Unknown option '--name'.\n"
                                  "Unknown option '--interval-s'.");
  done(&w);
}

static void test_patch_names_only_the_fields_given(void **state)
{
  (void)state;
  struct walked w;
  char *argv[] = {"--port=587",   "--name", "Relais \xc3\xa9t\xc3\xa9",
                  "--interval-s", "300",    "--disabled",
                  "-s",           "NOOP"};
  walk(&w, true, ARGC(argv), argv);
  assert_string_equal(errors(&w), "");
  const struct sw_rule *r = &w.args.rule;
  assert_int_equal(r->port, 587);
  assert_string_equal(r->name, "Relais \xc3\xa9t\xc3\xa9");
  assert_int_equal(r->interval_s, 300);
  assert_false(r->enabled);
  assert_string_equal(r->command, "NOOP");
  assert_int_equal(w.args.given, SW_RULE_FIELD_BIT(SW_RULE_FIELD_PORT) |
                                     SW_RULE_FIELD_BIT(SW_RULE_FIELD_NAME) |
                                     SW_RULE_FIELD_BIT(SW_RULE_FIELD_INTERVAL_S) |
                                     SW_RULE_FIELD_BIT(SW_RULE_FIELD_ENABLED) |
                                     SW_RULE_FIELD_BIT(SW_RULE_FIELD_COMMAND));
  done(&w);

  /* The last of --enabled/--disabled wins; a refused value is not "given". */
  char *argv2[] = {"--disabled", "--enabled", "--port", "x"};
  walk(&w, true, ARGC(argv2), argv2);
  assert_true(w.args.rule.enabled);
  assert_int_equal(w.args.given, SW_RULE_FIELD_BIT(SW_RULE_FIELD_ENABLED));
  assert_string_equal(errors(&w), "--port: 'x' is not a port number (1-65535).");
  done(&w);
}

static void test_merge_changes_only_what_was_given(void **state)
{
  (void)state;
  struct sw_rule stored;
  sw_rule_init_defaults(&stored);
  stored.id = 7;
  sw_rule_set_string(&stored.name, "Relay");
  sw_rule_set_string(&stored.host, "mail.example.com");
  sw_rule_set_string(&stored.command, "NOOP");
  sw_rule_set_string(&stored.expect, "250");
  stored.interval_s = 120;
  stored.tls_mode = SW_TLS_STARTTLS;
  stored.tls_insecure = true;

  struct walked w;
  /* An empty value clears a text field; --verify undoes --insecure. */
  char *argv[] = {"--port", "2525", "--send=", "--verify", "--timeout-ms", "900"};
  walk(&w, true, ARGC(argv), argv);
  assert_string_equal(errors(&w), "");
  assert_int_equal(sw_rule_args_merge(&w.args, &stored), SW_E_OK);
  assert_int_equal(stored.id, 7);
  assert_string_equal(stored.name, "Relay");
  assert_string_equal(stored.host, "mail.example.com");
  assert_int_equal(stored.port, 2525);
  assert_string_equal(stored.command, "");
  assert_string_equal(stored.expect, "250");
  assert_int_equal(stored.timeout_ms, 900);
  assert_int_equal(stored.interval_s, 120);
  assert_true(stored.enabled);
  assert_int_equal(stored.tls_mode, SW_TLS_STARTTLS);
  assert_false(stored.tls_insecure);
  done(&w);
  sw_rule_free(&stored);
}

static void test_tls_is_settled_on_the_rule_as_it_will_be(void **state)
{
  (void)state;
  struct walked w;
  struct sw_rule stored;

  /* Port 465 without --tls on a rule without TLS: implicit TLS. */
  char *smtps[] = {"--port", "465"};
  walk(&w, true, ARGC(smtps), smtps);
  sw_rule_init_defaults(&stored);
  sw_rule_args_merge(&w.args, &stored);
  sw_rule_args_settle_tls(&w.args, &stored, &w.errors);
  assert_int_equal(stored.tls_mode, SW_TLS_IMPLICIT);
  /* ... but a rule that already uses STARTTLS keeps it. */
  stored.tls_mode = SW_TLS_REQUIRE_STARTTLS;
  sw_rule_args_settle_tls(&w.args, &stored, &w.errors);
  assert_int_equal(stored.tls_mode, SW_TLS_REQUIRE_STARTTLS);
  assert_string_equal(errors(&w), "");
  done(&w);
  sw_rule_free(&stored);

  /* Editing another field of a plain rule on port 465 changes nothing. */
  char *rename[] = {"--name", "Submission"};
  walk(&w, true, ARGC(rename), rename);
  sw_rule_init_defaults(&stored);
  stored.port = 465;
  sw_rule_args_merge(&w.args, &stored);
  sw_rule_args_settle_tls(&w.args, &stored, &w.errors);
  assert_int_equal(stored.tls_mode, SW_TLS_NONE);
  done(&w);
  sw_rule_free(&stored);

  /* A certificate option is judged against the stored rule's TLS mode. */
  char *days[] = {"--cert-warn-days", "30"};
  walk(&w, true, ARGC(days), days);
  sw_rule_init_defaults(&stored);
  stored.tls_mode = SW_TLS_IMPLICIT;
  sw_rule_args_merge(&w.args, &stored);
  sw_rule_args_settle_tls(&w.args, &stored, &w.errors);
  assert_string_equal(errors(&w), "");
  assert_int_equal(stored.cert_warn_days, 30);
  stored.tls_mode = SW_TLS_NONE;
  sw_rule_args_settle_tls(&w.args, &stored, &w.errors);
  assert_string_equal(errors(&w),
                      "--cert-warn-days is about the server's certificate, but TLS is "
                      "off: add --tls starttls, require-starttls or implicit.");
  done(&w);
  sw_rule_free(&stored);
}

static void test_values_left_to_the_validator(void **state)
{
  (void)state;
  struct walked w;
  /* Out-of-range numbers stay out of range (never wrapped into a valid
   * value): the validator names them in the editor's words. */
  char *argv[] = {"--interval-s",     "99999999999", "--timeout-ms", "5",
                  "--cert-crit-days", "4000000000"};
  walk(&w, true, ARGC(argv), argv);
  assert_string_equal(errors(&w), "");
  assert_int_equal(w.args.rule.interval_s, UINT32_MAX);
  assert_int_equal(w.args.rule.timeout_ms, 5);
  assert_int_equal(w.args.rule.cert_crit_days, SW_RULE_CERT_DAYS_MAX + 1);
  struct sw_rule_problems p;
  w.args.rule.tls_mode = SW_TLS_IMPLICIT;
  sw_rule_set_string(&w.args.rule.name, "x");
  sw_rule_set_string(&w.args.rule.host, "mail.example.com");
  assert_false(sw_rule_validate(&w.args.rule, &p));
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_INTERVAL_S));
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_TIMEOUT_MS));
  assert_non_null(sw_rule_problems_find(&p, SW_RULE_FIELD_CERT_CRIT_DAYS));
  done(&w);

  char *words[] = {"--interval-s", "1m", "--tls", "STARTTLS", "--name"};
  walk(&w, true, ARGC(words), words);
  assert_string_equal(errors(&w),
                      "--interval-s: '1m' is not a number of seconds.\n"
                      "--tls: 'STARTTLS' is not a TLS mode: use none, starttls, "
                      "require-starttls or implicit.\n"
                      "--name needs a value.");
  done(&w);
}

static void test_host_once_and_option_names(void **state)
{
  (void)state;
  struct walked w;
  char *argv[] = {"-H", "a.example", "--host=b.example"};
  walk(&w, true, ARGC(argv), argv);
  assert_string_equal(errors(&w),
                      "Only one HOST may be given, but 'b.example' follows 'a.example'.");
  assert_string_equal(w.args.rule.host, "a.example");
  done(&w);

  assert_string_equal(sw_rule_args_option_name(SW_RULE_FIELD_COMMAND), "--send");
  assert_string_equal(sw_rule_args_option_name(SW_RULE_FIELD_EHLO_NAME), "--helo");
  assert_string_equal(sw_rule_args_option_name(SW_RULE_FIELD_TLS_MODE), "--tls");
  assert_string_equal(sw_rule_args_option_name(SW_RULE_FIELD_ENABLED), "--enabled");
  assert_string_equal(sw_rule_args_option_name(SW_RULE_FIELD_TLS_INSECURE), "--insecure");
  assert_string_equal(sw_rule_args_option_name(SW_RULE_FIELD_INTERVAL_S), "--interval-s");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_check_table_leaves_out_management_options),
      cmocka_unit_test(test_patch_names_only_the_fields_given),
      cmocka_unit_test(test_merge_changes_only_what_was_given),
      cmocka_unit_test(test_tls_is_settled_on_the_rule_as_it_will_be),
      cmocka_unit_test(test_values_left_to_the_validator),
      cmocka_unit_test(test_host_once_and_option_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
