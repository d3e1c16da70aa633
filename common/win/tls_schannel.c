/* The Schannel client session: InitializeSecurityContextW for the
 * handshake, EncryptMessage/DecryptMessage for records. Every buffer is
 * ours (sw_buf), so the engine can hand it bytes as they come, cut anywhere;
 * SECBUFFER_EXTRA (bytes past the record or handshake message just used) is
 * kept for the next round. */
#ifndef SECURITY_WIN32
#define SECURITY_WIN32
#endif
#include "tls_schannel.h"

#include "tls_cred_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "win_error.h"
#include "win_text.h"

/* ISC_REQ_MANUAL_CRED_VALIDATION: we check the chain ourselves.
 * ISC_REQ_USE_SUPPLIED_CREDS: never look for a client certificate. */
#define ISC_FLAGS                                                                        \
  (ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | ISC_REQ_CONFIDENTIALITY |           \
   ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_STREAM | ISC_REQ_MANUAL_CRED_VALIDATION |           \
   ISC_REQ_USE_SUPPLIED_CREDS)

/* A server may send records of up to 16 KiB + overhead; more than a few of
 * them unread means something is wrong. */
#define INPUT_MAX (4 * 1024 * 1024)

struct sw_tls_cred {
  CredHandle handle;
  bool modern;
};

struct sw_tls {
  struct sw_tls_cred *cred;
  CtxtHandle ctx;
  bool have_ctx;
  bool handshake_complete;
  wchar_t *target; /* SNI and the name Schannel keys its session cache on */
  enum sw_tls_state state;
  struct sw_buf in;    /* ciphertext received and not yet used */
  struct sw_buf out;   /* to the wire */
  struct sw_buf plain; /* decrypted, not yet taken */
  SecPkgContext_StreamSizes sizes;
  SECURITY_STATUS status;
  const char *failed_in; /* what was being done when it failed */
  bool heard;            /* the server sent something */
  char plaintext[48];    /* its first bytes, when they were not TLS */
};

static enum sw_error acquire(struct sw_tls_cred *cred, bool modern, SECURITY_STATUS *st)
{
  /* Both structures come from tls_cred_build.c, which makes them ask for
   * the same thing (manual validation, no client certificate, strong
   * crypto only, the system's protocol versions). */
  TimeStamp expiry;
  if (modern) {
    SCH_CREDENTIALS sc;
    sw_tls_cred_build_modern(&sc);
    *st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)UNISP_NAME_W, SECPKG_CRED_OUTBOUND,
                                    NULL, &sc, NULL, NULL, &cred->handle, &expiry);
  } else {
    SCHANNEL_CRED sc;
    sw_tls_cred_build_legacy(&sc);
    *st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)UNISP_NAME_W, SECPKG_CRED_OUTBOUND,
                                    NULL, &sc, NULL, NULL, &cred->handle, &expiry);
  }
  cred->modern = modern;
  return *st == SEC_E_OK ? SW_E_OK : SW_E_SYSTEM;
}

enum sw_error sw_tls_cred_acquire(struct sw_tls_cred **out, enum sw_tls_cred_kind kind,
                                  unsigned long *status)
{
  *out = NULL;
  struct sw_tls_cred *cred = calloc(1, sizeof *cred);
  if (!cred)
    return SW_E_NOMEM;
  SECURITY_STATUS st = SEC_E_OK;
  /* Windows before 10 1809 does not know SCH_CREDENTIALS: fall back. */
  enum sw_error err = SW_E_SYSTEM;
  if (kind == SW_TLS_CRED_AUTO)
    err = acquire(cred, true, &st);
  if (err)
    err = acquire(cred, false, &st);
  if (status)
    *status = (unsigned long)st;
  if (err) {
    free(cred);
    return err;
  }
  *out = cred;
  return SW_E_OK;
}

void sw_tls_cred_release(struct sw_tls_cred *cred)
{
  if (!cred)
    return;
  FreeCredentialsHandle(&cred->handle);
  free(cred);
}

bool sw_tls_cred_is_modern(const struct sw_tls_cred *cred)
{
  return cred->modern;
}

static void set_failed(struct sw_tls *t, SECURITY_STATUS st, const char *what)
{
  t->state = SW_TLS_FAILED;
  t->status = st;
  t->failed_in = what;
}

