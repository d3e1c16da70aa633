/* Framing of the control pipe protocol (docs/pipe-protocol.md): every
 * message is one frame, a 32-bit little-endian length and that many bytes
 * of payload; the payload starts with a fixed header (message number,
 * flags, request id) followed by TLV fields (pipe_tlv.h). Pure buffers in,
 * pure buffers out: no I/O, so the pipe server, the clients and the fuzzer
 * share it. */
#ifndef SW_PIPE_FRAME_H
#define SW_PIPE_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"
#include "sw_error.h"

#define SW_PIPE_FRAME_MAX (1024u * 1024u) /* payload octets; larger is an error */
#define SW_PIPE_HEADER_SIZE 8             /* u16 message, u16 flags, u32 id */
#define SW_PIPE_LENGTH_SIZE 4
/* The one flag (protocol version 4): a frame the server sends unasked to a
 * subscribed client (PUSH), never a reply; its request_id is 0. A client
 * that sends it has sent a malformed frame. */
#define SW_PIPE_FLAG_PUSH 0x0001u

enum sw_pipe_decode {
  SW_PIPE_PARTIAL,   /* more bytes needed; nothing consumed */
  SW_PIPE_COMPLETE,  /* one frame decoded; *consumed bytes used */
  SW_PIPE_TOO_LARGE, /* the length exceeds SW_PIPE_FRAME_MAX: drop the client */
  SW_PIPE_MALFORMED  /* shorter than a header, flags we do not know, or a
                        push with a request id */
};

struct sw_pipe_frame {
  uint16_t message;    /* SW_PIPE_MSG_* (pipe_protocol.h) */
  uint16_t flags;      /* 0, or SW_PIPE_FLAG_PUSH (a server's push) */
  uint32_t request_id; /* chosen by the client, echoed by the server */
  const uint8_t *body; /* TLV fields; points into the decoded buffer */
  size_t body_len;
};

/* Decodes the frame at the start of buf[0..len). On COMPLETE, *frame points
 * into buf and *consumed is the frame's whole size; otherwise *consumed is
 * 0. Never reads past buf[len - 1]. */
enum sw_pipe_decode sw_pipe_frame_decode(const uint8_t *buf, size_t len,
                                         struct sw_pipe_frame *frame, size_t *consumed);

/* Starts a frame in `out` (which may hold earlier frames): reserves the
 * length, writes the header. Append TLV fields to `out`, then call
 * sw_pipe_frame_end with the offset this returned in *start. */
enum sw_error sw_pipe_frame_begin(struct sw_buf *out, uint16_t message,
                                  uint32_t request_id, size_t *start);
/* As sw_pipe_frame_begin, for a push: flags SW_PIPE_FLAG_PUSH, id 0. */
enum sw_error sw_pipe_frame_begin_push(struct sw_buf *out, uint16_t message,
                                       size_t *start);
/* Fills in the length of the frame begun at `start`. Returns
 * SW_E_INVALID_ARGUMENT (and removes the frame) if the payload exceeds
 * SW_PIPE_FRAME_MAX; SW_E_NOMEM if `out` overflowed its limit. */
enum sw_error sw_pipe_frame_end(struct sw_buf *out, size_t start);

#endif
