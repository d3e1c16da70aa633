/* Internal to common/pipe: the records of protocol version 2 are described
 * once, as a table of their fields (tag, kind, where the member is), and
 * one encoder, one decoder and one free walk every table. So a field is
 * written, read and freed by the same row, and a record that must not carry
 * a field (a secret) simply has no row for it. Also the small field readers
 * the version 1 records share. */
#ifndef SW_PIPE_FIELDS_H
#define SW_PIPE_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipe_tlv.h"
#include "sw_buf.h"
#include "sw_error.h"
#include "sw_macros.h"

enum sw__pipe_kind {
  SW__PF_INT,   /* int64_t */
  SW__PF_U32,   /* uint32_t: wire values are clamped into 0..UINT32_MAX */
  SW__PF_BOOL,  /* bool */
  SW__PF_TEXT,  /* char *: borrowed when encoded (NULL: left out), owned when
                 * decoded */
  SW__PF_LIST,  /* char ** and a size_t count at count_at: one STR field per
                 * item, in order; owned when decoded */
  SW__PF_ENUM,  /* an enum (int-sized) written as its machine name from
                 * `names`; a name this build does not know reads as
                 * `unknown` */
  SW__PF_CHARS, /* char[count_at]: a text held in the record itself, cut to
                 * fit when decoded */
};

/* Leave the field out when it is 0, false, NULL or "" (optional facts). */
#define SW__PF_OMIT_ZERO 0x1u
/* A secret: its bytes are zeroed before they are freed. */
#define SW__PF_SECRET 0x2u

struct sw__pipe_field {
  uint16_t tag;
  enum sw__pipe_kind kind;
  size_t at;                /* offsetof the member in the record's struct */
  size_t count_at;          /* SW__PF_LIST: offsetof its count */
  unsigned flags;           /* SW__PF_* */
  const char *const *names; /* SW__PF_ENUM */
  size_t name_count;
  int unknown; /* SW__PF_ENUM: the value of a name we do not know */
};

/* The rows of a table, by kind ("at" and "count_at" are offsetof). */
#define SW__PF_ROW(t, k, at_, f)                                                         \
  {                                                                                      \
    .tag = (t), .kind = (k), .at = (at_), .flags = (f)                                   \
  }
#define SW__PF_LIST_ROW(t, at_, count_at_, f)                                            \
  {                                                                                      \
    .tag = (t), .kind = SW__PF_LIST, .at = (at_), .count_at = (count_at_), .flags = (f)  \
  }
#define SW__PF_CHARS_ROW(t, type, m, f)                                                  \
  {                                                                                      \
    .tag = (t), .kind = SW__PF_CHARS, .at = offsetof(type, m),                           \
    .count_at = sizeof(((type *)0)->m), .flags = (f)                                     \
  }
#define SW__PF_ENUM_ROW(t, at_, names_, unknown_, f)                                     \
  {                                                                                      \
    .tag = (t), .kind = SW__PF_ENUM, .at = (at_), .flags = (f), .names = (names_),       \
    .name_count = SW_COUNTOF(names_), .unknown = (unknown_)                              \
  }

/* Appends the fields of `rec` that `table` describes (not BEGIN/END). */
void sw__pipe_put_fields(struct sw_buf *out, const void *rec,
                         const struct sw__pipe_field *table, size_t n);

/* Reads `f` into `rec` if `table` has a row for its tag (then *known is
 * set). A known tag of the wrong type is SW_E_INVALID_ARGUMENT; SW_E_NOMEM. */
enum sw_error sw__pipe_get_field(void *rec, const struct sw__pipe_field *table, size_t n,
                                 const struct sw_tlv_field *f, bool *known);

/* A record that is nothing but its table: its tag, its fields, and what an
 * empty one is. */
struct sw__pipe_record {
  uint16_t tag;
  const struct sw__pipe_field *fields;
  size_t n;
  void (*init)(void *rec);
};

/* BEGIN, the fields, END. */
void sw__pipe_record_put(struct sw_buf *out, const struct sw__pipe_record *r,
                         const void *rec);
/* Initialises `rec`, then reads the record whose BEGIN was just read (errors
 * as sw__pipe_get_field; SW_E_INVALID_ARGUMENT if it is malformed). */
enum sw_error sw__pipe_record_get(struct sw_tlv_reader *rd,
                                  const struct sw__pipe_record *r, void *rec);
/* Frees what the decoder allocated and initialises `rec` again. */
void sw__pipe_record_free(const struct sw__pipe_record *r, void *rec);

/* Frees what the decoder allocated for `table`'s text and list members and
 * sets them to NULL / 0. */
void sw__pipe_free_fields(void *rec, const struct sw__pipe_field *table, size_t n);

/* A STR field into dst[size], cut if longer; a STR field into a new heap
 * string in *slot (the old one freed). */
void sw__pipe_copy_text(char *dst, size_t size, const struct sw_tlv_field *f);
enum sw_error sw__pipe_dup_text(char **slot, const struct sw_tlv_field *f);

/* The rule a STATUS or AVAILABILITY record is about, as both start: its
 * id, name, host and port. */
void sw__pipe_put_rule_identity(struct sw_buf *out, int64_t rule_id, const char *name,
                                const char *host, int64_t port);

#endif