/* Drops the first n bytes of the input (they were used). */
static void consume_input(struct sw_tls *t, size_t n)
{
  if (n >= t->in.len) {
    t->in.len = 0;
    return;
  }
  memmove(t->in.data, t->in.data + n, t->in.len - n);
  t->in.len -= n;
}

/* The bytes a call did not use: SECBUFFER_EXTRA holds how many are left at
 * the end of the input. */
static size_t extra_of(const SecBuffer *bufs, int n)
{
  for (int i = 0; i < n; i++)
    if (bufs[i].BufferType == SECBUFFER_EXTRA)
      return bufs[i].cbBuffer;
  return 0;
}

static enum sw_error take_token(struct sw_tls *t, SecBuffer *tok)
{
  enum sw_error err = SW_E_OK;
  if (tok->pvBuffer) {
    if (tok->cbBuffer)
      err = sw_buf_append(&t->out, tok->pvBuffer, tok->cbBuffer);
    FreeContextBuffer(tok->pvBuffer);
    tok->pvBuffer = NULL;
  }
  return err;
}

static enum sw_error decrypt(struct sw_tls *t);

/* One InitializeSecurityContextW round after another while there is input
 * it can use. `force`: call it even without input (the first hello, and
 * after a TLS 1.3 post-handshake message). */
static enum sw_error handshake(struct sw_tls *t, bool force)
{
  int incomplete_creds = 0;
  while (t->state == SW_TLS_HANDSHAKE && (force || t->in.len > 0)) {
    force = false;
    SecBuffer in[2] = {{(unsigned long)t->in.len, SECBUFFER_TOKEN, t->in.data},
                       {0, SECBUFFER_EMPTY, NULL}};
    SecBufferDesc in_desc = {SECBUFFER_VERSION, 2, in};
    SecBuffer tok = {0, SECBUFFER_TOKEN, NULL};
    SecBufferDesc out_desc = {SECBUFFER_VERSION, 1, &tok};
    unsigned long attrs = 0;
    bool had_input = t->have_ctx; /* the first call takes none */
    SECURITY_STATUS st = InitializeSecurityContextW(
        &t->cred->handle, t->have_ctx ? &t->ctx : NULL, t->target, ISC_FLAGS, 0, 0,
        t->have_ctx ? &in_desc : NULL, 0, &t->ctx, &out_desc, &attrs, NULL);
    if (!t->have_ctx && (st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED))
      t->have_ctx = true;
    /* A token goes out even with an error: it may be the alert telling the
     * server why. */
    enum sw_error err = take_token(t, &tok);
    if (err)
      return err;
    if (st == SEC_E_INCOMPLETE_MESSAGE)
      return SW_E_OK; /* the rest of the message is still on its way */
    if (st == SEC_I_INCOMPLETE_CREDENTIALS && incomplete_creds++ == 0) {
      force = true; /* the server asked for a client certificate: go on without */
      continue;
    }
    if (st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED) {
      set_failed(t, st, "the TLS handshake");
      return SW_E_OK;
    }
    if (had_input)
      consume_input(t, t->in.len - extra_of(in, 2));
    if (st == SEC_E_OK) {
      SECURITY_STATUS qs =
          QueryContextAttributesW(&t->ctx, SECPKG_ATTR_STREAM_SIZES, &t->sizes);
      if (qs != SEC_E_OK) {
        set_failed(t, qs, "reading the TLS record sizes");
        return SW_E_OK;
      }
      t->state = SW_TLS_OPEN;
      t->handshake_complete = true;
      /* What is left is the server's first records. */
      return decrypt(t);
    }
  }
  return SW_E_OK;
}

