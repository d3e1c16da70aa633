/* Control pipe client: overlapped I/O on a private event so every wait has
 * a timeout; frames are decoded by the portable codec. */
#include "pipe_client.h"

#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "pipe_protocol.h"
#include "pipe_trust.h"
#include "win_error.h"
#include "win_text.h"

struct sw_pipe_client {
  HANDLE pipe;
  HANDLE event;
  uint32_t timeout_ms;
  uint32_t next_id;
  char server_version[32];
  uint16_t version;                  /* the protocol version HELLO_OK chose */
  struct sw_pipe_trust_facts server; /* who serves the pipe */
  enum sw_pipe_trust trust;
  /* Bytes read past the last whole frame: the service may write a push
   * and a reply (or several pushes) in one go. */
  struct sw_buf in;
  /* Told of each push that arrives while a call waits for its reply
   * (version 4); NULL: such pushes are dropped. */
  void (*on_push)(void *ctx, const struct sw_pipe_frame *push);
  void *push_ctx;
};

void sw_pipe_reply_init(struct sw_pipe_reply *r)
{
  memset(&r->frame, 0, sizeof r->frame);
  sw_buf_init(&r->storage, 0);
}

void sw_pipe_reply_free(struct sw_pipe_reply *r)
{
  sw_buf_free(&r->storage);
  memset(&r->frame, 0, sizeof r->frame);
}

/* Runs one overlapped ReadFile or WriteFile to completion within the
 * client's timeout. Returns 0 or the Win32 error (WAIT_TIMEOUT). */
static DWORD transfer(struct sw_pipe_client *c, bool write, void *buf, DWORD len,
                      DWORD *done)
{
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  ov.hEvent = c->event;
  BOOL ok = write ? WriteFile(c->pipe, buf, len, NULL, &ov)
                  : ReadFile(c->pipe, buf, len, NULL, &ov);
  if (!ok && GetLastError() != ERROR_IO_PENDING)
    return GetLastError();
  if (WaitForSingleObject(c->event, c->timeout_ms) != WAIT_OBJECT_0) {
    CancelIoEx(c->pipe, &ov);
    /* The I/O owns ov until it ends; if it completed before the cancel,
     * its bytes count (a push waited for must not be lost). */
    if (GetOverlappedResult(c->pipe, &ov, done, TRUE))
      return 0;
    return WAIT_TIMEOUT;
  }
  if (!GetOverlappedResult(c->pipe, &ov, done, FALSE))
    return GetLastError();
  return 0;
}

static DWORD write_all(struct sw_pipe_client *c, const char *data, size_t len)
{
  while (len > 0) {
    DWORD n = 0, err = transfer(c, true, (void *)data, (DWORD)len, &n);
    if (err)
      return err;
    data += n;
    len -= n;
  }
  return 0;
}

/* Reads until one whole frame has arrived and moves it into
 * `reply->storage`; what came after it stays in c->in for the next read.
 * `timeout_ms` bounds each wait for bytes. */
static DWORD read_frame(struct sw_pipe_client *c, struct sw_pipe_reply *reply,
                        uint32_t timeout_ms, bool *malformed)
{
  *malformed = false;
  sw_buf_free(&reply->storage);
  for (;;) {
    size_t used;
    struct sw_pipe_frame frame;
    enum sw_pipe_decode d =
        sw_pipe_frame_decode((const uint8_t *)c->in.data, c->in.len, &frame, &used);
    if (d == SW_PIPE_COMPLETE) {
      if (sw_buf_append(&reply->storage, c->in.data, used))
        return ERROR_NOT_ENOUGH_MEMORY;
      memmove(c->in.data, c->in.data + used, c->in.len - used);
      c->in.len -= used;
      sw_pipe_frame_decode((const uint8_t *)reply->storage.data, reply->storage.len,
                           &reply->frame, &used);
      return 0;
    }
    if (d != SW_PIPE_PARTIAL) {
      *malformed = true;
      return ERROR_INVALID_DATA;
    }
    char chunk[16384];
    uint32_t saved = c->timeout_ms;
    c->timeout_ms = timeout_ms;
    DWORD n = 0, err = transfer(c, false, chunk, sizeof chunk, &n);
    c->timeout_ms = saved;
    if (err && err != ERROR_MORE_DATA)
      return err;
    if (sw_buf_append(&c->in, chunk, n))
      return ERROR_NOT_ENOUGH_MEMORY;
  }
}

