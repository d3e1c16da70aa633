/* The rules file of `smtpwatch rules export` and `rules import`
 * (docs/import-export.md): every field of every rule, keyed by the
 * command-line option that sets it ("send", "timeout-ms", "tls"), so a
 * file reads like the options; as JSON (an object with the format's name
 * and version, and the rules, one key a line) or as CSV (RFC 4180, a
 * header row with the same keys). Secrets are never in it: a secret's key
 * says only "set" or "". Rule ids are not either: rules are matched by
 * name, so one file serves many services. Portable and silent: the
 * command line prints what this returns. */
#ifndef SW_RULE_FILE_H
#define SW_RULE_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "rule.h"
#include "sw_buf.h"
#include "sw_error.h"

/* The JSON document's "format" and "version"; a reader refuses another
 * format and a later version. */
#define SW_RULE_FILE_FORMAT "smtpwatch-rules"
#define SW_RULE_FILE_VERSION 1
/* What a secret's key says when the service keeps that secret. */
#define SW_RULE_FILE_SECRET_SET "set"
/* The most rows a file may hold (five times the scale the product is built
 * for; the service's own limit, SW_SVC_IMPORT_MAX_ROWS, is the same), and
 * the largest file read. */
#define SW_RULE_FILE_MAX_ROWS 500000u
#define SW_RULE_FILE_MAX_BYTES (512u * 1024u * 1024u)

/* The key of field `f` in a rules file ("send" for the command); NULL for
 * a value out of range. */
const char *sw_rule_file_key(enum sw_rule_field f);
/* Parses a key back; false if it is not one. */
bool sw_rule_file_field(const char *key, enum sw_rule_field *out);

/* Appends the rules as a file in `json` (else CSV) form: rules[0..n) in the
 * order given (export them in id order, so two exports of the same rules
 * are the same bytes). SW_E_NOMEM. */
enum sw_error sw_rule_file_write(const struct sw_rule *rules, size_t n, bool json,
                                 struct sw_buf *out);

/* One rule read from a file. The rule's auth_password_set and
 * oauth_client_secret_set are what the file says ("set"): the service
 * compares them with what it keeps. */
struct sw_rule_file_row {
  struct sw_rule rule;
  unsigned line; /* where the row starts in the file, from 1 */
};

struct sw_rule_file {
  struct sw_rule_file_row *rows;
  size_t count;
  bool json; /* the file was JSON (else CSV) */
};

/* Reads a rules file: JSON when its first character (after a UTF-8 byte
 * order mark and white space) is '{' or '[', else CSV (the content
 * decides, not the file's name). Text that is not UTF-8, or holds a NUL,
 * is refused. Every row is read and checked with the rule validator; a
 * secret the file says is set counts as present, since only the service
 * knows. Returns SW_E_OK with every row in *out, or SW_E_INVALID_ARGUMENT
 * with one line per problem in `errors` ("line 12: rule \"mx1\": Port must
 * be ..."; lines end in '\n'), at most `max_errors` of them and then a
 * line that says how many more; SW_E_NOMEM. *out is empty on error. */
enum sw_error sw_rule_file_read(const char *data, size_t len, size_t max_errors,
                                struct sw_rule_file *out, struct sw_buf *errors);
void sw_rule_file_free(struct sw_rule_file *f);

/* Internal, for the readers: what a field's value is in JSON. */
enum sw__rule_file_kind {
  SW__RULE_FILE_TEXT,   /* a string */
  SW__RULE_FILE_NUMBER, /* a whole number */
  SW__RULE_FILE_BOOL,   /* true or false */
  SW__RULE_FILE_SECRET  /* a string: "set" or "" */
};
enum sw__rule_file_kind sw__rule_file_kind(enum sw_rule_field f);

/* Internal, for rule_file_read.c, rule_file_csv.c and rule_file_json.c:
 * the reader's state. */
struct sw__rule_file_reader {
  struct sw_rule_file *out;
  struct sw_buf *errors;
  size_t max_errors, nerrors;
  size_t cap;          /* rows allocated */
  enum sw_error nomem; /* sticky SW_E_NOMEM */
};
/* Records a problem at `line` (0: none) as a line of `errors`. */
void sw__rule_file_fail(struct sw__rule_file_reader *r, unsigned line, const char *fmt,
                        ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A new row at `line`, with the rule defaults; NULL (recorded) when out of
 * memory or past SW_RULE_FILE_MAX_ROWS. */
struct sw_rule_file_row *sw__rule_file_row(struct sw__rule_file_reader *r, unsigned line);
/* Sets field `f` of `row` from its text as a CSV cell or a JSON value
 * holds it ("" is the field's default); false, with the problem recorded,
 * if the text is not a value of that field. */
bool sw__rule_file_set(struct sw__rule_file_reader *r, struct sw_rule_file_row *row,
                       enum sw_rule_field f, const char *text);
/* Reads CSV `data` (BOM already skipped) into rows. */
void sw__rule_file_read_csv(struct sw__rule_file_reader *r, const char *data, size_t len);
/* Reads JSON `data` (BOM already skipped) into rows (rule_file_json.c). */
void sw__rule_file_read_json(struct sw__rule_file_reader *r, const char *data,
                             size_t len);

#endif
