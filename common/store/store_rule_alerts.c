/* Each rule's alert settings: its policy, the rule it depends on, and the
 * notifiers it names (rule_notifiers; none: the default notifiers). A
 * rule with no row reads as the defaults, so rules from before version 3
 * need no migration of their own. Dependencies never form a loop: a rule
 * whose parent (or its parent's parent...) is the rule itself is
 * refused, or the service would hold both alerts for ever. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The SQL's literal default (SW_STMT_RULE_ALERTS_*) is this. */
_Static_assert(SW_STORE_ALERT_DEFAULT_ON == 15, "the rule_alerts queries say 15");

/* The longest dependency chain walked before the store calls the file
 * damaged: far more rules than anyone chains, and a bound on the loop. */
#define CHAIN_MAX 100000

void sw_store_rule_alerts_free(struct sw_store_rule_alerts *a)
{
  free(a->notifier_ids);
  a->notifier_ids = NULL;
  a->notifier_count = 0;
}

/* A sw__store_item_free_fn. */
static void free_alerts_item(void *item)
{
  sw_store_rule_alerts_free(item);
}

void sw_store_rule_alerts_list_free(struct sw_store_rule_alerts_list *l)
{
  SW__STORE_LIST_FREE(l, free_alerts_item);
}

/* Reads a row of SW_STMT_RULE_ALERTS_SELECT(_ALL) (a sw__store_row_fn). */
static enum sw_store_error read_alerts(struct sw_store *st, sqlite3_stmt *stmt,
                                       void *item)
{
  (void)st; /* nothing to allocate: the notifiers are read afterwards */
  struct sw_store_rule_alerts *a = item;
  a->rule_id = sqlite3_column_int64(stmt, 0);
  a->policy.on = (uint8_t)(sqlite3_column_int(stmt, 1) & SW_ALERT_ON_ALL);
  a->policy.after_s = (uint32_t)sqlite3_column_int64(stmt, 2);
  a->policy.renotify_s = (uint32_t)sqlite3_column_int64(stmt, 3);
  a->depends_on = sqlite3_column_int64(stmt, 4);
  return SW_STORE_OK;
}

/* The ids statement `which` gives for rule `rule_id`. */
static enum sw_store_error read_ids(struct sw_store *st, enum sw_store_stmt which,
                                    int64_t rule_id, int64_t **ids, size_t *count,
                                    const char *what)
{
  const struct sw__store_list_query q = {
      .stmt = which,
      .params = {rule_id},
      .param_count = 1,
      .item_size = sizeof **ids,
      .read = sw__store_read_int64,
      .what = what,
  };
  void *items;
  enum sw_store_error err = sw__store_read_list(st, &q, &items, count);
  *ids = items;
  return err;
}

enum sw_store_error sw_store_rule_alerts_get(struct sw_store *st, int64_t rule_id,
                                             struct sw_store_rule_alerts *out)
{
  char what[80];
  snprintf(what, sizeof what, "reading the alert settings of rule %lld",
           (long long)rule_id);
  memset(out, 0, sizeof *out);
  enum sw_store_error err =
      sw__store_read_row(st, SW_STMT_RULE_ALERTS_SELECT, rule_id, read_alerts, out, what,
                         "it does not exist");
  if (!err)
    err = read_ids(st, SW_STMT_RULE_NOTIFIERS_OF, rule_id, &out->notifier_ids,
                   &out->notifier_count, what);
  return err;
}

/* One rule's notifier (a row of SW_STMT_RULE_NOTIFIERS_ALL). */
struct rule_notifier {
  int64_t rule_id, notifier_id;
};

static enum sw_store_error read_rule_notifier(struct sw_store *st, sqlite3_stmt *stmt,
                                              void *item)
{
  (void)st;
  struct rule_notifier *rn = item;
  rn->rule_id = sqlite3_column_int64(stmt, 0);
  rn->notifier_id = sqlite3_column_int64(stmt, 1);
  return SW_STORE_OK;
}

/* Gives each rule of `out` (in id order) its notifiers, read in one query
 * in rule order: not a query a rule (100,000 of them at the service's
 * start took seconds). */
