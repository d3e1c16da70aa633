/* Internals of the engine's HTTPS GET, shared by engine_https.c (lifecycle,
 * resolving, connecting) and engine_https_io.c (TLS and HTTP over the
 * connection). Nothing here is used outside those two files. */
#ifndef SW_ENGINE_HTTPS_INTERNAL_H
#define SW_ENGINE_HTTPS_INTERNAL_H

#include "engine_internal.h"

#include "engine_dns.h"
#include "engine_https.h"
#include "http_reader.h"

/* Where a fetch stands (for the sentence of a timeout). */
enum sw_https_stage {
  SW_HTTPS_RESOLVING,
  SW_HTTPS_CONNECTING,
  SW_HTTPS_HANDSHAKE,
  SW_HTTPS_VERIFYING,
  SW_HTTPS_EXCHANGE, /* the request sent, the answer being read */
};

struct sw_https_get {
  struct sw_engine *engine;
  struct sw_list_node link; /* in engine->https_gets until freed */
  sw_https_get_fn done;
  void *ctx;
  bool finished; /* the callback has run */
  int pending;   /* overlapped socket operations in flight */
  enum sw_https_stage stage;
  /* One allocation, `strings`: the host, "host[:port]" for the Host
   * header, the path, and the URL for sentences. */
  char *strings, *host, *authority, *path, *url;
  uint16_t port;
  char content_type[64]; /* required; "" for any */
  size_t body_max;
  int64_t started_us, deadline_us;
  int64_t attempt_due;          /* when the current connect attempt gives way; 0: none */
  struct sw_engine_timer timer; /* on the engine's job timers */

  /* Resolving: the AAAA [0] and A [1] queries while they run, what each
   * found, and why one found nothing. */
  struct sw_engine_dns_job *dns[2];
  struct sockaddr_storage found[2][SW_MAX_ADDRESSES / 2];
  int nfound[2];
  char dns_why[2][SW_ENGINE_DNS_ERROR_MAX];

  struct sockaddr_storage addrs[SW_MAX_ADDRESSES];
  int naddrs, next_addr;
  char peer[SW_PEER_MAX]; /* the address being tried or connected */
  unsigned long last_error;

  SOCKET sock;
  struct sw_req connect_req, read_req, write_req;
  bool reading, writing;
  char rbuf[SW_READ_BUFFER];
  struct sw_buf wire; /* ciphertext being sent (the WSASend points into it) */
  size_t woff;

  struct sw_tls *session;
  bool request_sent;
  PCCERT_CONTEXT peer_cert;
  struct sw_tls_info info;
  enum sw_outcome cert_outcome; /* SW_OUTCOME_INTERNAL_ERROR until judged */
  struct sw_verify_job *job;    /* the validation under way, if any */
  struct sw_http_reader reader;
};

/* engine_https.c */
/* Ends the fetch with `outcome` and a printf-style sentence (NULL: none),
 * running the callback once; the socket is closed and whatever runs for
 * it is let go. Does not free: the caller settles. */
void sw__https_finish(struct sw_https_get *f, enum sw_https_outcome outcome,
                      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Ends it for a failed Win32 or Winsock call: "URL: what: the error's
 * text". */
void sw__https_fail_win(struct sw_https_get *f, enum sw_https_outcome outcome,
                        unsigned long code, const char *what);
/* Frees the fetch once it is finished and nothing is pending. May free. */
void sw__https_settle(struct sw_https_get *f);
/* Re-arms the timer for min(deadline, attempt_due). */
void sw__https_arm(struct sw_https_get *f);
/* The Winsock error of a completed socket request (0 if none). */
DWORD sw__https_io_error(struct sw_https_get *f, struct sw_req *req, DWORD error);

/* engine_https_io.c */
/* Sets up the read and write requests. */
void sw__https_io_init(struct sw_https_get *f);
/* Connected: begins the TLS handshake (SNI: the host). */
void sw__https_start_tls(struct sw_https_get *f);

#endif
