/* What the engine tells a socket before it connects, so that a refused or
 * unreachable address is reported at once instead of late or as a timeout
 * (issue 12 item 1; libuv does the same):
 * - Loopback (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104): SIO_TCP_INITIAL_RTO
 *   with no SYN retransmissions. Windows otherwise sends the SYN again
 *   after a RST, even on loopback, so "connection refused" comes about 2 s
 *   late (Windows 10 1709+, Server 2019+, honour it).
 * - Any other address: TCP_FAIL_CONNECT_ON_ICMP_ERROR. Windows otherwise
 *   ignores ICMP "unreachable" during a connect and lets the attempt run to
 *   its share of the budget (Windows 10 2004+, Server 2022+). When a connect
 *   fails, TCP_ICMP_ERROR_INFO says which ICMP error ended it, and the
 *   check's detail names it (icmp_text.h).
 * Where Windows lacks an option (older builds; Wine 8 answers WSAEOPNOTSUPP
 * and WSAENOPROTOOPT) the check runs as before. The calls go through a
 * table that a test can replace, because Wine implements neither option:
 * there the test reads back what was asked for (tests/unit/win/
 * test_engine_sockopt.c); docs/windows-verification.md item 2a says what
 * a real Windows must show. */
#ifndef SW_ENGINE_SOCKOPT_H
#define SW_ENGINE_SOCKOPT_H

#include <winsock2.h>
#include <ws2tcpip.h>

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"

/* MinGW's headers lack these (ws2ipdef.h in the Windows SDK, Windows 10
 * 2004+). Values from Microsoft's Win32 metadata (windows-rs
 * Win32::Networking::WinSock): TCP_FAIL_CONNECT_ON_ICMP_ERROR = 18,
 * TCP_ICMP_ERROR_INFO = 19; the structure as Microsoft's page for
 * ICMP_ERROR_INFO documents it. */
#ifndef TCP_FAIL_CONNECT_ON_ICMP_ERROR
#define TCP_FAIL_CONNECT_ON_ICMP_ERROR 18
#endif
#ifndef TCP_ICMP_ERROR_INFO
#define TCP_ICMP_ERROR_INFO 19
#endif
struct sw_icmp_error_info {
  SOCKADDR_INET srcaddress;
  int protocol; /* IPPROTO: IPPROTO_ICMP or IPPROTO_ICMPV6 */
  UINT8 type;
  UINT8 code;
};

/* The socket calls behind the options. Each returns 0 or the WSA error. */
struct sw_sockopt_calls {
  int (*ioctl)(void *ctx, SOCKET s, DWORD code, void *in, DWORD in_len);
  int (*set)(void *ctx, SOCKET s, int level, int name, const char *value, int len);
  int (*get)(void *ctx, SOCKET s, int level, int name, char *value, int *len);
  void *ctx;
};

/* Winsock itself (WSAIoctl, setsockopt, getsockopt). */
extern const struct sw_sockopt_calls sw_sockopt_system;

/* What sw_connect_prepare did to one socket. */
struct sw_connect_opts {
  bool loopback;
  int rto_error;  /* loopback: 0 if SIO_TCP_INITIAL_RTO took, else its WSA error */
  int icmp_error; /* elsewhere: 0 if TCP_FAIL_CONNECT_ON_ICMP_ERROR took, else its error
                   */
};

/* Whether `sa` (AF_INET or AF_INET6) is a loopback address: 127.0.0.0/8,
 * ::1, or an IPv4-mapped 127.0.0.0/8. */
bool sw_sockaddr_is_loopback(const struct sockaddr *sa);

/* Sets the options for a connect from `s` to `addr` through `calls` and
 * says what happened in *out. Failures are not errors: the connect goes
 * ahead without the option. */
void sw_connect_prepare(const struct sw_sockopt_calls *calls, SOCKET s,
                        const struct sockaddr *addr, struct sw_connect_opts *out);

/* After a connect attempt on `s` failed: if Windows says an ICMP error
 * ended it, writes what the network answered into text ("host unreachable
 * (ICMP type 3, code 1, from 192.0.2.254)"), sets *rejected when that
 * means a refusal rather than a network failure (icmp_text.h), and
 * returns true. False, with text "", when no ICMP error is known. */
bool sw_connect_icmp_failure(const struct sw_sockopt_calls *calls, SOCKET s, char *text,
                             size_t size, bool *rejected);

/* Test only: the engine makes its socket option calls through `calls`
 * (copied) from now on; NULL: Winsock again. Loop thread. */
void sw_engine_set_sockopt_calls(struct sw_engine *e,
                                 const struct sw_sockopt_calls *calls);

#endif
