/* Asking for a REPORT page and reading REPORT_OK (report_format.h): the
 * period and the AVAILABILITY records of one page, for smtpwatch report
 * and the editor alike. */
#include "report_format.h"

#include <stdlib.h>
#include <string.h>

#include "pipe_protocol.h"

enum sw_error sw_report_read_page(const uint8_t *body, size_t len, struct sw_report *r,
                                  bool *more, int64_t *last_id)
{
  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&rd, body, len);
  *more = false;
  while (sw_tlv_next(&rd, &f)) {
    bool top = f.depth == 0;
    if (top && f.type == SW_TLV_INT && f.tag == SW_PIPE_TAG_REPORT_FROM)
      r->from_ms = f.i;
    else if (top && f.type == SW_TLV_INT && f.tag == SW_PIPE_TAG_REPORT_UNTIL)
      r->until_ms = f.i;
    else if (top && f.type == SW_TLV_BOOL && f.tag == SW_PIPE_TAG_MORE)
      *more = f.i != 0;
    else if (top && f.type == SW_TLV_STR && f.tag == SW_PIPE_TAG_MESSAGE) {
      char *note = malloc(f.len + 1);
      if (!note)
        return SW_E_NOMEM;
      memcpy(note, f.s, f.len);
      note[f.len] = '\0';
      free(r->note); /* every page says the same: the last one's */
      r->note = note;
    } else if (f.type == SW_TLV_BEGIN && f.tag == SW_PIPE_TAG_AVAILABILITY) {
      void *grown = realloc(r->rules, (r->count + 1) * sizeof *r->rules);
      if (!grown)
        return SW_E_NOMEM;
      r->rules = grown;
      enum sw_error err = sw_pipe_get_availability(&rd, &r->rules[r->count]);
      r->count++; /* freed with the report, also after an error */
      if (err)
        return err;
      *last_id = r->rules[r->count - 1].rule_id;
    } else if (f.type == SW_TLV_BEGIN && !sw_tlv_skip_record(&rd)) {
      break;
    }
  }
  return rd.error;
}

void sw_report_put_request(struct sw_buf *fields, int64_t from_ms, int64_t until_ms,
                           int64_t rule_id, int64_t after, int64_t limit)
{
  sw_tlv_put_int(fields, SW_PIPE_TAG_REPORT_FROM, from_ms);
  sw_tlv_put_int(fields, SW_PIPE_TAG_REPORT_UNTIL, until_ms);
  if (rule_id)
    sw_tlv_put_int(fields, SW_PIPE_TAG_RULE_ID, rule_id);
  sw_tlv_put_int(fields, SW_PIPE_TAG_AFTER, after);
  sw_tlv_put_int(fields, SW_PIPE_TAG_LIMIT, limit);
}
