/* The intrusive list (sw_list.h): order of insertion at either end,
 * removal from anywhere, iteration that survives freeing the node it is on,
 * and the "in a list" state the engine and the pipe server rely on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sw_list.h"

struct item {
  int value;
  struct sw_list_node link;
};

/* The values of the list `head`, first to last, into `out` (at most
 * `max`); returns how many there are. */
static size_t values(const struct sw_list_node *head, int *out, size_t max)
{
  size_t n = 0;
  const struct sw_list_node *node;
  SW_LIST_FOREACH(node, head)
  {
    if (n < max)
      out[n] = sw_list_entry(node, const struct item, link)->value;
    n++;
  }
  return n;
}

static void expect_values(const struct sw_list_node *head, const int *want, size_t len)
{
  int got[16];
  assert_int_equal(values(head, got, 16), len);
  for (size_t i = 0; i < len; i++)
    assert_int_equal(got[i], want[i]);
}

/* A list of `it[0]` to `it[n-1]` in that order, valued 0 to n-1. */
static void queue_in_order(struct sw_list_node *head, struct item *it, int n)
{
  sw_list_init(head);
  for (int i = 0; i < n; i++) {
    it[i].value = i;
    sw_list_insert_tail(head, &it[i].link);
  }
}

static void a_new_list_is_empty(void **state)
{
  (void)state;
  struct sw_list_node head;
  sw_list_init(&head);
  assert_true(sw_list_empty(&head));
  assert_null(sw_list_first(&head));
  expect_values(&head, NULL, 0);
}

static void tail_inserts_queue_and_head_inserts_stack(void **state)
{
  (void)state;
  struct sw_list_node head;
  struct item it[4] = {{.value = 1}, {.value = 2}, {.value = 3}, {.value = 4}};
  sw_list_init(&head);
  sw_list_insert_tail(&head, &it[0].link);
  sw_list_insert_tail(&head, &it[1].link);
  sw_list_insert_head(&head, &it[2].link);
  sw_list_insert_head(&head, &it[3].link);
  assert_false(sw_list_empty(&head));
  expect_values(&head, (const int[]){4, 3, 1, 2}, 4);
  assert_ptr_equal(sw_list_first(&head), &it[3].link);
}

static void remove_unlinks_from_any_place(void **state)
{
  (void)state;
  struct sw_list_node head;
  struct item it[5];
  queue_in_order(&head, it, 5);
  sw_list_remove(&it[2].link); /* middle */
  expect_values(&head, (const int[]){0, 1, 3, 4}, 4);
  sw_list_remove(&it[0].link); /* first */
  expect_values(&head, (const int[]){1, 3, 4}, 3);
  sw_list_remove(&it[4].link); /* last */
  expect_values(&head, (const int[]){1, 3}, 2);
  /* The list still links both ways: a tail insert lands after 3. */
  sw_list_insert_tail(&head, &it[0].link);
  expect_values(&head, (const int[]){1, 3, 0}, 3);
  sw_list_remove(&it[1].link);
  sw_list_remove(&it[3].link);
  sw_list_remove(&it[0].link);
  assert_true(sw_list_empty(&head));
  assert_null(sw_list_first(&head));
}

static void a_node_knows_whether_it_is_linked(void **state)
{
  (void)state;
  struct sw_list_node head;
  struct item a = {.value = 7}, b = {.value = 8};
  sw_list_init(&head);
  sw_list_init(&a.link);
  assert_false(sw_list_linked(&a.link));
  sw_list_insert_tail(&head, &a.link);
  sw_list_insert_tail(&head, &b.link);
  assert_true(sw_list_linked(&a.link));
  sw_list_remove(&a.link);
  assert_false(sw_list_linked(&a.link));
  /* Removing a node that is in no list again changes nothing. */
  sw_list_remove(&a.link);
  expect_values(&head, (const int[]){8}, 1);
}

static void safe_walk_survives_freeing_each_node(void **state)
{
  (void)state;
  struct sw_list_node head, *node, *tmp;
  sw_list_init(&head);
  for (int i = 0; i < 6; i++) {
    struct item *it = malloc(sizeof *it);
    assert_non_null(it);
    it->value = i;
    sw_list_insert_tail(&head, &it->link);
  }
  /* Free the even ones while walking (ASan reports a use after free if the
   * walk reads a freed node). */
  int seen = 0;
  SW_LIST_FOREACH_SAFE(node, tmp, &head)
  {
    struct item *it = sw_list_entry(node, struct item, link);
    assert_int_equal(it->value, seen++);
    if (it->value % 2 == 0) {
      sw_list_remove(node);
      free(it);
    }
  }
  assert_int_equal(seen, 6);
  expect_values(&head, (const int[]){1, 3, 5}, 3);
  SW_LIST_FOREACH_SAFE(node, tmp, &head)
  {
    sw_list_remove(node);
    free(sw_list_entry(node, struct item, link));
  }
  assert_true(sw_list_empty(&head));
}

static void first_drains_a_queue_in_order(void **state)
{
  (void)state;
  struct sw_list_node head, *node;
  struct item it[3];
  queue_in_order(&head, it, 3);
  int want = 0;
  while ((node = sw_list_first(&head)) != NULL) {
    sw_list_remove(node);
    assert_int_equal(sw_list_entry(node, struct item, link)->value, want);
    want++;
  }
  assert_int_equal(want, 3);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_new_list_is_empty),
      cmocka_unit_test(tail_inserts_queue_and_head_inserts_stack),
      cmocka_unit_test(remove_unlinks_from_any_place),
      cmocka_unit_test(a_node_knows_whether_it_is_linked),
      cmocka_unit_test(safe_walk_survives_freeing_each_node),
      cmocka_unit_test(first_drains_a_queue_in_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
