/* The client's side of `rules export` and `rules import` on the pipe
 * (docs/pipe-protocol.md, "Importing rules"): the rules of RULE_LIST
 * pages collected for a file, the file's rows cut into IMPORT_ROWS
 * requests that fit a frame, and the service's IMPORT_OK read and told to
 * people or scripts. Portable and silent. */
#ifndef SW_RULE_IMPORT_H
#define SW_RULE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manage_view.h"
#include "rule_file.h"
#include "sw_buf.h"

/* A growing list of rules (export). */
struct sw_manage_rules {
  struct sw_rule *items;
  size_t count, cap;
};
void sw_manage_rules_free(struct sw_manage_rules *l);

/* Appends the RULE records of a RULE_LIST_OK body to *l; *page says
 * whether there is more, and the last id (the next request's AFTER).
 * SW_E_INVALID_ARGUMENT for a malformed body, SW_E_NOMEM. */
enum sw_error sw_manage_rules_page(const uint8_t *body, size_t len,
                                   struct sw_manage_rules *l,
                                   struct sw_manage_page *page);

/* The payload of IMPORT_ROWS requests stays under this, well inside the
 * frame limit (a rule record is at most a few KiB). */
#define SW_MANAGE_IMPORT_CHUNK (256u * 1024u)

/* The fields of the next IMPORT_ROWS request: IMPORT_FIRST for the
 * first (*next 0), then from row *next on, each
 * row's IMPORT_LINE then its RULE record (without secrets: a file has
 * none), until the chunk is full; *next moves past them. */
void sw_manage_import_rows(const struct sw_rule_file *f, size_t *next,
                           struct sw_buf *fields);

/* What the service did (IMPORT_OK), or would do for a dry run. */
struct sw_manage_import_result {
  bool dry_run, replace;
  int64_t added, updated, unchanged, deleted;
  char *actions; /* a letter per row of the file, in order: 'a'
                    added, 'u' updated, '=' unchanged; owned */
  size_t nactions;
  char **deleted_names; /* owned; as many as the frame held */
  size_t ndeleted_names;
};
enum sw_error sw_manage_import_read(const uint8_t *body, size_t len,
                                    struct sw_manage_import_result *out);
void sw_manage_import_result_free(struct sw_manage_import_result *r);

/* The plan for people (a line per rule that changes, and a summary;
 * `all` lists the unchanged too) or as JSON (`json`: counts and a
 * {"name", "line", "action"} object per rule). SW_E_NOMEM. */
enum sw_error sw_manage_import_text(const struct sw_rule_file *f,
                                    const struct sw_manage_import_result *r, bool json,
                                    bool all, struct sw_buf *out);

#endif
