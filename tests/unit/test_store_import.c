/* The store's side of `rules import` (sw_store_rules_import): adds,
 * updates and deletes in one transaction, all or nothing: one op that
 * fails (a rule changed meanwhile, gone, or not valid) leaves every rule
 * as it was; a stored secret not written is kept. */
#include "store_fixture.h"

static void expect_names(struct sw_store *st, const char *const *names, size_t n)
{
  struct sw_store_rule_list l = {0};
  fx_expect_ok(st, sw_store_rule_list(st, &l));
  assert_int_equal(l.count, n);
  for (size_t i = 0; i < n; i++)
    assert_string_equal(l.items[i].rule.name, names[i]);
  sw_store_rule_list_free(&l);
}

static void test_import_is_all_or_nothing(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t a = fx_add_rule(st, "a"), b = fx_add_rule(st, "b");
  /* a keeps a stored secret through an update that does not write it */
  static const char blob[] = "sealed";
  struct sw_store_rule_secrets with = {{blob, sizeof blob, true}, {0}, {0}};
  struct sw_store_rule stored;
  fx_expect_ok(st, sw_store_rule_get(st, a, &stored));
  sw_rule_set_string(&stored.rule.auth_user, "monitor");
  stored.rule.auth_password_set = true;
  fx_expect_ok(st, sw_store_rule_update_with_secrets(
                       st, &stored.rule, &with, stored.revision, FX_NOW_MS, NULL, NULL));
  sw_store_rule_free(&stored);
  fx_expect_ok(st, sw_store_rule_get(st, a, &stored));

  struct sw_rule changed, added, bad;
  assert_int_equal(sw_rule_copy(&changed, &stored.rule), SW_E_OK);
  changed.port = 2525;
  fx_rule(&added, "c", "c.example.com");
  fx_rule(&bad, "d", "d.example.com");
  bad.timeout_ms = 5;
  struct sw_store_import_op ops[] = {
      {.kind = SW_STORE_IMPORT_UPDATE,
       .rule = &changed,
       .expected_revision = stored.revision},
      {.kind = SW_STORE_IMPORT_ADD, .rule = &added},
      {.kind = SW_STORE_IMPORT_DELETE, .id = b},
      {.kind = SW_STORE_IMPORT_ADD, .rule = &bad},
  };
  struct sw_rule_problems problems = {0};
  size_t failed = 99;
  /* An invalid rule: nothing is done. */
  assert_int_equal(sw_store_rules_import(st, ops, 4, FX_NOW_MS, &problems, &failed),
                   SW_STORE_INVALID_RULE);
  assert_int_equal(failed, 3);
  assert_non_null(sw_rule_problems_find(&problems, SW_RULE_FIELD_TIMEOUT_MS));
  expect_names(st, (const char *const[]){"a", "b"}, 2);
  /* The add and the delete alone: done. */
  assert_int_equal(sw_store_rules_import(st, ops + 1, 2, FX_NOW_MS, NULL, NULL),
                   SW_STORE_OK);
  expect_names(st, (const char *const[]){"a", "c"}, 2);
  /* A stale revision, found inside the transaction after the add ran: the
   * add is rolled back with it. */
  struct sw_rule again;
  fx_rule(&again, "e", "e.example.com");
  struct sw_store_import_op stale[] = {
      {.kind = SW_STORE_IMPORT_ADD, .rule = &again},
      {.kind = SW_STORE_IMPORT_UPDATE, .rule = &changed, .expected_revision = 1},
  };
  assert_int_equal(sw_store_rules_import(st, stale, 2, FX_NOW_MS, NULL, &failed),
                   SW_STORE_STALE);
  assert_int_equal(failed, 1);
  expect_names(st, (const char *const[]){"a", "c"}, 2);
  /* The update with the right revision: the port changes, the secret stays. */
  stale[1].expected_revision = stored.revision;
  fx_expect_ok(st, sw_store_rules_import(st, stale, 2, FX_NOW_MS, NULL, NULL));
  expect_names(st, (const char *const[]){"a", "c", "e"}, 3);
  struct sw_store_rule after;
  fx_expect_ok(st, sw_store_rule_get(st, a, &after));
  assert_int_equal(after.rule.port, 2525);
  assert_true(after.rule.auth_password_set);
  assert_int_equal(after.auth_secret.len, sizeof blob);
  assert_int_equal(after.revision, stored.revision + 1);
  sw_store_rule_free(&after);
  sw_store_rule_free(&stored);
  sw_rule_free(&changed);
  sw_rule_free(&added);
  sw_rule_free(&bad);
  sw_rule_free(&again);
  sw_store_close(st);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_import_is_all_or_nothing, fx_setup,
                                      fx_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
