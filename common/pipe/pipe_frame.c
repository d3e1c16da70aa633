#include "pipe_frame.h"

#include <string.h>

static uint32_t get_u32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static uint16_t get_u16(const uint8_t *p)
{
  return (uint16_t)(p[0] | p[1] << 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

enum sw_pipe_decode sw_pipe_frame_decode(const uint8_t *buf, size_t len,
                                         struct sw_pipe_frame *frame, size_t *consumed)
{
  *consumed = 0;
  if (len < SW_PIPE_LENGTH_SIZE)
    return SW_PIPE_PARTIAL;
  uint32_t n = get_u32(buf);
  /* Judge the length before waiting for the bytes: a hostile client must
   * not make us buffer a gigabyte first. */
  if (n > SW_PIPE_FRAME_MAX)
    return SW_PIPE_TOO_LARGE;
  if (n < SW_PIPE_HEADER_SIZE)
    return SW_PIPE_MALFORMED;
  if (len - SW_PIPE_LENGTH_SIZE < n)
    return SW_PIPE_PARTIAL;
  const uint8_t *p = buf + SW_PIPE_LENGTH_SIZE;
  frame->message = get_u16(p);
  frame->flags = get_u16(p + 2);
  frame->request_id = get_u32(p + 4);
  /* A push answers nothing: it has no request id to match. */
  if (frame->flags != 0 && (frame->flags != SW_PIPE_FLAG_PUSH || frame->request_id != 0))
    return SW_PIPE_MALFORMED;
  frame->body = p + SW_PIPE_HEADER_SIZE;
  frame->body_len = n - SW_PIPE_HEADER_SIZE;
  *consumed = SW_PIPE_LENGTH_SIZE + (size_t)n;
  return SW_PIPE_COMPLETE;
}

static enum sw_error begin(struct sw_buf *out, uint16_t message, uint16_t flags,
                           uint32_t request_id, size_t *start)
{
  uint8_t head[SW_PIPE_LENGTH_SIZE + SW_PIPE_HEADER_SIZE];
  put_u32(head, 0); /* filled in by sw_pipe_frame_end */
  head[4] = (uint8_t)message;
  head[5] = (uint8_t)(message >> 8);
  head[6] = (uint8_t)flags;
  head[7] = (uint8_t)(flags >> 8);
  put_u32(head + 8, request_id);
  *start = out->len;
  enum sw_error err = sw_buf_append(out, head, sizeof head);
  if (!err && out->truncated)
    err = SW_E_NOMEM;
  return err;
}

enum sw_error sw_pipe_frame_begin(struct sw_buf *out, uint16_t message,
                                  uint32_t request_id, size_t *start)
{
  return begin(out, message, 0, request_id, start);
}

enum sw_error sw_pipe_frame_begin_push(struct sw_buf *out, uint16_t message,
                                       size_t *start)
{
  return begin(out, message, SW_PIPE_FLAG_PUSH, 0, start);
}

enum sw_error sw_pipe_frame_end(struct sw_buf *out, size_t start)
{
  if (out->truncated || start + SW_PIPE_LENGTH_SIZE + SW_PIPE_HEADER_SIZE > out->len)
    return SW_E_NOMEM;
  size_t n = out->len - start - SW_PIPE_LENGTH_SIZE;
  if (n > SW_PIPE_FRAME_MAX) {
    out->len = start; /* drop the oversized frame, keep earlier ones */
    if (out->data)
      out->data[out->len] = '\0';
    return SW_E_INVALID_ARGUMENT;
  }
  put_u32((uint8_t *)out->data + start, (uint32_t)n);
  return SW_E_OK;
}
