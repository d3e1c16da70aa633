/* The drift alarm's rows on a real SQLite file: the first accepted
 * fingerprint, a drift recorded and cleared, an administrator's acceptance
 * (who, when) that forgets the drift, all surviving a reopen; what the
 * store refuses; and a deleted rule taking its fingerprints with it. */
#include "store_fixture.h"

#include "store_drift.h"

#define FP_A "fingerprint 1\nsessions plain\nkeyword plain STARTTLS\n"
#define FP_B "fingerprint 1\nsessions plain\nkeyword plain DSN\n"

static void load_one(struct sw_store *st, struct sw_store_fingerprint_list *l)
{
  fx_expect_ok(st, sw_store_fingerprint_load(st, l));
  assert_int_equal(l->count, 1);
}

static void test_accept_drift_accept_again(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t id = fx_add_rule(st, "mx");
  struct sw_store_fingerprint_list l;
  fx_expect_ok(st, sw_store_fingerprint_load(st, &l));
  assert_int_equal(l.count, 0); /* never checked: nothing accepted */

  fx_expect_ok(st, sw_store_fingerprint_accept(st, id, FP_A, FX_NOW_MS, ""));
  fx_expect_ok(st, sw_store_fingerprint_drift(st, id, FP_B, FX_NOW_MS + 60000));
  sw_store_close(st);
  st = fx_open(fx->db); /* a restarted service knows both */
  load_one(st, &l);
  assert_int_equal(l.items[0].rule_id, id);
  assert_string_equal(l.items[0].accepted, FP_A);
  assert_string_equal(l.items[0].accepted_by, "");
  assert_int_equal(l.items[0].accepted_at_ms, FX_NOW_MS);
  assert_string_equal(l.items[0].current, FP_B);
  assert_int_equal(l.items[0].since_ms, FX_NOW_MS + 60000);
  sw_store_fingerprint_list_free(&l);

  /* The server went back: no drift, the accepted one stays. */
  fx_expect_ok(st, sw_store_fingerprint_drift(st, id, NULL, 0));
  load_one(st, &l);
  assert_null(l.items[0].current);
  assert_int_equal(l.items[0].since_ms, 0);
  sw_store_fingerprint_list_free(&l);

  /* An administrator accepts the new one: who and when, drift forgotten. */
  fx_expect_ok(st, sw_store_fingerprint_drift(st, id, FP_B, FX_NOW_MS + 120000));
  fx_expect_ok(
      st, sw_store_fingerprint_accept(st, id, FP_B, FX_NOW_MS + 180000, "HOST\\admin"));
  load_one(st, &l);
  assert_string_equal(l.items[0].accepted, FP_B);
  assert_string_equal(l.items[0].accepted_by, "HOST\\admin");
  assert_int_equal(l.items[0].accepted_at_ms, FX_NOW_MS + 180000);
  assert_null(l.items[0].current);
  sw_store_fingerprint_list_free(&l);
  sw_store_close(st);
}

/* The service accepts first fingerprints with its batches, in the same
 * transaction as the results: written like sw_store_fingerprint_accept
 * with no one named; a rule deleted meanwhile is skipped, not an error. */
static void test_first_fingerprints_in_a_batch(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t a = fx_add_rule(st, "mx1");
  int64_t b = fx_add_rule(st, "mx2");
  const struct sw_store_first_fingerprint firsts[] = {
      {.rule_id = a, .text = FP_A, .at_ms = FX_NOW_MS},
      {.rule_id = b + 1, .text = FP_A, .at_ms = FX_NOW_MS},
      {.rule_id = b, .text = FP_B, .at_ms = FX_NOW_MS + 1000},
  };
  struct sw_store_write_counts counts;
  fx_expect_ok(st, sw_store_write(st,
                                  &(struct sw_store_batch){.fingerprints = firsts,
                                                           .fingerprint_count = 3},
                                  &counts));
  assert_int_equal(counts.fingerprints_written, 2);
  sw_store_close(st);
  st = fx_open(fx->db);
  struct sw_store_fingerprint_list l;
  fx_expect_ok(st, sw_store_fingerprint_load(st, &l));
  assert_int_equal(l.count, 2);
  assert_int_equal(l.items[1].rule_id, b);
  assert_string_equal(l.items[1].accepted, FP_B);
  assert_string_equal(l.items[1].accepted_by, "");
  assert_int_equal(l.items[1].accepted_at_ms, FX_NOW_MS + 1000);
  assert_null(l.items[1].current);
  sw_store_fingerprint_list_free(&l);
  sw_store_close(st);
}

static void test_refusals_and_deleted_rules(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t id = fx_add_rule(st, "mx");
  assert_int_equal(sw_store_fingerprint_accept(st, id, "", FX_NOW_MS, ""),
                   SW_STORE_INVALID_INPUT);
  assert_int_equal(sw_store_fingerprint_accept(st, id, FP_A, FX_NOW_MS, "two\nlines"),
                   SW_STORE_INVALID_INPUT);
  assert_int_equal(sw_store_fingerprint_accept(st, id + 1, FP_A, FX_NOW_MS, ""),
                   SW_STORE_NOT_FOUND);
  /* No accepted fingerprint: no drift to record. */
  assert_int_equal(sw_store_fingerprint_drift(st, id, FP_B, FX_NOW_MS),
                   SW_STORE_NOT_FOUND);

  fx_expect_ok(st, sw_store_fingerprint_accept(st, id, FP_A, FX_NOW_MS, ""));
  fx_expect_ok(st, sw_store_fingerprint_forget(st, id));
  fx_expect_ok(st, sw_store_fingerprint_forget(st, id)); /* nothing left: fine */
  fx_expect_ok(st, sw_store_fingerprint_accept(st, id, FP_A, FX_NOW_MS, ""));
  fx_expect_ok(st, sw_store_rule_delete(st, id));
  assert_string_equal(fx_peek(fx->db, "SELECT count(*) FROM fingerprints"), "0");
  sw_store_close(st);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_accept_drift_accept_again, fx_setup,
                                      fx_teardown),
      cmocka_unit_test_setup_teardown(test_first_fingerprints_in_a_batch, fx_setup,
                                      fx_teardown),
      cmocka_unit_test_setup_teardown(test_refusals_and_deleted_rules, fx_setup,
                                      fx_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
