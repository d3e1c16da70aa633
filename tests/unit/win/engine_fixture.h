/* Shared by the engine's test programs (test_engine.c,
 * test_engine_resolve.c): loopback helpers and Winsock setup. Static inline functions, so
 * each test program stays one source file that links the engine. */
#ifndef SW_ENGINE_FIXTURE_H
#define SW_ENGINE_FIXTURE_H

#include <winsock2.h>
#include <ws2tcpip.h>

#include <stdint.h>

/* A loopback port that refuses connections for as long as the test
 * program runs: bound, never listening, and held (the socket is never
 * closed; the program's end releases it). A port picked and released
 * could be taken meanwhile by a server of another program on the machine
 * (CI runs side by side), and a check meant to be refused would then wait
 * for a greeting until its deadline. No SO_REUSEADDR, so nobody else can
 * bind it. Winsock must be started. */
static inline uint16_t closed_port(void)
{
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int len = sizeof a;
  if (s == INVALID_SOCKET || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
      getsockname(s, (struct sockaddr *)&a, &len) != 0)
    return 0; /* the check then fails on port 0, visibly */
  return ntohs(a.sin_port);
}

/* cmocka group setup and teardown: Winsock for the whole program. */
static inline int setup_wsa(void **state)
{
  (void)state;
  WSADATA wsa;
  return WSAStartup(MAKEWORD(2, 2), &wsa);
}

static inline int teardown_wsa(void **state)
{
  (void)state;
  WSACleanup();
  return 0;
}

#endif