static enum sw_store_error read_all_notifiers(struct sw_store *st,
                                              struct sw_store_rule_alerts_list *out,
                                              const char *what)
{
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_RULE_NOTIFIERS_ALL,
      .item_size = sizeof(struct rule_notifier),
      .read = read_rule_notifier,
      .what = what,
  };
  void *items;
  size_t n;
  enum sw_store_error err = sw__store_read_list(st, &q, &items, &n);
  const struct rule_notifier *rn = items;
  size_t k = 0;
  for (size_t i = 0; !err && i < out->count && k < n; i++) {
    struct sw_store_rule_alerts *a = &out->items[i];
    while (k < n && rn[k].rule_id < a->rule_id)
      k++; /* cannot be: rule_notifiers' rule_id is a foreign key */
    size_t first = k;
    while (k < n && rn[k].rule_id == a->rule_id)
      k++;
    if (k == first)
      continue;
    a->notifier_ids = malloc((k - first) * sizeof *a->notifier_ids);
    if (!a->notifier_ids) {
      err = sw__store_error(st, SW_STORE_NOMEM, "%s: out of memory", what);
      break;
    }
    for (size_t j = first; j < k; j++)
      a->notifier_ids[a->notifier_count++] = rn[j].notifier_id;
  }
  free(items);
  return err;
}

enum sw_store_error sw_store_rule_alerts_list(struct sw_store *st,
                                              struct sw_store_rule_alerts_list *out)
{
  static const char what[] = "reading the rules' alert settings";
  const struct sw__store_list_query q = {
      .stmt = SW_STMT_RULE_ALERTS_SELECT_ALL,
      .item_size = sizeof *out->items,
      .read = read_alerts,
      .free_item = free_alerts_item,
      .what = what,
  };
  enum sw_store_error err;
  SW__STORE_READ_LIST(err, st, &q, out);
  if (!err)
    err = read_all_notifiers(st, out, what);
  if (err)
    sw_store_rule_alerts_list_free(out);
  return err;
}

enum sw_store_error sw_store_rule_alert_targets(struct sw_store *st, int64_t rule_id,
                                                int64_t **ids, size_t *count)
{
  char what[80];
  snprintf(what, sizeof what, "reading the notifiers of rule %lld", (long long)rule_id);
  *ids = NULL;
  *count = 0;
  struct sw_store_rule_alerts probe;
  enum sw_store_error err =
      sw__store_read_row(st, SW_STMT_RULE_ALERTS_SELECT, rule_id, read_alerts, &probe,
                         what, "the rule does not exist");
  return err ? err : read_ids(st, SW_STMT_ALERT_TARGETS, rule_id, ids, count, what);
}

/* The refusal of a dependency loop: a rule may not wait for itself. */
static enum sw_store_error refuse_loop(struct sw_store *st, const char *what,
                                       int64_t rule_id, int64_t parent, const char *path)
{
  if (parent == rule_id)
    return sw__store_error(st, SW_STORE_INVALID_INPUT,
                           "%s: a rule cannot depend on itself", what);
  return sw__store_error(st, SW_STORE_INVALID_INPUT,
                         "%s: rule %lld cannot depend on rule %lld, which already "
                         "depends on it (%s); dependencies may not form a loop",
                         what, (long long)rule_id, (long long)parent, path);
}

/* INVALID_INPUT if making rule `rule_id` depend on `parent` closes a loop:
 * walks the parent's chain of dependencies. */
static enum sw_store_error check_no_loop(struct sw_store *st, int64_t rule_id,
                                         int64_t parent, const char *what)
{
  char path[200];
  int n = snprintf(path, sizeof path, "%lld", (long long)parent);
  int64_t at = parent;
  for (int steps = 0; at != rule_id; steps++) {
    if (NEVER(steps == CHAIN_MAX)) /* the store never writes a loop */
      return sw__store_error(st, SW_STORE_CORRUPT, "%s: the dependencies form a loop",
                             what);
    int64_t up = 0;
    enum sw_store_error err = sw__store_read_row(
        st, SW_STMT_RULE_PARENT, at, sw__store_read_int64, &up, what, "no parent");
    if (err == SW_STORE_NOT_FOUND)
      return SW_STORE_OK; /* the chain ends without meeting the rule */
    if (err)
      return err;
    at = up;
    if (n >= 0 && (size_t)n < sizeof path)
      n += snprintf(path + n, sizeof path - (size_t)n, " -> %lld", (long long)at);
  }
  return refuse_loop(st, what, rule_id, parent, path);
}

struct alerts_write {
  char what[80];
  const struct sw_store_rule_alerts *a;
};

