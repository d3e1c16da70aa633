/* Checkpoints on another handle (the service's checkpointer): a handle
 * opened with manual_checkpoints leaves its commits in the WAL, however
 * many, and sw_store_checkpoint on a second handle copies them back into
 * the database, where a third handle that never saw the WAL reads them. */
#include "store_fixture.h"

/* The WAL file's size in bytes (0 if there is none). */
static long wal_bytes(const char *db)
{
  char wal[FX_PATH_MAX];
  snprintf(wal, sizeof wal, "%s-wal", db);
  FILE *f = fx_fopen(wal, "rb");
  if (!f)
    return 0;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fclose(f);
  return n;
}

static void write_results(struct sw_store *st, int64_t rule, int n)
{
  for (int i = 0; i < n; i++) {
    struct sw_store_result r;
    fx_result(&r, rule, FX_NOW_MS + i * 1000, SW_OUTCOME_PERM_REJECT);
    fx_expect_ok(
        st, sw_store_write(st, &(struct sw_store_batch){.results = &r, .result_count = 1},
                           NULL));
    sw_store_result_free(&r);
  }
}

static void test_commits_wait_in_the_wal_for_the_checkpointer(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *writer = NULL;
  struct sw_store_options opt = {.manual_checkpoints = true};
  assert_int_equal(sw_store_open(fx->db, &opt, &writer, NULL), SW_STORE_OK);
  int64_t rule = fx_add_rule(writer, "mx");
  /* SQLite's automatic checkpoint would copy the WAL back at 1000 pages
   * (about 4 MB): these commits take more, and none is copied. */
  write_results(writer, rule, 1500);
  long before = wal_bytes(fx->db);
  assert_true(before > 1000 * 4096);

  struct sw_store *checkpointer = fx_open(fx->db);
  int pages = 0, copied = 0;
  fx_expect_ok(
      checkpointer,
      sw_store_checkpoint(checkpointer, SW_STORE_CHECKPOINT_PASSIVE, &pages, &copied));
  assert_true(pages > 1000);
  assert_int_equal(copied, pages); /* nobody was reading: all of it */
  sw_store_close(checkpointer);

  /* The next commit starts the WAL over instead of growing it. */
  write_results(writer, rule, 1);
  assert_true(wal_bytes(fx->db) <= before);
  sw_store_close(writer);

  struct sw_store *reader = fx_open(fx->db);
  struct sw_store_result_list l = {0};
  fx_expect_ok(reader, sw_store_history(reader, rule, NULL, 2000, &l));
  assert_int_equal(l.count, 1501);
  sw_store_result_list_free(&l);
  sw_store_close(reader);
}

/* A handle with automatic checkpoints keeps the WAL near SQLite's 1000
 * pages: the difference the option makes. */
static void test_automatic_checkpoints_keep_the_wal_small(void **state)
{
  struct fixture *fx = *state;
  struct sw_store *st = fx_open(fx->db);
  int64_t rule = fx_add_rule(st, "mx");
  write_results(st, rule, 1500);
  assert_true(wal_bytes(fx->db) < 1100 * (4096 + 24) + 32);
  sw_store_close(st);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_commits_wait_in_the_wal_for_the_checkpointer,
                                      fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_automatic_checkpoints_keep_the_wal_small,
                                      fx_setup, fx_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
