/* The rules file of `rules export` and `rules import`: what is written is
 * read back the same, in both forms; and every kind of mistake in a file
 * is named with the line of its rule and a sentence, nothing read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rule_file.h"
#include "rule_fixture.h"

/* Two rules: one with every field past the handshake set, one plain with
 * text that CSV must quote (comma, quote, line break). */
static void two_rules(struct sw_rule r[2])
{
  sw_rule_init_defaults(&r[0]);
  sw_rule_init_defaults(&r[1]);
  sw_rule_set_string(&r[0].name, "mx1, \"primary\"");
  sw_rule_set_string(&r[0].host, "mx1.example.com");
  r[0].port = 587;
  r[0].tls_mode = SW_TLS_STARTTLS;
  r[0].cert_warn_days = 30;
  sw_test_rule_past_handshake(&r[0]);
  r[0].relay_test = false; /* the open-relay test runs without AUTH */
  sw_rule_set_string(&r[0].relay_test_rcpt, NULL);
  /* and a round trip, which sends its own envelope to one address */
  sw_rule_set_string(&r[0].mail_from, NULL);
  sw_rule_set_string(&r[0].rcpt_to, NULL);
  r[0].all_addresses = false;
  sw_test_rule_round_trip(&r[0]);
  sw_rule_set_string(&r[1].name, "plain");
  sw_rule_set_string(&r[1].host, "192.0.2.25");
  sw_rule_set_string(&r[1].command, "VRFY postmaster");
  sw_rule_set_string(&r[1].expect, "252");
  r[1].enabled = false;
  r[1].interval_s = 300;
}

/* Reads `text`; the problems (or "") into errors[size]. */
static enum sw_error read_text(const char *text, struct sw_rule_file *f, char *errors,
                               size_t size)
{
  struct sw_buf e;
  sw_buf_init(&e, 0);
  enum sw_error err = sw_rule_file_read(text, strlen(text), 20, f, &e);
  snprintf(errors, size, "%s", sw_buf_str(&e));
  sw_buf_free(&e);
  return err;
}

static void round_trip(bool json)
{
  struct sw_rule r[2];
  two_rules(r);
  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_rule_file_write(r, 2, json, &out), SW_E_OK);
  struct sw_rule_file f;
  char errors[2048];
  if (read_text(sw_buf_str(&out), &f, errors, sizeof errors) != SW_E_OK)
    fail_msg("%s", errors);
  assert_int_equal(f.count, 2);
  assert_int_equal(f.json, json);
  for (size_t i = 0; i < 2; i++)
    assert_int_equal(sw_rule_diff(&f.rows[i].rule, &r[i]), 0);
  /* JSON: one key a line, the first rule's '{' on line 5; CSV: one record
   * a line after the header, except where a quoted field breaks it. */
  assert_int_equal(f.rows[0].line, json ? 5 : 2);
  assert_int_equal(f.rows[1].line, json ? 5 + SW_RULE_FIELD_COUNT + 2 : 3);
  /* Writing what was read gives the same bytes. */
  struct sw_rule again[2] = {f.rows[0].rule, f.rows[1].rule};
  struct sw_buf out2;
  sw_buf_init(&out2, 0);
  assert_int_equal(sw_rule_file_write(again, 2, json, &out2), SW_E_OK);
  assert_string_equal(sw_buf_str(&out2), sw_buf_str(&out));
  sw_buf_free(&out2);
  sw_rule_file_free(&f);
  sw_buf_free(&out);
  sw_rule_free(&r[0]);
  sw_rule_free(&r[1]);
}

static void test_json_round_trip(void **state)
{
  (void)state;
  round_trip(true);
}

static void test_csv_round_trip(void **state)
{
  (void)state;
  round_trip(false);
}

static void test_secrets_are_only_markers(void **state)
{
  (void)state;
  struct sw_rule r[2];
  two_rules(r);
  struct sw_buf out;
  sw_buf_init(&out, 0);
  assert_int_equal(sw_rule_file_write(r, 2, true, &out), SW_E_OK);
  assert_non_null(strstr(sw_buf_str(&out), "\"auth-password\": \"set\""));
  assert_non_null(strstr(sw_buf_str(&out), "\"oauth-client-secret\": \"set\""));
  assert_non_null(strstr(sw_buf_str(&out), "\"format\": \"smtpwatch-rules\""));
  sw_buf_free(&out);
  struct sw_rule_file f;
  char errors[1024];
  assert_int_equal(read_text("name,host,auth-user,auth-password\r\n"
                             "a,mx.example.com,u,hunter2\r\n",
                             &f, errors, sizeof errors),
                   SW_E_INVALID_ARGUMENT);
  assert_non_null(strstr(errors, "line 2: \"auth-password\" may only say \"set\""));
  assert_null(strstr(errors, "hunter2"));
  sw_rule_free(&r[0]);
  sw_rule_free(&r[1]);
}

