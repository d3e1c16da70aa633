/* The client side of the control pipe (docs/pipe-protocol.md), shared by
 * smtpwatch.exe and the rule editor: connect (waiting while the pipe is
 * busy), verify that the server is the SmtpWatch service (pipe_trust.h)
 * before sending anything, the HELLO handshake, then one request and its
 * reply at a time.
 * Blocking with a timeout: both callers have nothing else to do meanwhile
 * (the editor calls it from a worker thread, never its UI thread). */
#ifndef SW_PIPE_CLIENT_H
#define SW_PIPE_CLIENT_H

#include <stdint.h>

#include "pipe_frame.h"
#include "pipe_trust_rule.h"
#include "sw_buf.h"

struct sw_pipe_client;

/* A reply: the whole frame, kept in `storage`; frame.body points into it. */
struct sw_pipe_reply {
  struct sw_pipe_frame frame;
  struct sw_buf storage;
};

/* Connects to `pipe_name` (NULL: \\.\pipe\SmtpWatch), verifies its server
 * and shakes hands as `client_name`. Returns NULL on failure with a
 * sentence for the user in `error` (the service is not running; access
 * denied; the server is not the SmtpWatch service, in which case nothing
 * was sent; no common protocol version; timed out) and the Win32 code in
 * *win_error (0 if the failure is the protocol's or the server was
 * refused). */
struct sw_pipe_client *sw_pipe_client_open(const wchar_t *pipe_name,
                                           const char *client_name, uint32_t timeout_ms,
                                           char *error, size_t size,
                                           unsigned long *win_error);
/* Closes the connection and frees the client; NULL is fine. */
void sw_pipe_client_close(struct sw_pipe_client *c);
/* The service's product version from HELLO_OK ("0.1.0"). */
const char *sw_pipe_client_server_version(const struct sw_pipe_client *c);
/* The protocol version the service chose in HELLO_OK, one this build
 * speaks (SW_PIPE_PROTOCOL_VERSION_OLDEST to SW_PIPE_PROTOCOL_VERSION): ask
 * sw_pipe_msg_allowed with it before sending a request an older service
 * may not have. */
uint16_t sw_pipe_client_version(const struct sw_pipe_client *c);
/* What the client found out about the process serving the pipe when it
 * connected, and why it trusted it (*trust, if not NULL). Valid while the
 * client is open. */
const struct sw_pipe_trust_facts *sw_pipe_client_server(const struct sw_pipe_client *c,
                                                        enum sw_pipe_trust *trust);
/* The live pipe's security descriptor as SDDL (owner, group, DACL), read
 * back through this connection. Returns 0, or the Win32 error with out set
 * to "unknown (<why>)" (sw_pipe_trust_sddl). */
unsigned long sw_pipe_client_sddl(const struct sw_pipe_client *c, char *out, size_t size);

/* Sends one request whose TLV fields are `fields` (may be NULL) and waits
 * for its reply. `reply` must be initialised with sw_pipe_reply_init and is
 * reused. Returns SW_E_OK with the reply (which may be an ERROR frame: see
 * sw_pipe_reply_error); SW_E_SYSTEM with a sentence in `error` if the
 * connection failed or timed out (the client is then unusable). */
enum sw_error sw_pipe_client_call(struct sw_pipe_client *c, uint16_t message,
                                  const struct sw_buf *fields,
                                  struct sw_pipe_reply *reply, char *error, size_t size);

/* Subscriptions (protocol version 4). After SUBSCRIBE, the service also
 * sends PUSH frames unasked (flag SW_PIPE_FLAG_PUSH, request id 0). A push
 * that arrives while sw_pipe_client_call waits for its reply goes to
 * `on_push` (NULL: dropped), on the calling thread, before the call
 * returns; `push` is valid only during the callback. */
void sw_pipe_client_on_push(struct sw_pipe_client *c,
                            void (*on_push)(void *ctx, const struct sw_pipe_frame *push),
                            void *ctx);
/* Waits up to `timeout_ms` for the next push, with no request outstanding.
 * SW_E_OK with the push in `push` (reused as by sw_pipe_client_call), or
 * with *timed_out set and the connection unchanged if none came;
 * SW_E_SYSTEM with a sentence if the connection broke or the service sent
 * a reply to no request. */
enum sw_error sw_pipe_client_wait_push(struct sw_pipe_client *c, uint32_t timeout_ms,
                                       struct sw_pipe_reply *push, bool *timed_out,
                                       char *error, size_t size);

void sw_pipe_reply_init(struct sw_pipe_reply *r);
void sw_pipe_reply_free(struct sw_pipe_reply *r);
/* If the reply is an ERROR frame: true, with its code ("stale") and sentence
 * copied into the buffers. */
bool sw_pipe_reply_error(const struct sw_pipe_reply *r, char *code, size_t code_size,
                         char *message, size_t message_size);

#endif
