/* Reading a rules file: which form it is, and what holds for every row
 * whatever the form: the validator's verdict and unique names. The forms
 * themselves are read by rule_file_json.c and rule_file_csv.c. */
#include "rule_file.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_array.h"
#include "sw_utf8.h"

void sw__rule_file_fail(struct sw__rule_file_reader *r, unsigned line, const char *fmt,
                        ...)
{
  if (r->nerrors++ >= r->max_errors)
    return;
  enum sw_error err = SW_E_OK;
  if (line)
    sw_buf_printf_sticky(r->errors, &err, "line %u: ", line);
  va_list ap;
  va_start(ap, fmt);
  if (!err)
    err = sw_buf_vprintf(r->errors, fmt, ap);
  va_end(ap);
  sw_buf_append_sticky(r->errors, &err, "\n", 1);
  if (err)
    r->nomem = err;
}

struct sw_rule_file_row *sw__rule_file_row(struct sw__rule_file_reader *r, unsigned line)
{
  struct sw_rule_file *f = r->out;
  if (f->count >= SW_RULE_FILE_MAX_ROWS) {
    if (f->count == SW_RULE_FILE_MAX_ROWS)
      sw__rule_file_fail(r, line, "The file holds more than %u rules: split it.",
                         SW_RULE_FILE_MAX_ROWS);
    return NULL;
  }
  struct sw_rule_file_row *rows =
      sw_array_grow(f->rows, &r->cap, f->count, sizeof *rows, 64);
  if (!rows) {
    r->nomem = SW_E_NOMEM;
    return NULL;
  }
  f->rows = rows;
  struct sw_rule_file_row *row = &f->rows[f->count++];
  sw_rule_init_defaults(&row->rule);
  row->line = line;
  return row;
}

void sw_rule_file_free(struct sw_rule_file *f)
{
  for (size_t i = 0; i < f->count; i++)
    sw_rule_free(&f->rows[i].rule);
  free(f->rows);
  *f = (struct sw_rule_file){0};
}

/* The validator's verdict on one row, each problem on a line of its own.
 * A secret counts as present where the rule needs it: whether the service
 * keeps it is for the service to say. */
static void validate_row(struct sw__rule_file_reader *r,
                         const struct sw_rule_file_row *row)
{
  struct sw_rule probe = row->rule;
  probe.auth_password_set |= probe.auth_user && *probe.auth_user;
  probe.oauth_client_secret_set |= probe.oauth_token_url && *probe.oauth_token_url;
  probe.mailbox_password_set |= probe.round_trip != SW_ROUND_TRIP_NONE;
  struct sw_rule_problems p = {0};
  if (sw_rule_validate(&probe, &p))
    return;
  for (size_t i = 0; i < p.count; i++)
    sw__rule_file_fail(r, row->line, "rule \"%s\": %s",
                       row->rule.name ? row->rule.name : "", p.items[i].message);
}

static int by_name(const void *a, const void *b)
{
  const struct sw_rule_file_row *const *x = a, *const *y = b;
  int c = strcmp((*x)->rule.name ? (*x)->rule.name : "",
                 (*y)->rule.name ? (*y)->rule.name : "");
  return c ? c : ((*x)->line > (*y)->line) - ((*x)->line < (*y)->line);
}

/* Rules are matched by name, so a name may be in the file only once. */
static void check_names(struct sw__rule_file_reader *r)
{
  struct sw_rule_file *f = r->out;
  if (f->count < 2)
    return;
  const struct sw_rule_file_row **sorted = malloc(f->count * sizeof *sorted);
  if (!sorted) {
    r->nomem = SW_E_NOMEM;
    return;
  }
  for (size_t i = 0; i < f->count; i++)
    sorted[i] = &f->rows[i];
  qsort(sorted, f->count, sizeof *sorted, by_name);
  for (size_t i = 1; i < f->count; i++) {
    const char *name = sorted[i]->rule.name;
    if (name && *name && sorted[i - 1]->rule.name &&
        !strcmp(name, sorted[i - 1]->rule.name))
      sw__rule_file_fail(r, sorted[i]->line,
                         "rule \"%s\" is in the file already (line %u): rules are "
                         "matched by name, so each name may be given once.",
                         name, sorted[i - 1]->line);
  }
  free(sorted);
}

/* A file that is not UTF-8 (a CSV saved in Windows-1252) or holds a NUL
 * would be read into other text than it shows: refused, with the line of
 * the first bad byte. */
static bool plain_utf8(struct sw__rule_file_reader *r, const char *data, size_t len)
{
  unsigned line = 1;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t n = sw_utf8_next(data + i, len - i, &cp);
    if (cp == SW_UTF8_INVALID || cp == 0) {
      sw__rule_file_fail(r, line,
                         cp == 0 ? "the file holds a NUL byte: is it a rules file?"
                                 : "the file is not UTF-8 text here: save it as "
                                   "UTF-8 (Notepad: Save as, Encoding UTF-8).");
      return false;
    }
    line += data[i] == '\n';
    i += n;
  }
  return true;
}

enum sw_error sw_rule_file_read(const char *data, size_t len, size_t max_errors,
                                struct sw_rule_file *out, struct sw_buf *errors)
{
  *out = (struct sw_rule_file){0};
  struct sw__rule_file_reader r = {
      .out = out, .errors = errors, .max_errors = max_errors};
  if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
    data += 3; /* the byte order mark Notepad and PowerShell write */
    len -= 3;
  }
  size_t i = 0;
  while (i < len && strchr(" \t\r\n", data[i]) && data[i])
    i++;
  if (len > SW_RULE_FILE_MAX_BYTES)
    sw__rule_file_fail(&r, 0, "The file is larger than %u MiB.",
                       SW_RULE_FILE_MAX_BYTES >> 20);
  else if (i == len)
    sw__rule_file_fail(&r, 0,
                       "The file is empty: a file without rules still has its "
                       "header row (CSV) or says \"rules\": [] (JSON).");
  else if (!plain_utf8(&r, data, len))
    ; /* said */
  else if (data[i] == '{' || data[i] == '[')
    out->json = true, sw__rule_file_read_json(&r, data, len);
  else
    sw__rule_file_read_csv(&r, data, len);
  if (!r.nerrors && !r.nomem)
    for (size_t k = 0; k < out->count; k++)
      validate_row(&r, &out->rows[k]);
  if (!r.nerrors && !r.nomem)
    check_names(&r);
  if (r.nerrors > r.max_errors && !r.nomem)
    sw_buf_printf_sticky(errors, &r.nomem, "... and %u more problems.\n",
                         (unsigned)(r.nerrors - r.max_errors));
  if (r.nerrors || r.nomem) {
    sw_rule_file_free(out);
    return r.nomem ? SW_E_NOMEM : SW_E_INVALID_ARGUMENT;
  }
  return SW_E_OK;
}