/* Every reference of the settings exists and no loop is made. */
static enum sw_store_error check_references(struct sw_store *st,
                                            const struct alerts_write *w)
{
  const struct sw_store_rule_alerts *a = w->a;
  char missing[80];
  enum sw_store_error err = sw__store_must_exist(st, SW_STMT_RULE_REVISION, a->rule_id,
                                                 w->what, "the rule does not exist");
  if (!err && a->depends_on) {
    snprintf(missing, sizeof missing,
             "rule %lld, which it would depend on, does not exist",
             (long long)a->depends_on);
    err =
        sw__store_must_exist(st, SW_STMT_RULE_REVISION, a->depends_on, w->what, missing);
    if (!err)
      err = check_no_loop(st, a->rule_id, a->depends_on, w->what);
  }
  for (size_t i = 0; !err && i < a->notifier_count; i++) {
    snprintf(missing, sizeof missing, "notifier %lld does not exist",
             (long long)a->notifier_ids[i]);
    err = sw__store_must_exist(st, SW_STMT_NOTIFIER_EXISTS, a->notifier_ids[i], w->what,
                               missing);
  }
  return err;
}

static enum sw_store_error write_alerts(struct sw_store *st, void *ctx)
{
  const struct alerts_write *w = ctx;
  const struct sw_store_rule_alerts *a = w->a;
  enum sw_store_error err = check_references(st, w);
  sqlite3_stmt *stmt;
  if (!err)
    err = sw__store_stmt(st, SW_STMT_RULE_ALERTS_UPSERT, &stmt, w->what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, a->rule_id);
  sqlite3_bind_int(stmt, 2, a->policy.on);
  sqlite3_bind_int64(stmt, 3, a->policy.after_s);
  sqlite3_bind_int64(stmt, 4, a->policy.renotify_s);
  if (a->depends_on)
    sqlite3_bind_int64(stmt, 5, a->depends_on);
  err = sw__store_run(st, stmt, w->what);
  if (!err)
    err = sw__store_stmt(st, SW_STMT_RULE_NOTIFIERS_CLEAR, &stmt, w->what);
  if (err)
    return err;
  sqlite3_bind_int64(stmt, 1, a->rule_id);
  err = sw__store_run(st, stmt, w->what);
  for (size_t i = 0; !err && i < a->notifier_count; i++) {
    err = sw__store_stmt(st, SW_STMT_RULE_NOTIFIERS_ADD, &stmt, w->what);
    if (!err) {
      sqlite3_bind_int64(stmt, 1, a->rule_id);
      sqlite3_bind_int64(stmt, 2, a->notifier_ids[i]);
      err = sw__store_run(st, stmt, w->what);
    }
  }
  return err;
}

/* INVALID_INPUT for what needs no database to refuse. */
static enum sw_store_error check_settings(struct sw_store *st,
                                          const struct alerts_write *w)
{
  const struct sw_store_rule_alerts *a = w->a;
  if (a->policy.on & ~SW_ALERT_ON_ALL)
    return sw__store_error(st, SW_STORE_INVALID_INPUT, "%s: unknown transitions (0x%x)",
                           w->what, (unsigned)a->policy.on);
  if (a->notifier_count > SW_STORE_RULE_NOTIFIERS_MAX ||
      (a->notifier_count && !a->notifier_ids))
    return sw__store_error(st, SW_STORE_INVALID_INPUT,
                           "%s: a rule names at most %d notifiers", w->what,
                           SW_STORE_RULE_NOTIFIERS_MAX);
  for (size_t i = 0; i < a->notifier_count; i++)
    for (size_t j = 0; j < i; j++)
      if (a->notifier_ids[i] == a->notifier_ids[j])
        return sw__store_error(st, SW_STORE_INVALID_INPUT,
                               "%s: notifier %lld is named twice", w->what,
                               (long long)a->notifier_ids[i]);
  if (a->depends_on == a->rule_id)
    return refuse_loop(st, w->what, a->rule_id, a->depends_on, "");
  return SW_STORE_OK;
}

enum sw_store_error sw_store_rule_alerts_set(struct sw_store *st,
                                             const struct sw_store_rule_alerts *a)
{
  struct alerts_write w = {.a = a};
  snprintf(w.what, sizeof w.what, "changing the alert settings of rule %lld",
           (long long)a->rule_id);
  enum sw_store_error err = check_settings(st, &w);
  return err ? err : sw__store_transaction(st, w.what, write_alerts, &w);
}
