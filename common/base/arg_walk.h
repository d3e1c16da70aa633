/* The command-line syntax every smtpwatch subcommand shares: "--opt VALUE",
 * "--opt=VALUE", short forms "-p VALUE" and "-pVALUE", options before or
 * after the other words, and "--" to end the options. The walker knows only
 * spellings; what an option means is the caller's (a table of options and
 * a callback), so `check`, `rules add` and `rules edit` read the rule
 * options through the same code. Portable and silent: problems are
 * sentences collected for the caller to print. */
#ifndef SW_ARG_WALK_H
#define SW_ARG_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "sw_buf.h"
#include "sw_error.h"

/* One option a command accepts. Tables end with an entry whose long_name
 * is NULL. */
struct sw_arg_opt {
  const char *long_name; /* "port": spelled "--port" */
  char short_name;       /* 'p': spelled "-p"; 0 if none */
  bool has_value;        /* takes a value; else a flag */
  int id;                /* the caller's, handed back to its callback */
};

/* Problems found while parsing: sentences separated by '\n', no final
 * newline. Out of memory is remembered rather than lost. */
struct sw_arg_errors {
  struct sw_buf text;
  enum sw_error nomem; /* SW_E_NOMEM once memory ran out, else SW_E_OK */
};

void sw_arg_errors_init(struct sw_arg_errors *e);
void sw_arg_errors_free(struct sw_arg_errors *e);
/* Appends one sentence (printf format). */
void sw_arg_fail(struct sw_arg_errors *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Hands the result to a caller's buffer: SW_E_NOMEM if memory ran out,
 * else SW_E_INVALID_ARGUMENT after appending the sentences to `errors` if
 * there are any, else SW_E_OK. */
enum sw_error sw_arg_errors_report(struct sw_arg_errors *e, struct sw_buf *errors);

/* A user's word as it may appear in a message: control characters and bad
 * UTF-8 shown as '?', cut at a character boundary with "..." if long. */
struct sw_arg_quoted {
  char text[80];
};
struct sw_arg_quoted sw_arg_quote(const char *s);

/* Decimal digits only (no sign, spaces or hex). A huge number saturates
 * above UINT32_MAX instead of overflowing, so that the caller reports it as
 * out of range. False if `s` is not a number. */
bool sw_arg_number(const char *s, uint64_t *out);

/* Called for each option with its value (NULL for a flag), and for each
 * other word with opt == NULL. */
typedef void (*sw_arg_fn)(void *ctx, const struct sw_arg_opt *opt, const char *value);

/* Walks argv[first..argc). `tables` is a NULL-terminated list of option
 * tables, searched in order. Spelling mistakes (an unknown option, a
 * missing value, a value given to a flag) go to `errors` and the walk goes
 * on, so that every mistake is reported at once. A value is the next word
 * whatever it looks like ("--expect -ERR"); "--opt=" gives "". */
void sw_arg_walk(int argc, char **argv, int first, const struct sw_arg_opt *const *tables,
                 sw_arg_fn fn, void *ctx, struct sw_arg_errors *errors);

#endif
