/* An import's plan (svc_import_plan.h). */
#include "svc_import_plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What planning carries from row to row. */
struct planner {
  struct sw_svc_import_plan *plan;
  const struct sw_store_rule **by_name; /* the stored rules, sorted by name */
  bool *matched;                        /* per stored rule (by index in `stored`) */
  struct sw_buf *problems;
  size_t max_problems, nproblems;
};

static const char *name_of(const struct sw_rule *r)
{
  return r->name ? r->name : "";
}

static void problem(struct planner *p, unsigned line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void problem(struct planner *p, unsigned line, const char *fmt, ...)
{
  if (p->nproblems++ >= p->max_problems)
    return;
  sw_buf_printf(p->problems, "line %u: ", line);
  va_list ap;
  va_start(ap, fmt);
  sw_buf_vprintf(p->problems, fmt, ap);
  va_end(ap);
  sw_buf_append(p->problems, "\n", 1);
}

static int stored_by_name(const void *a, const void *b)
{
  const struct sw_store_rule *const *x = a, *const *y = b;
  int c = strcmp(name_of(&(*x)->rule), name_of(&(*y)->rule));
  return c ? c : ((*x)->rule.id > (*y)->rule.id) - ((*x)->rule.id < (*y)->rule.id);
}

/* The stored rule named `name`, or NULL; *twice if more than one is. */
static const struct sw_store_rule *find(const struct planner *p, const char *name,
                                        const struct sw_store_rule **twice)
{
  size_t lo = 0, hi = p->plan->stored.count;
  while (lo < hi) { /* the first whose name is not below `name` */
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(name_of(&p->by_name[mid]->rule), name) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == p->plan->stored.count || strcmp(name_of(&p->by_name[lo]->rule), name))
    return NULL;
  *twice =
      lo + 1 < p->plan->stored.count && !strcmp(name_of(&p->by_name[lo + 1]->rule), name)
          ? p->by_name[lo + 1]
          : NULL;
  return p->by_name[lo];
}

/* A secret the file says is set, but that the service will not have. */
static void check_secret(struct planner *p, const struct sw_svc_import_row *row,
                         bool said, bool will, const char *what, const char *option)
{
  if (said && !will)
    problem(
        p, row->line,
        "rule \"%s\": the file says its %s is set, but this service keeps none for "
        "it, and a rules file never carries one: set it first with 'smtpwatch rules "
        "add|edit ... --%s F' (or leave the key empty if the rule no longer needs it).",
        name_of(&row->rule), what, option);
}

/* The stored rule row `i` is matched with; NULL for a new rule. False
 * after a problem (two stored rules of that name). */
static bool match(struct planner *p, const struct sw_svc_import_row *row,
                  const struct sw_store_rule **stored)
{
  const struct sw_store_rule *twice = NULL;
  *stored = find(p, name_of(&row->rule), &twice);
  if (twice) {
    problem(p, row->line,
            "rule \"%s\": this service has more than one rule of that name (ids %lld and "
            "%lld), and rules are matched by name: rename one of them first.",
            name_of(&row->rule), (long long)(*stored)->rule.id,
            (long long)twice->rule.id);
    return false;
  }
  if (*stored)
    p->matched[*stored - p->plan->stored.items] = true;
  return true;
}

/* Row `i`: its rule as it will be stored, its secrets settled, checked,
 * and its op. False if DPAPI failed (why in `problems`). */
static bool plan_row(struct planner *p, const struct sw_svc_import_row *row, size_t i)
{
  struct sw_svc_import_plan *plan = p->plan;
  struct sw_rule *rule = &plan->rules[i];
  const struct sw_store_rule *stored = NULL;
  if (!match(p, row, &stored))
    return true;
  char why[256];
  static const struct sw_pipe_rule_secrets none = {0};
  if (!sw_svc_secrets_settle(rule, &none, stored, &plan->writes[i], why, sizeof why)) {
    sw_buf_printf(p->problems, "%s\n", why);
    return false;
  }
  check_secret(p, row, row->rule.auth_password_set, rule->auth_password_set,
               "AUTH password", "auth-password-file");
  check_secret(p, row, row->rule.oauth_client_secret_set, rule->oauth_client_secret_set,
               "OAuth client secret", "oauth-client-secret-file");
  check_secret(p, row, row->rule.mailbox_password_set, rule->mailbox_password_set,
               "mailbox password", "mailbox-password-file");
  struct sw_rule_problems found = {0};
  if (!sw_rule_validate(rule, &found))
    for (size_t k = 0; k < found.count; k++)
      problem(p, row->line, "rule \"%s\": %s", name_of(rule), found.items[k].message);
  rule->id = stored ? stored->rule.id : 0;
  bool same = stored && sw_rule_diff(rule, &stored->rule) == 0;
  plan->actions[i] = !stored ? 'a' : same ? '=' : 'u';
  *(!stored ? &plan->added : same ? &plan->unchanged : &plan->updated) += 1;
  if (!same)
    plan->ops[plan->nops++] = (struct sw_store_import_op){
        .kind = stored ? SW_STORE_IMPORT_UPDATE : SW_STORE_IMPORT_ADD,
        .rule = rule,
        .secrets = &plan->writes[i].writes,
        .expected_revision = stored ? stored->revision : 0};
  return true;
}

static int rows_by_name(const void *a, const void *b)
{
  const struct sw_svc_import_row *const *x = a, *const *y = b;
  int c = strcmp(name_of(&(*x)->rule), name_of(&(*y)->rule));
  return c ? c : ((*x)->line > (*y)->line) - ((*x)->line < (*y)->line);
}

/* A name twice in the file: the client checks it too, but the service
 * must not trust it to. */
static bool unique_names(struct planner *p, const struct sw_svc_import_row *rows,
                         size_t n)
{
  const struct sw_svc_import_row **sorted = malloc((n ? n : 1) * sizeof *sorted);
  if (!sorted)
    return false;
  for (size_t i = 0; i < n; i++)
    sorted[i] = &rows[i];
  qsort(sorted, n, sizeof *sorted, rows_by_name);
  for (size_t i = 1; i < n; i++)
    if (!strcmp(name_of(&sorted[i]->rule), name_of(&sorted[i - 1]->rule)))
      problem(p, sorted[i]->line,
              "rule \"%s\" is in the file already (line %u): rules are matched by name.",
              name_of(&sorted[i]->rule), sorted[i - 1]->line);
  free(sorted);
  return true;
}

/* The memory of a plan for n rows and the stored rules. */
static bool allocate(struct sw_svc_import_plan *plan, struct planner *p,
                     const struct sw_svc_import_row *rows, size_t n)
{
  size_t ns = plan->stored.count;
  plan->actions = calloc(n + 1, 1);
  plan->rules = calloc(n ? n : 1, sizeof *plan->rules);
  plan->writes = calloc(n ? n : 1, sizeof *plan->writes);
  plan->ops = calloc(n + ns + 1, sizeof *plan->ops);
  plan->deleted = calloc(ns + 1, sizeof *plan->deleted);
  p->by_name = malloc((ns + 1) * sizeof *p->by_name);
  p->matched = calloc(ns + 1, sizeof *p->matched);
  if (!plan->actions || !plan->rules || !plan->writes || !plan->ops || !plan->deleted ||
      !p->by_name || !p->matched)
    return false;
  for (size_t i = 0; i < n; i++, plan->nrows++) {
    sw_rule_init_defaults(&plan->rules[i]);
    if (sw_rule_copy(&plan->rules[i], &rows[i].rule))
      return false;
  }
  for (size_t i = 0; i < ns; i++)
    p->by_name[i] = &plan->stored.items[i];
  qsort(p->by_name, ns, sizeof *p->by_name, stored_by_name);
  return true;
}

enum sw_store_error sw_svc_import_plan(struct sw_store *st,
                                       const struct sw_svc_import_row *rows, size_t n,
                                       bool replace, size_t max_problems,
                                       struct sw_svc_import_plan *plan,
                                       struct sw_buf *problems)
{
  memset(plan, 0, sizeof *plan);
  struct planner p = {.plan = plan, .problems = problems, .max_problems = max_problems};
  enum sw_store_error err = sw_store_rule_list(st, &plan->stored);
  if (!err && (!allocate(plan, &p, rows, n) || !unique_names(&p, rows, n)))
    err = SW_STORE_NOMEM;
  for (size_t i = 0; !err && i < n; i++)
    if (!plan_row(&p, &rows[i], i))
      err = SW_STORE_INVALID_ARGUMENT;
  for (size_t i = 0; !err && replace && i < plan->stored.count; i++)
    if (!p.matched[i]) {
      const struct sw_store_rule *s = &plan->stored.items[i];
      plan->ops[plan->nops++] =
          (struct sw_store_import_op){.kind = SW_STORE_IMPORT_DELETE, .id = s->rule.id};
      plan->deleted[plan->ndeleted++] = name_of(&s->rule);
    }
  if (!err && p.nproblems > p.max_problems)
    sw_buf_printf(problems, "... and %u more problems.\n",
                  (unsigned)(p.nproblems - p.max_problems));
  if (!err && p.nproblems)
    err = SW_STORE_INVALID_RULE;
  free(p.by_name);
  free(p.matched);
  return err;
}

void sw_svc_import_plan_free(struct sw_svc_import_plan *plan)
{
  for (size_t i = 0; i < plan->nrows; i++) {
    sw_rule_free(&plan->rules[i]);
    sw_svc_secret_writes_free(&plan->writes[i]);
  }
  free(plan->actions);
  free(plan->rules);
  free(plan->writes);
  free(plan->ops);
  free(plan->deleted);
  sw_store_rule_list_free(&plan->stored);
  memset(plan, 0, sizeof *plan);
}
