/* The fields of a control-pipe message: tag-type-value records, little
 * endian, with nesting for records and lists (docs/pipe-protocol.md).
 *   field := u16 tag, u8 type, value
 *   INT   value: i64 (8 octets)          BOOL value: u8 (0 or 1)
 *   STR   value: u32 length, UTF-8 octets (no NUL)
 *   BEGIN / END: no value; BEGIN opens a nested record under `tag`
 * Readers skip tags they do not know, so fields can be added without a new
 * protocol version. The reader validates everything and never reads past
 * its buffer: the fuzzer feeds it arbitrary bytes. */
#ifndef SW_PIPE_TLV_H
#define SW_PIPE_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"
#include "sw_error.h"

#define SW_TLV_MAX_DEPTH 8

enum sw_tlv_type {
  SW_TLV_INT = 1,
  SW_TLV_STR = 2,
  SW_TLV_BOOL = 3,
  SW_TLV_BEGIN = 4,
  SW_TLV_END = 5
};

/* Writers append to `out`; errors (out of memory, a limit) are sticky in
 * sw_buf's `truncated` and reported by sw_pipe_frame_end. */
void sw_tlv_put_int(struct sw_buf *out, uint16_t tag, int64_t value);
void sw_tlv_put_bool(struct sw_buf *out, uint16_t tag, bool value);
/* NULL writes an empty string. */
void sw_tlv_put_str(struct sw_buf *out, uint16_t tag, const char *value);
void sw_tlv_put_strn(struct sw_buf *out, uint16_t tag, const char *value, size_t len);
void sw_tlv_begin(struct sw_buf *out, uint16_t tag);
void sw_tlv_end(struct sw_buf *out);

struct sw_tlv_field {
  uint16_t tag;
  enum sw_tlv_type type;
  int depth;     /* nesting level of the field (0 = top) */
  int64_t i;     /* INT, BOOL */
  const char *s; /* STR: points into the buffer, not NUL-terminated */
  size_t len;
};

struct sw_tlv_reader {
  const uint8_t *p, *end;
  int depth;
  enum sw_error error;
};

void sw_tlv_reader_init(struct sw_tlv_reader *r, const uint8_t *body, size_t len);
/* Reads the next field. Returns false at the end of the body or on an
 * error (r->error: SW_E_INVALID_ARGUMENT for truncated or malformed data,
 * an unknown type, an END without BEGIN, nesting beyond SW_TLV_MAX_DEPTH,
 * a string with a NUL, or a BEGIN left open at the end). */
bool sw_tlv_next(struct sw_tlv_reader *r, struct sw_tlv_field *f);
/* After a BEGIN: skips to its matching END (inclusive). False on error. */
bool sw_tlv_skip_record(struct sw_tlv_reader *r);
/* The callbacks of the walks below: one field, and one record right after
 * its BEGIN (it must read up to its END). */
typedef enum sw_error (*sw_tlv_field_fn)(void *ctx, const struct sw_tlv_field *f);
typedef enum sw_error (*sw_tlv_record_fn)(void *ctx, struct sw_tlv_reader *r,
                                          uint16_t tag);
/* Walks the record whose BEGIN was just read, up to and including its
 * END: calls `field` for each of its own fields and `nested` (NULL: skip)
 * for each record inside it, right after that record's BEGIN. Stops at the
 * first error a callback returns; SW_E_INVALID_ARGUMENT if the data is
 * malformed or the record is not closed. */
enum sw_error sw_tlv_each_field(struct sw_tlv_reader *r, sw_tlv_field_fn field,
                                sw_tlv_record_fn nested, void *ctx);
/* As sw_tlv_each_field, for the top level of a message body: `field` for
 * each field outside the records, `nested` (NULL: skip) right after each
 * record's BEGIN. Stops at the first error a callback returns;
 * SW_E_INVALID_ARGUMENT if the body is malformed. */
enum sw_error sw_tlv_each_body_field(const uint8_t *body, size_t len,
                                     sw_tlv_field_fn field, sw_tlv_record_fn nested,
                                     void *ctx);
/* Copies a STR field into a new heap string (free() it); NULL if out of
 * memory. */
char *sw_tlv_strdup(const struct sw_tlv_field *f);

#endif
