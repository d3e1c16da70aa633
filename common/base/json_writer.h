/* A small streaming JSON writer into an sw_buf: compact output, strings
 * escaped per RFC 8259, and always valid UTF-8 because ill-formed input bytes
 * (a server's reply can hold anything) become U+FFFD.
 *
 * Errors are sticky, so a caller writes a whole document and checks once:
 * after the first error every call does nothing and sw_json_finish reports
 * it. Misuse (a value in an object without a key, unbalanced ends, nesting
 * deeper than SW_JSON_MAX_DEPTH) is SW_E_INVALID_ARGUMENT. */
#ifndef SW_JSON_WRITER_H
#define SW_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"
#include "sw_error.h"

#define SW_JSON_MAX_DEPTH 16

struct sw_json {
  struct sw_buf *out;
  enum sw_error err;
  int depth;
  struct {
    bool is_object;
    bool has_items;
  } stack[SW_JSON_MAX_DEPTH];
  bool after_key; /* a key is written and waits for its value */
  bool done;      /* the top-level value is complete */
};

/* Starts a document that is appended to `out` (borrowed; it must outlive the
 * writer). Nothing is written yet. */
void sw_json_init(struct sw_json *j, struct sw_buf *out);

void sw_json_begin_object(struct sw_json *j);
void sw_json_end_object(struct sw_json *j);
void sw_json_begin_array(struct sw_json *j);
void sw_json_end_array(struct sw_json *j);
/* The next member's name; only inside an object, and followed by a value. */
void sw_json_key(struct sw_json *j, const char *key);
/* A string value from a C string; NULL writes null. */
void sw_json_string(struct sw_json *j, const char *s);
/* A string value from s[0..len), which may hold NUL bytes (written \u0000). */
void sw_json_string_n(struct sw_json *j, const char *s, size_t len);
void sw_json_int(struct sw_json *j, int64_t v);
/* A number with `decimals` digits after the point (0 to 9); null for a
 * value that is not finite (JSON has no NaN). */
void sw_json_decimal(struct sw_json *j, double v, int decimals);
void sw_json_bool(struct sw_json *j, bool v);
void sw_json_null(struct sw_json *j);

/* A member of an object: the key, then the value, as sw_json_key followed
 * by sw_json_string, sw_json_int or sw_json_bool. */
void sw_json_member_string(struct sw_json *j, const char *key, const char *s);
void sw_json_member_int(struct sw_json *j, const char *key, int64_t v);
void sw_json_member_bool(struct sw_json *j, const char *key, bool v);

/* SW_E_OK if one complete value was written, else the first error, which
 * then sticks like any other (nothing more is written). A full
 * `out` (its limit reached) is reported as SW_E_NOMEM: the document is cut
 * short, just as if memory had run out. */
enum sw_error sw_json_finish(struct sw_json *j);

/* Appends s[0..len) as a quoted, escaped JSON string to `out`; what the
 * writer uses for keys and strings. */
enum sw_error sw_json_append_string(struct sw_buf *out, const char *s, size_t len);

#endif
