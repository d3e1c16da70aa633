/* What the benchmarks' native SMTP peers (fast_responder, tls_responder)
 * share: the command line (PORT, --seconds N), a loopback listener that
 * announces its port, accepting, the table of connections by fd, the
 * one-thread epoll loop that runs until the deadline or SIGTERM/SIGINT, and
 * the SMTP exchange itself (the greeting and the reply to each line). Each
 * peer supplies what it does when the listener or a connection is ready. */
#ifndef SW_BENCH_RESPONDER_LOOP_H
#define SW_BENCH_RESPONDER_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads argv[1] as PORT (0: any free port) and, from argv[first_option],
 * "--seconds N" (default 600). False on anything else. */
bool responder_parse(int argc, char **argv, int first_option, unsigned *port,
                     double *seconds);

/* Listens on 127.0.0.1:port (nonblocking, backlog 4096) and prints "port N"
 * on stdout once it does, so that a script can wait for that line. Returns
 * the socket, or -1 after saying why on stderr (prefixed with `name`). */
int responder_listen(const char *name, unsigned port);

/* The callbacks of responder_run: the listener is readable; connection
 * `fd` has `events` (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP). */
typedef void (*responder_accept_fn)(void *ctx, int ep, int lfd);
typedef void (*responder_event_fn)(void *ctx, int ep, int fd, uint32_t events);

/* Installs the SIGTERM/SIGINT handlers (no SA_RESTART: they wake
 * epoll_wait), ignores SIGPIPE, and serves `lfd` and the connections the
 * accept callback adds to the epoll set until `seconds` have passed or a
 * signal came. Returns 0, or 1 if the epoll set could not be made. */
int responder_run(const char *name, int lfd, double seconds,
                  responder_accept_fn on_accept, responder_event_fn on_event, void *ctx);

/* The next connection on `lfd`, nonblocking, with Nagle off (replies are
 * single small writes); -1 when there is none for now (an error other than
 * EAGAIN is said on stderr, prefixed with `name`, and retried on the next
 * wake). */
int responder_accept(const char *name, int lfd);

/* The slot of `size` bytes kept for connection `fd` (zeroed when it is
 * first made; the same size on every call), or NULL if memory ran out.
 * The kernel hands out small fds, so the table stays dense and needs no
 * hashing. */
void *responder_slot(int fd, size_t size);
/* The slot made for `fd` earlier. */
void *responder_slot_at(int fd);

/* The greeting, sent once a session is open. */
extern const char responder_greeting[];
/* The reply to one command line (len octets, no line ending): EHLO, HELO
 * and QUIT (then *quit is set) are answered as such, anything else with
 * 250. Its length in *reply_len. */
const char *responder_reply(const char *line, size_t len, size_t *reply_len, bool *quit);

#endif
