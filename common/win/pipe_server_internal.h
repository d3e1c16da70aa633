/* Internals of the pipe server (pipe_server.h), shared by pipe_server.c
 * (instances and connections: listening, reading, writing, closing),
 * pipe_server_queue.c (the ready queue that serves requests fairly) and
 * pipe_server_accounts.c (who a client is, and what its account may).
 * Loop thread only, like the server. Nothing here is used outside these
 * three files. */
#ifndef SW_PIPE_SERVER_INTERNAL_H
#define SW_PIPE_SERVER_INTERNAL_H

#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "engine_req.h"
#include "pipe_protocol.h"
#include "pipe_server.h"
#include "sw_list.h"
#include "sw_macros.h" /* NEVER(), ALWAYS() */

#define SW_PIPE_LISTENERS 4 /* instances waiting for clients at any time */
#define SW_PIPE_IO_BUFFER 65536

enum sw_pipe_conn_state {
  SW_PIPE_CONN_LISTENING,
  SW_PIPE_CONN_OPEN,
  SW_PIPE_CONN_CLOSING
};

/* One client account (a token's user SID): its open connections and its
 * RULE_TEST allowance, kept while either is in use. */
struct sw_pipe_account {
  struct sw_list_node link; /* in the server's accounts */
  struct sw_pipe_identity id;
  unsigned conns;
  int64_t test_tat_us; /* GCRA: when the allowance is whole again */
};

struct sw_pipe_conn {
  struct sw_pipe_server *server;
  struct sw_list_node link;  /* in the server's connections */
  struct sw_list_node ready; /* in the server's ready queue while `queued` */
  HANDLE pipe;
  enum sw_pipe_conn_state state;
  struct sw_req connect_io, read_io, write_io;
  int pending; /* operations in flight, a deferred reply, a place in the queue */
  bool reading, writing, queued;
  bool close_after_write;
  bool deferred;      /* a reply is owed by the owner (sw_pipe_conn_resume) */
  bool in_request;    /* the owner's callback is running */
  bool resumed_early; /* ... and it already delivered the deferred reply */
  bool identified;
  bool admin;
  bool over_capacity; /* connected past max_clients: refused at its first request */
  bool subscribed;    /* waits for pushes: never closed for idling */
  struct sw_pipe_account *account; /* counted while open, after the first request */
  int64_t last_io_us;              /* the last read or write that moved bytes */
  int64_t wait_since_us;           /* waiting for a whole request since (0: not) */
  int64_t write_since_us;          /* writing the current reply since (0: not) */
  uintptr_t user;
  unsigned long pid;
  struct sw_buf in;  /* received, not yet served */
  struct sw_buf out; /* the reply not yet written */
  size_t out_off;
  char rbuf[SW_PIPE_IO_BUFFER];
};

struct sw_pipe_server {
  struct sw_engine *engine;
  struct sw_pipe_server_config cfg;
  wchar_t name[256];
  SECURITY_ATTRIBUTES sa;
  PSECURITY_DESCRIPTOR sd;
  struct sw_list_node conns;       /* every struct sw_pipe_conn not yet freed */
  struct sw_list_node ready_queue; /* connections with a request to serve, FIFO */
  struct sw_req work_io;
  bool work_posted; /* work_io is posted, or will be by the delay timer */
  /* After a slice that took long, the next waits as long (the loop gets at
   * least as much time for the checks as the requests had): this timer
   * posts work_io then. */
  PTP_TIMER delay;
  volatile LONG delay_armed;
  struct sw_list_node accounts;
  unsigned instances, handles, listening, open;
  bool first_created, stopping, failing;
};

/* pipe_server.c */
/* Closes the connection's handle (cancelling what is pending) and stops
 * counting it; the struct stays until sw__pipe_settle finds nothing in
 * flight. */
void sw__pipe_conn_close(struct sw_pipe_conn *c);
/* After any event on `c`: frees it if it is closing with nothing in
 * flight, and keeps instances listening. */
void sw__pipe_settle(struct sw_pipe_conn *c);
/* What an open connection does next when nothing of its own is in flight:
 * write what is owed, else close if asked to, else queue a whole request
 * (sw__pipe_enqueue), else read more. */
void sw__pipe_next_step(struct sw_pipe_conn *c);
/* Queues an error reply and closes the connection once it is written. */
void sw__pipe_refuse(struct sw_pipe_conn *c, uint32_t request_id, enum sw_pipe_error e,
                     const char *why);

/* pipe_server_queue.c */
/* Sets up the ready queue, its work packet and its delay timer (at start). */
void sw__pipe_queue_init(struct sw_pipe_server *s);
/* Cancels the delay timer and waits for its callback: afterwards no
 * packet comes from it (work_posted says whether one is still due). */
void sw__pipe_queue_close(struct sw_pipe_server *s);
/* Puts `c`, which has a whole request waiting, in the ready queue (held,
 * not freed, while there) and makes sure the work packet is posted. */
void sw__pipe_enqueue(struct sw_pipe_conn *c);
/* Posts the work packet unless it is posted already or the server stops. */
void sw__pipe_post_work(struct sw_pipe_server *s);

/* pipe_server_accounts.c */
/* Finds out who the client is, at its first request (`request_id`); false
 * if the connection is refused (a reply is queued): too many clients, or
 * too many of the account's connections. */
bool sw__pipe_identify(struct sw_pipe_conn *c, uint32_t request_id);
/* Frees the accounts with no connection and a whole allowance (`all`:
 * every account, at stop). */
void sw__pipe_accounts_prune(struct sw_pipe_server *s, int64_t now_us, bool all);

#endif