static void test_bom_crlf_and_quoting(void **state)
{
  (void)state;
  struct sw_rule_file f;
  char errors[1024];
  const char *csv = "\xEF\xBB\xBFname,host,expect\r\n"
                    "\r\n"
                    "\"a, b\",mx.example.com,\"say \"\"hi\"\"\"\r\n"
                    "c,192.0.2.1,\n";
  if (read_text(csv, &f, errors, sizeof errors) != SW_E_OK)
    fail_msg("%s", errors);
  assert_int_equal(f.count, 2);
  assert_string_equal(f.rows[0].rule.name, "a, b");
  assert_string_equal(f.rows[0].rule.expect, "say \"hi\"");
  assert_int_equal(f.rows[0].line, 3);
  assert_int_equal(f.rows[1].line, 4);
  assert_null(f.rows[1].rule.expect);
  sw_rule_file_free(&f);

  const char *json = "\xEF\xBB\xBF[\r\n  {\"name\": \"a\", \"host\": \"x.example\"},\r\n"
                     "  {\"name\": \"b\\\"}{\",\r\n   \"host\": \"y.example\"}\r\n]\r\n";
  assert_int_equal(read_text(json, &f, errors, sizeof errors), SW_E_OK);
  assert_int_equal(f.count, 2);
  assert_int_equal(f.rows[0].line, 2);
  assert_int_equal(f.rows[1].line, 3);
  assert_string_equal(f.rows[1].rule.name, "b\"}{");
  sw_rule_file_free(&f);
}

/* A file with one mistake in `text` is refused with `expect` in the
 * problems. */
static void refused(const char *text, const char *expect)
{
  struct sw_rule_file f;
  char errors[2048];
  assert_int_equal(read_text(text, &f, errors, sizeof errors), SW_E_INVALID_ARGUMENT);
  if (!strstr(errors, expect))
    fail_msg("expected \"%s\" in:\n%s", expect, errors);
  assert_int_equal(f.count, 0);
  assert_null(f.rows);
}

static void test_mistakes_name_their_line(void **state)
{
  (void)state;
  refused("", "The file is empty");
  refused(" \r\n\r\n", "The file is empty");
  refused("{\n  \"rules\": [\n    {\"name\": \"a\",\n     \"host\": \"h.example\"},\n"
          "    {\"name\": \"b\", \"host\": \"h.example\", \"timeout-ms\": 5}\n  ]\n}\n",
          "line 5: rule \"b\": Timeout must be");
  refused("[\n {\"name\": \"a\", \"host\": \"h.example\", \"port\": \"25\"}\n]",
          "line 2: rule \"a\": \"port\" must be a whole number, not a string.");
  refused("[\n {\"name\": \"a\", \"host\": \"h.example\", \"enabled\": 1}\n]",
          "line 2: rule \"a\": \"enabled\" must be true or false, not a number.");
  refused("[\n\n {\"name\": \"a\", \"host\": \"h.example\", \"prot\": 25}\n]",
          "line 3: \"prot\" is not a key of a rules file");
  refused("[\n 7\n]", "line 2: a rule must be a JSON object");
  refused("[\n {\"name\": \"a\", \"host\": \"h.example\"},\n {\"name\": \"a\", "
          "\"host\": \"i.example\"}\n]",
          "line 3: rule \"a\" is in the file already (line 2)");
  refused("[\n {\"name\": \"a\",\n  \"host\": \"h.example\"\n  \"port\": 25}\n]",
          "line 4: the file is not valid JSON");
  refused("{\"format\": \"smtpwatch-rules\", \"version\": 2, \"rules\": []}",
          "The file is of version 2");
  refused("{\"rules\": [], \"extra\": 1}", "\"extra\" at the top of the file");
  refused("name,host,prot\r\na,h.example,25\r\n", "line 1: \"prot\" in the header row");
  refused("name,host,host\r\n", "\"host\" is in the header row twice");
  refused("name,host\r\na,h.example,25\r\n",
          "line 2: 3 values, but the header row has 2 columns.");
  refused("name,host\r\n\"a,h.example\r\n", "line 2: a quoted field is never closed");
  refused("name,host\r\nZ\xfcrich,h.example\r\n", "line 2: the file is not UTF-8 text");
  /* A quoted line break is read, counted, and refused by the validator. */
  refused("name,host,expect\r\na,h.example,\"x\r\ny\"\r\nb,h.example,\"1\n2\"\n",
          "line 4: rule \"b\": Expected text must be on one line");
  refused("name,host\r\na\"b,h.example\r\n", "line 2: a '\"' inside a field");
  refused("name,host,tls\r\na,h.example,tls\r\n",
          "line 2: \"tls\": \"tls\" is not one of none, starttls");
  refused("name,host,port\r\na,h.example,-1\r\n",
          "line 2: \"port\": \"-1\" is not a whole number from 0 to 65535.");
  refused("name,host,drift\r\na,h.example,yes\r\n",
          "line 2: \"drift\": \"yes\" is neither true nor false.");
}

static void test_many_problems_are_counted(void **state)
{
  (void)state;
  struct sw_buf csv;
  sw_buf_init(&csv, 0);
  sw_buf_appends(&csv, "name,host,port\n");
  for (int i = 0; i < 30; i++)
    sw_buf_printf(&csv, "r%d,h.example,x\n", i);
  struct sw_rule_file f;
  char errors[8192];
  assert_int_equal(read_text(sw_buf_str(&csv), &f, errors, sizeof errors),
                   SW_E_INVALID_ARGUMENT);
  assert_non_null(strstr(errors, "line 21: "));
  assert_null(strstr(errors, "line 22: "));
  assert_non_null(strstr(errors, "... and 10 more problems."));
  sw_buf_free(&csv);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_round_trip),
      cmocka_unit_test(test_csv_round_trip),
      cmocka_unit_test(test_secrets_are_only_markers),
      cmocka_unit_test(test_bom_crlf_and_quoting),
      cmocka_unit_test(test_mistakes_name_their_line),
      cmocka_unit_test(test_many_problems_are_counted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