/* Reads frames until the reply to request `id`, handing the pushes that
 * come first to the owner's callback. */
static DWORD read_reply(struct sw_pipe_client *c, uint32_t id,
                        struct sw_pipe_reply *reply, bool *malformed)
{
  for (;;) {
    DWORD werr = read_frame(c, reply, c->timeout_ms, malformed);
    if (werr)
      return werr;
    if (!(reply->frame.flags & SW_PIPE_FLAG_PUSH))
      break;
    if (c->on_push)
      c->on_push(c->push_ctx, &reply->frame);
  }
  if (reply->frame.request_id != id) {
    *malformed = true;
    return ERROR_INVALID_DATA;
  }
  return 0;
}

bool sw_pipe_reply_error(const struct sw_pipe_reply *r, char *code, size_t code_size,
                         char *message, size_t message_size)
{
  if (r->frame.message != SW_PIPE_MSG_ERROR)
    return false;
  snprintf(code, code_size, "internal");
  snprintf(message, message_size, "%s", sw_pipe_error_text(SW_PIPE_ERR_INTERNAL));
  struct sw_tlv_reader rd;
  struct sw_tlv_field f;
  sw_tlv_reader_init(&rd, r->frame.body, r->frame.body_len);
  while (sw_tlv_next(&rd, &f)) {
    if (f.type != SW_TLV_STR || f.depth != 0)
      continue;
    if (f.tag == SW_PIPE_TAG_ERROR_CODE)
      snprintf(code, code_size, "%.*s", (int)f.len, f.s);
    else if (f.tag == SW_PIPE_TAG_ERROR_MESSAGE)
      snprintf(message, message_size, "%.*s", (int)f.len, f.s);
  }
  return true;
}

static enum sw_error call_outcome(struct sw_pipe_client *c, DWORD werr, bool malformed,
                                  char *error, size_t size);

enum sw_error sw_pipe_client_call(struct sw_pipe_client *c, uint16_t message,
                                  const struct sw_buf *fields,
                                  struct sw_pipe_reply *reply, char *error, size_t size)
{
  struct sw_buf out;
  sw_buf_init(&out, 0);
  size_t start;
  uint32_t id = ++c->next_id;
  enum sw_error err = sw_pipe_frame_begin(&out, message, id, &start);
  if (!err && fields && fields->len)
    err = sw_buf_append(&out, fields->data, fields->len);
  if (!err)
    err = sw_pipe_frame_end(&out, start);
  if (err) {
    snprintf(error, size, "The request could not be encoded: %s.", sw_error_text(err));
    sw_buf_free(&out);
    return err;
  }
  DWORD werr = write_all(c, out.data, out.len);
  /* A request may carry a secret (NOTIFIER_ADD's relay password or webhook
   * URL): the frame's copy does not stay behind in freed memory. */
  SecureZeroMemory(out.data, out.len);
  sw_buf_free(&out);
  bool malformed = false;
  if (!werr)
    werr = read_reply(c, id, reply, &malformed);
  return call_outcome(c, werr, malformed, error, size);
}

/* What a call or a wait for a push came to, in a sentence. */
static enum sw_error call_outcome(struct sw_pipe_client *c, DWORD werr, bool malformed,
                                  char *error, size_t size)
{
  if (werr == WAIT_TIMEOUT) {
    snprintf(error, size,
             "The SmtpWatch service did not answer within %u ms; it may be overloaded.",
             (unsigned)c->timeout_ms);
    return SW_E_SYSTEM;
  }
  if (malformed) {
    snprintf(error, size,
             "The SmtpWatch service sent a reply this program does not understand: "
             "are the service and this program the same version?");
    return SW_E_SYSTEM;
  }
  if (werr) {
    sw_win_error_sentence(error, size, werr,
                          "The connection to the SmtpWatch service broke");
    return SW_E_SYSTEM;
  }
  return SW_E_OK;
}

