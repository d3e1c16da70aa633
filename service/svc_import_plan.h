/* What an import of rules does to the stored ones (docs/import-export.md):
 * each row of the file matched by name with a stored rule (updated, or
 * unchanged) or added; with `replace`, every stored rule the file does
 * not name deleted. Each row is checked against what the service keeps:
 * its secrets (a file never carries one: it keeps the stored one, and a
 * row that says "set" where nothing is stored is refused), names that are
 * unique, and the validator's verdict, with the row's file line. Loop
 * thread (it reads the store). */
#ifndef SW_SVC_IMPORT_PLAN_H
#define SW_SVC_IMPORT_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "svc_rule_secrets.h"
#include "sw_buf.h"

/* The most rows an import may stage: five times the 100,000 rules the
 * service is built for, and one letter each still fits IMPORT_OK's frame
 * (SW_RULE_FILE_MAX_ROWS, the command line's own limit, is the same). */
#define SW_SVC_IMPORT_MAX_ROWS 500000u

/* A row as the client staged it: rule.auth_password_set and
 * rule.oauth_client_secret_set are what the file said. */
struct sw_svc_import_row {
  struct sw_rule rule;
  unsigned line;
};

struct sw_svc_import_plan {
  char *actions; /* a letter per row: 'a', 'u' or '=' */
  size_t added, updated, unchanged;
  struct sw_store_import_op *ops; /* what the store is to do */
  size_t nops;
  struct sw_rule *rules;               /* per row: the rule to store */
  struct sw_svc_secret_writes *writes; /* per row */
  size_t nrows;
  struct sw_store_rule_list stored;
  const char **deleted; /* names of the rules deleted (in `stored`) */
  size_t ndeleted;
};

/* Plans the import of rows[0..n) against the store. Returns SW_STORE_OK
 * with the plan, or SW_STORE_INVALID_RULE with one line per problem in
 * `problems` ("line 12: rule \"mx1\": Port must be ..."; at most
 * `max_problems`, then how many more), or the store's error reading the
 * rules (SW_STORE_NOMEM when memory ran out, SW_STORE_INVALID_ARGUMENT when DPAPI
 * failed, with its sentence in `problems`). Free the plan with
 * sw_svc_import_plan_free either way. */
enum sw_store_error sw_svc_import_plan(struct sw_store *st,
                                       const struct sw_svc_import_row *rows, size_t n,
                                       bool replace, size_t max_problems,
                                       struct sw_svc_import_plan *plan,
                                       struct sw_buf *problems);
void sw_svc_import_plan_free(struct sw_svc_import_plan *plan);

#endif