/* Decrypts whole records from the input into the plaintext buffer. */
static enum sw_error decrypt(struct sw_tls *t)
{
  while (t->state == SW_TLS_OPEN && t->in.len > 0) {
    SecBuffer b[4] = {{(unsigned long)t->in.len, SECBUFFER_DATA, t->in.data},
                      {0, SECBUFFER_EMPTY, NULL},
                      {0, SECBUFFER_EMPTY, NULL},
                      {0, SECBUFFER_EMPTY, NULL}};
    SecBufferDesc desc = {SECBUFFER_VERSION, 4, b};
    SECURITY_STATUS st = DecryptMessage(&t->ctx, &desc, 0, NULL);
    if (st == SEC_E_INCOMPLETE_MESSAGE)
      return SW_E_OK;
    if (st != SEC_E_OK && st != SEC_I_RENEGOTIATE && st != SEC_I_CONTEXT_EXPIRED) {
      set_failed(t, st, "decrypting what the server sent");
      return SW_E_OK;
    }
    /* Decryption is in place: copy the plaintext out before the input moves. */
    for (int i = 0; i < 4; i++)
      if (b[i].BufferType == SECBUFFER_DATA && b[i].cbBuffer > 0) {
        enum sw_error err = sw_buf_append(&t->plain, b[i].pvBuffer, b[i].cbBuffer);
        if (err)
          return err;
      }
    consume_input(t, t->in.len - extra_of(b, 4));
    if (st == SEC_I_CONTEXT_EXPIRED) {
      t->state = SW_TLS_CLOSED; /* close_notify: nothing more will come */
      return SW_E_OK;
    }
    if (st == SEC_I_RENEGOTIATE) {
      /* TLS 1.3 post-handshake messages (session tickets, key updates):
       * Schannel wants them through InitializeSecurityContext. */
      t->state = SW_TLS_HANDSHAKE;
      return handshake(t, true);
    }
  }
  return SW_E_OK;
}

/* A name Schannel may send as SNI: not empty and not an address literal. */
static bool is_sni_name(const char *name)
{
  if (!name || !*name)
    return false;
  if (strchr(name, ':'))
    return false; /* IPv6 */
  for (const char *p = name; *p; p++)
    if ((*p < '0' || *p > '9') && *p != '.')
      return true;
  return false; /* dotted digits: IPv4 */
}

enum sw_error sw_tls_create(struct sw_tls **out, struct sw_tls_cred *cred,
                            const char *server_name, unsigned long *status)
{
  *out = NULL;
  if (status)
    *status = 0;
  struct sw_tls *t = calloc(1, sizeof *t);
  if (!t)
    return SW_E_NOMEM;
  t->cred = cred;
  t->state = SW_TLS_HANDSHAKE;
  sw_buf_init(&t->in, 0);
  sw_buf_init(&t->out, 0);
  sw_buf_init(&t->plain, 0);
  if (is_sni_name(server_name)) {
    t->target = sw_wide_dup(server_name); /* a DNS name: ASCII (is_sni_name) */
    if (!t->target) {
      sw_tls_destroy(t);
      return SW_E_NOMEM;
    }
  }
  enum sw_error err = handshake(t, true);
  if (!err && t->state == SW_TLS_FAILED) {
    if (status)
      *status = (unsigned long)t->status;
    err = SW_E_SYSTEM;
  }
  if (err) {
    sw_tls_destroy(t);
    return err;
  }
  *out = t;
  return SW_E_OK;
}

void sw_tls_destroy(struct sw_tls *t)
{
  if (!t)
    return;
  if (t->have_ctx)
    DeleteSecurityContext(&t->ctx);
  free(t->target);
  sw_buf_free(&t->in);
  sw_buf_free(&t->out);
  /* The plaintext may hold what the server said; not secret, but gone. */
  sw_buf_free(&t->plain);
  free(t);
}

enum sw_error sw_tls_receive(struct sw_tls *t, const char *data, size_t len)
{
  if (t->state == SW_TLS_FAILED || t->state == SW_TLS_CLOSED || len == 0)
    return SW_E_OK; /* nothing after the end is read */
  if (t->in.len + len > INPUT_MAX) {
    set_failed(t, SEC_E_BUFFER_TOO_SMALL, "buffering what the server sent");
    return SW_E_OK;
  }
  if (!t->heard) {
    t->heard = true;
    /* A TLS server starts with a record: handshake (22) or alert (21). An
     * SMTP server on the wrong port starts with "220 ..."; Windows fails
     * the handshake on it, but Wine takes it for the header of a long
     * record and waits for the rest until the check times out. Either way
     * the user is better told what the server said. */
    unsigned char type = (unsigned char)data[0];
    if (type < 20 || type > 23) {
      size_t n = len < sizeof t->plaintext - 1 ? len : sizeof t->plaintext - 1;
      memcpy(t->plaintext, data, n);
      t->plaintext[n] = '\0';
      set_failed(t, SEC_E_ILLEGAL_MESSAGE, "the TLS handshake");
      return SW_E_OK;
    }
  }
  enum sw_error err = sw_buf_append(&t->in, data, len);
  if (err)
    return err;
  return t->state == SW_TLS_HANDSHAKE ? handshake(t, false) : decrypt(t);
}