/* Opens the pipe, waiting while all its instances are busy. */
static HANDLE connect_pipe(const wchar_t *name, uint32_t timeout_ms, DWORD *err)
{
  int64_t deadline = sw_clock_now_us() + (int64_t)timeout_ms * 1000;
  for (;;) {
    /* FILE_WRITE_DATA, not GENERIC_WRITE: interactive users may not create
     * pipe instances (SW_PIPE_SDDL). Identification only: whoever answers
     * may learn who we are, not act as us. */
    HANDLE h = CreateFileW(
        name, GENERIC_READ | FILE_WRITE_DATA, 0, NULL, OPEN_EXISTING,
        FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, NULL);
    if (h != INVALID_HANDLE_VALUE) {
      *err = 0;
      return h;
    }
    *err = GetLastError();
    int64_t left_ms = (deadline - sw_clock_now_us()) / 1000;
    if (*err != ERROR_PIPE_BUSY || left_ms <= 0)
      return INVALID_HANDLE_VALUE;
    WaitNamedPipeW(name, (DWORD)left_ms);
  }
}

static bool hello(struct sw_pipe_client *c, const char *client_name, char *error,
                  size_t size)
{
  struct sw_buf fields;
  sw_buf_init(&fields, 0);
  /* Every version this build speaks: a newer service picks the highest it
   * shares, an older one answers with its own (docs/pipe-protocol.md). */
  sw_tlv_put_int(&fields, SW_PIPE_TAG_VERSION_MIN, SW_PIPE_PROTOCOL_VERSION_OLDEST);
  sw_tlv_put_int(&fields, SW_PIPE_TAG_VERSION_MAX, SW_PIPE_PROTOCOL_VERSION);
  sw_tlv_put_str(&fields, SW_PIPE_TAG_CLIENT_NAME, client_name);
  struct sw_pipe_reply reply;
  sw_pipe_reply_init(&reply);
  enum sw_error err =
      sw_pipe_client_call(c, SW_PIPE_MSG_HELLO, &fields, &reply, error, size);
  sw_buf_free(&fields);
  bool ok = false;
  char code[32];
  if (err) {
    /* the sentence is already in `error` */
  } else if (sw_pipe_reply_error(&reply, code, sizeof code, error, size)) {
    /* the service's own sentence */
  } else if (reply.frame.message != SW_PIPE_MSG_HELLO_OK) {
    snprintf(error, size, "The SmtpWatch service answered the handshake unexpectedly.");
  } else {
    struct sw_tlv_reader rd;
    struct sw_tlv_field f;
    int64_t version = 0;
    sw_tlv_reader_init(&rd, reply.frame.body, reply.frame.body_len);
    while (sw_tlv_next(&rd, &f)) {
      if (f.tag == SW_PIPE_TAG_SERVER_VERSION && f.type == SW_TLV_STR)
        snprintf(c->server_version, sizeof c->server_version, "%.*s", (int)f.len, f.s);
      else if (f.tag == SW_PIPE_TAG_VERSION && f.type == SW_TLV_INT)
        version = f.i;
    }
    ok = sw_pipe_version_accepted(version);
    if (ok)
      c->version = (uint16_t)version;
    else if (version == 0)
      snprintf(error, size,
               "The SmtpWatch service answered the handshake without a protocol "
               "version: update the older of the service and this program.");
    else
      snprintf(error, size,
               "The SmtpWatch service chose protocol version %lld, which this program "
               "does not speak (it speaks %d to %d): update the older of the two.",
               (long long)version, SW_PIPE_PROTOCOL_VERSION_OLDEST,
               SW_PIPE_PROTOCOL_VERSION);
  }
  sw_pipe_reply_free(&reply);
  return ok;
}

