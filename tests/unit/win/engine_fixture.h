/* Shared by the engine's test programs (test_engine.c,
 * test_engine_resolve.c, test_engine_addresses.c): loopback helpers, a
 * minimal SMTP session, and Winsock setup. Static inline functions, so
 * each test program stays one source file that links the engine. */
#ifndef SW_ENGINE_FIXTURE_H
#define SW_ENGINE_FIXTURE_H

#include <winsock2.h>
#include <ws2tcpip.h>

#include <stdint.h>
#include <string.h>

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

static inline int recv_line(SOCKET s, char *line, int size)
{
  int n = 0;
  while (n < size - 1) {
    char ch;
    if (recv(s, &ch, 1, 0) != 1)
      return -1;
    line[n++] = ch;
    if (ch == '\n')
      break;
  }
  line[n] = '\0';
  return n;
}

static inline void send_str(SOCKET s, const char *text)
{
  send(s, text, (int)strlen(text), 0);
}

/* One SMTP session as a minimal server holds it: `greeting` ("220 ...\r\n"),
 * 250 to EHLO (with PIPELINING) and to anything else, 221 to QUIT; then
 * the socket is closed. */
static inline void serve_smtp(SOCKET s, const char *greeting)
{
  char line[600];
  send_str(s, greeting);
  while (recv_line(s, line, sizeof line) > 0) {
    if (!strncmp(line, "EHLO", 4)) {
      send_str(s, "250-engine.test\r\n250 PIPELINING\r\n");
    } else if (!strncmp(line, "QUIT", 4)) {
      send_str(s, "221 bye\r\n");
      break;
    } else {
      send_str(s, "250 ok\r\n");
    }
  }
  closesocket(s);
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