enum sw_error sw_tls_send(struct sw_tls *t, const char *data, size_t len)
{
  if (t->state != SW_TLS_OPEN)
    return SW_E_INVALID_ARGUMENT;
  while (len > 0) {
    size_t n = len < t->sizes.cbMaximumMessage ? len : t->sizes.cbMaximumMessage;
    size_t total = t->sizes.cbHeader + n + t->sizes.cbTrailer;
    char *rec = malloc(total);
    if (!rec)
      return SW_E_NOMEM;
    memcpy(rec + t->sizes.cbHeader, data, n);
    SecBuffer b[4] = {
        {t->sizes.cbHeader, SECBUFFER_STREAM_HEADER, rec},
        {(unsigned long)n, SECBUFFER_DATA, rec + t->sizes.cbHeader},
        {t->sizes.cbTrailer, SECBUFFER_STREAM_TRAILER, rec + t->sizes.cbHeader + n},
        {0, SECBUFFER_EMPTY, NULL}};
    SecBufferDesc desc = {SECBUFFER_VERSION, 4, b};
    SECURITY_STATUS st = EncryptMessage(&t->ctx, 0, &desc, 0);
    if (st != SEC_E_OK) {
      free(rec);
      set_failed(t, st, "encrypting a command");
      return SW_E_SYSTEM;
    }
    /* The trailer may be shorter than its maximum: the record is the three
     * buffers back to back. */
    enum sw_error err = sw_buf_append(&t->out, rec, b[0].cbBuffer);
    if (!err)
      err = sw_buf_append(&t->out, b[1].pvBuffer, b[1].cbBuffer);
    if (!err)
      err = sw_buf_append(&t->out, b[2].pvBuffer, b[2].cbBuffer);
    free(rec);
    if (err)
      return err;
    data += n;
    len -= n;
  }
  return SW_E_OK;
}

enum sw_error sw_tls_take_output(struct sw_tls *t, struct sw_buf *out)
{
  if (t->out.len == 0)
    return SW_E_OK;
  enum sw_error err = sw_buf_append(out, t->out.data, t->out.len);
  if (!err)
    t->out.len = 0;
  return err;
}

bool sw_tls_has_output(const struct sw_tls *t)
{
  return t->out.len > 0;
}

const char *sw_tls_plaintext(const struct sw_tls *t, size_t *len)
{
  *len = t->plain.len;
  return t->plain.len ? t->plain.data : NULL;
}

void sw_tls_plaintext_taken(struct sw_tls *t)
{
  t->plain.len = 0;
}

enum sw_tls_state sw_tls_state(const struct sw_tls *t)
{
  return t->state;
}

bool sw_tls_handshake_complete(const struct sw_tls *t)
{
  return t->handshake_complete;
}

unsigned long sw_tls_failure(const struct sw_tls *t, char *text, size_t size)
{
  if (size > 0 && t->plaintext[0]) {
    /* Up to the first line end: the greeting, if that is what it was. */
    int n = (int)strcspn(t->plaintext, "\r\n");
    bool smtp = n >= 3 && t->plaintext[0] >= '0' && t->plaintext[0] <= '9';
    snprintf(text, size, "the server does not speak TLS here: it sent \"%.*s\"%s", n,
             t->plaintext,
             smtp ? ", a plaintext SMTP greeting (for this port try --tls starttls)"
                  : "");
  } else if (size > 0) {
    sw_win_error_sentence(text, size, (unsigned long)t->status, "%s failed",
                          t->failed_in ? t->failed_in : "TLS");
  }
  return (unsigned long)t->status;
}

