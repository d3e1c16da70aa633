/* A rules file as CSV (RFC 4180): a header row of keys, then one rule a
 * record. Fields are separated by commas; a field in double quotes may
 * hold commas, line breaks and doubled quotes. Records end in CRLF or LF
 * (a file saved on Linux); blank lines are skipped. */
#include "rule_file.h"

#include <string.h>

#define MAX_COLUMNS 64 /* more than there are keys: a duplicate is named */

/* One record: its fields, NUL-terminated, one after the other in `text`. */
struct record {
  struct sw_buf text;
  size_t starts[MAX_COLUMNS];
  size_t count;
  unsigned line; /* where it starts */
  bool too_many;
};

struct csv {
  const char *p, *end;
  unsigned line; /* of *p */
};

static void end_field(struct record *rec, enum sw_error *err)
{
  sw_buf_append_sticky(&rec->text, err, "", 1);
  if (rec->count == MAX_COLUMNS)
    rec->too_many = true;
  else if (!*err)
    rec->starts[rec->count++] = rec->text.len;
}

/* A quoted field from just after its opening quote; false, with the
 * problem recorded, if it never ends or is followed by anything but a
 * separator. */
static bool quoted(struct sw__rule_file_reader *r, struct csv *c, struct record *rec,
                   enum sw_error *err)
{
  unsigned opened = c->line;
  for (;;) {
    if (c->p == c->end) {
      sw__rule_file_fail(r, opened, "a quoted field is never closed: a '\"' is missing.");
      return false;
    }
    char ch = *c->p++;
    if (ch == '"') {
      if (c->p < c->end && *c->p == '"') {
        c->p++;
        sw_buf_append_sticky(&rec->text, err, "\"", 1);
        continue;
      }
      if (c->p < c->end && !strchr(",\r\n", *c->p)) {
        sw__rule_file_fail(r, c->line,
                           "a quoted field goes on after its closing quote: quote the "
                           "whole field, and double any '\"' inside it.");
        return false;
      }
      return true;
    }
    if (ch == '\n')
      c->line++;
    sw_buf_append_sticky(&rec->text, err, &ch, 1);
  }
}

/* Reads the next record into `rec`; false at the end of the file or after
 * a problem (recorded; reading stops there). */
static bool next_record(struct sw__rule_file_reader *r, struct csv *c, struct record *rec)
{
  enum sw_error err = SW_E_OK;
  while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) /* blank lines */
    c->line += *c->p++ == '\n';
  if (c->p == c->end)
    return false;
  rec->text.len = 0;
  rec->count = 0;
  rec->too_many = false;
  rec->line = c->line;
  rec->starts[rec->count++] = 0;
  bool at_start = true;
  while (c->p < c->end) {
    char ch = *c->p++;
    if (ch == '\n' || (ch == '\r' && c->p < c->end && *c->p == '\n')) {
      c->p += ch == '\r';
      c->line++;
      break;
    }
    if (ch == ',') {
      end_field(rec, &err);
      at_start = true;
      continue;
    }
    if (ch == '"' && at_start) {
      if (!quoted(r, c, rec, &err))
        return false;
      at_start = false;
      continue;
    }
    if (ch == '"') {
      sw__rule_file_fail(
          r, c->line,
          "a '\"' inside a field that is not quoted: quote the whole field "
          "and double the '\"'.");
      return false;
    }
    at_start = false;
    sw_buf_append_sticky(&rec->text, &err, &ch, 1);
  }
  sw_buf_append_sticky(&rec->text, &err, "", 1);
  if (err)
    r->nomem = err;
  return !err;
}

static const char *field(const struct record *rec, size_t i)
{
  return rec->text.data ? (const char *)rec->text.data + rec->starts[i] : "";
}

/* The header row: every column a key, none twice. */
static bool read_header(struct sw__rule_file_reader *r, const struct record *rec,
                        enum sw_rule_field *cols)
{
  bool ok = !rec->too_many;
  if (rec->too_many)
    sw__rule_file_fail(r, rec->line, "the header row has more than %d columns.",
                       MAX_COLUMNS);
  uint64_t seen = 0;
  for (size_t i = 0; ok && i < rec->count; i++) {
    const char *key = field(rec, i);
    if (!sw_rule_file_field(key, &cols[i])) {
      sw__rule_file_fail(r, rec->line,
                         "\"%s\" in the header row is not a key of a rules file (see "
                         "docs/import-export.md; 'smtpwatch rules export --csv' writes "
                         "them all).",
                         key);
      ok = false;
    } else if (seen & SW_RULE_FIELD_BIT(cols[i])) {
      sw__rule_file_fail(r, rec->line, "\"%s\" is in the header row twice.", key);
      ok = false;
    } else {
      seen |= SW_RULE_FIELD_BIT(cols[i]);
    }
  }
  return ok;
}

void sw__rule_file_read_csv(struct sw__rule_file_reader *r, const char *data, size_t len)
{
  struct csv c = {.p = data, .end = data + len, .line = 1};
  struct record rec = {0};
  sw_buf_init(&rec.text, 0);
  enum sw_rule_field cols[MAX_COLUMNS];
  size_t ncols = 0;
  if (next_record(r, &c, &rec) && read_header(r, &rec, cols))
    ncols = rec.count;
  while (ncols && !r->nomem && next_record(r, &c, &rec)) {
    if (rec.count != ncols || rec.too_many) {
      sw__rule_file_fail(r, rec.line, "%u%s values, but the header row has %u columns.",
                         (unsigned)rec.count, rec.too_many ? " or more" : "",
                         (unsigned)ncols);
      continue;
    }
    struct sw_rule_file_row *row = sw__rule_file_row(r, rec.line);
    for (size_t i = 0; row && i < ncols; i++)
      sw__rule_file_set(r, row, cols[i], field(&rec, i));
    if (!row)
      break;
  }
  sw_buf_free(&rec.text);
}