struct sw_pipe_client *sw_pipe_client_open(const wchar_t *pipe_name,
                                           const char *client_name, uint32_t timeout_ms,
                                           char *error, size_t size,
                                           unsigned long *win_error)
{
  unsigned long ignored;
  if (!win_error)
    win_error = &ignored;
  *win_error = 0;
  if (!pipe_name)
    pipe_name = SW_PIPE_NAME_W;
  DWORD err;
  HANDLE h = connect_pipe(pipe_name, timeout_ms, &err);
  if (h == INVALID_HANDLE_VALUE) {
    *win_error = err;
    if (err == ERROR_FILE_NOT_FOUND)
      snprintf(error, size,
               "The SmtpWatch service is not running (there is no pipe %ls): start it "
               "with 'sc start SmtpWatch' or from services.msc.",
               pipe_name);
    else if (err == ERROR_ACCESS_DENIED)
      snprintf(error, size,
               "You may not talk to the SmtpWatch service: run this as an administrator "
               "or as a member of the Interactive users.");
    else if (err == ERROR_PIPE_BUSY)
      snprintf(
          error, size,
          "The SmtpWatch service is busy with other clients; try again in a moment.");
    else
      sw_win_error_sentence(error, size, err,
                            "Could not connect to the SmtpWatch service");
    return NULL;
  }
  struct sw_pipe_client *c = calloc(1, sizeof *c);
  if (c)
    c->event = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!c || !c->event) {
    snprintf(error, size, "Out of memory.");
    free(c);
    CloseHandle(h);
    return NULL;
  }
  c->pipe = h;
  /* Before the first byte: anyone who created the pipe's name first (or
   * while the service was stopped) would receive it. */
  sw_pipe_trust_gather(h, &c->server);
  c->trust = sw_pipe_trust_decide(&c->server);
  if (c->trust == SW_PIPE_TRUST_REFUSED) {
    char name[300];
    if (!sw_utf8_from_wide(pipe_name, name, sizeof name))
      snprintf(name, sizeof name, "the SmtpWatch pipe");
    sw_pipe_trust_refusal(&c->server, name, error, size);
    sw_pipe_client_close(c);
    return NULL;
  }
  c->timeout_ms = timeout_ms;
  if (!hello(c, client_name, error, size)) {
    sw_pipe_client_close(c);
    return NULL;
  }
  return c;
}

void sw_pipe_client_close(struct sw_pipe_client *c)
{
  if (!c)
    return;
  CloseHandle(c->pipe);
  CloseHandle(c->event);
  sw_buf_free(&c->in);
  free(c);
}

void sw_pipe_client_on_push(struct sw_pipe_client *c,
                            void (*on_push)(void *ctx, const struct sw_pipe_frame *push),
                            void *ctx)
{
  c->on_push = on_push;
  c->push_ctx = ctx;
}

enum sw_error sw_pipe_client_wait_push(struct sw_pipe_client *c, uint32_t timeout_ms,
                                       struct sw_pipe_reply *push, bool *timed_out,
                                       char *error, size_t size)
{
  *timed_out = false;
  bool malformed = false;
  DWORD werr = read_frame(c, push, timeout_ms, &malformed);
  if (werr == WAIT_TIMEOUT) {
    /* Nothing came: the connection is as it was (a cancelled read takes
     * no bytes). */
    *timed_out = true;
    return SW_E_OK;
  }
  if (!werr && !(push->frame.flags & SW_PIPE_FLAG_PUSH))
    malformed = true; /* a reply to no request */
  return call_outcome(c, malformed ? ERROR_INVALID_DATA : werr, malformed, error, size);
}

const char *sw_pipe_client_server_version(const struct sw_pipe_client *c)
{
  return c->server_version;
}

uint16_t sw_pipe_client_version(const struct sw_pipe_client *c)
{
  return c->version;
}

const struct sw_pipe_trust_facts *sw_pipe_client_server(const struct sw_pipe_client *c,
                                                        enum sw_pipe_trust *trust)
{
  if (trust)
    *trust = c->trust;
  return &c->server;
}

unsigned long sw_pipe_client_sddl(const struct sw_pipe_client *c, char *out, size_t size)
{
  return sw_pipe_trust_sddl(c->pipe, out, size);
}