static const char *protocol_name(DWORD proto)
{
  if (proto & SP_PROT_TLS1_3_CLIENT)
    return "TLS 1.3";
  if (proto & SP_PROT_TLS1_2_CLIENT)
    return "TLS 1.2";
  if (proto & SP_PROT_TLS1_1_CLIENT)
    return "TLS 1.1";
  if (proto & SP_PROT_TLS1_0_CLIENT)
    return "TLS 1.0";
  if (proto & SP_PROT_SSL3_CLIENT)
    return "SSL 3.0";
  return "";
}

/* When Schannel cannot name the suite (SECPKG_ATTR_CIPHER_INFO), the
 * algorithms it reports, e.g. "AES-256, SHA-384, ECDHE". */
static void cipher_from_algs(const SecPkgContext_ConnectionInfo *ci, char *out,
                             size_t size)
{
  const char *cipher = "?", *hash = "?", *kx = "?";
  switch (ci->aiCipher) {
  case CALG_AES_128:
    cipher = "AES-128";
    break;
  case CALG_AES_256:
    cipher = "AES-256";
    break;
  case CALG_3DES:
    cipher = "3DES";
    break;
  case CALG_RC4:
    cipher = "RC4";
    break;
  default:
    break;
  }
  switch (ci->aiHash) {
  case CALG_SHA1:
    hash = "SHA-1";
    break;
  case CALG_SHA_256:
    hash = "SHA-256";
    break;
  case CALG_SHA_384:
    hash = "SHA-384";
    break;
  case CALG_MD5:
    hash = "MD5";
    break;
  default:
    break;
  }
  switch (ci->aiExch) {
  case CALG_RSA_KEYX:
    kx = "RSA";
    break;
  case CALG_DH_EPHEM:
    kx = "DHE";
    break;
  case CALG_ECDH:
  case CALG_ECDH_EPHEM:
    kx = "ECDHE";
    break;
  default:
    break;
  }
  snprintf(out, size, "%s, %s, %s", cipher, hash, kx);
}

void sw_tls_describe(struct sw_tls *t, struct sw_tls_info *info)
{
  if (!t->handshake_complete)
    return;
  SecPkgContext_ConnectionInfo ci;
  memset(&ci, 0, sizeof ci);
  bool have_ci =
      QueryContextAttributesW(&t->ctx, SECPKG_ATTR_CONNECTION_INFO, &ci) == SEC_E_OK;
  if (have_ci)
    snprintf(info->version, sizeof info->version, "%s", protocol_name(ci.dwProtocol));
  SecPkgContext_CipherInfo cipher;
  memset(&cipher, 0, sizeof cipher);
  cipher.dwVersion = SECPKGCONTEXT_CIPHERINFO_V1;
  if (QueryContextAttributesW(&t->ctx, SECPKG_ATTR_CIPHER_INFO, &cipher) == SEC_E_OK &&
      cipher.szCipherSuite[0]) {
    cipher.szCipherSuite[SZ_ALG_MAX_SIZE - 1] = L'\0';
    sw_utf8_from_wide(cipher.szCipherSuite, info->cipher, sizeof info->cipher);
    if (!info->version[0])
      snprintf(info->version, sizeof info->version, "%s",
               protocol_name(cipher.dwProtocol));
  }
  /* Wine names the suite but for its hash ("..._GCM_<unknown>"): finish the
   * IANA name from the algorithms, or fall back to them altogether. */
  char *unknown = strchr(info->cipher, '<');
  const char *hash = !have_ci                    ? NULL
                     : ci.aiHash == CALG_SHA_256 ? "SHA256"
                     : ci.aiHash == CALG_SHA_384 ? "SHA384"
                     : ci.aiHash == CALG_SHA1    ? "SHA"
                                                 : NULL;
  if (unknown && hash && strcmp(unknown, "<unknown>") == 0)
    snprintf(unknown, sizeof info->cipher - (size_t)(unknown - info->cipher), "%s", hash);
  else if (unknown)
    info->cipher[0] = '\0';
  if (!info->cipher[0] && have_ci)
    cipher_from_algs(&ci, info->cipher, sizeof info->cipher);
}

PCCERT_CONTEXT sw_tls_peer_certificate(struct sw_tls *t)
{
  PCCERT_CONTEXT cert = NULL;
  if (!t->have_ctx || QueryContextAttributesW(&t->ctx, SECPKG_ATTR_REMOTE_CERT_CONTEXT,
                                              &cert) != SEC_E_OK)
    return NULL;
  return cert;
}
