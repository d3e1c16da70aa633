#include "engine_internal.h"

#include <mstcpip.h>

#include <stdio.h>
#include <string.h>

#include "engine_sockopt.h"
#include "icmp_text.h"

static int system_ioctl(void *ctx, SOCKET s, DWORD code, void *in, DWORD in_len)
{
  (void)ctx;
  DWORD bytes = 0;
  return WSAIoctl(s, code, in, in_len, NULL, 0, &bytes, NULL, NULL) == 0
             ? 0
             : WSAGetLastError();
}

static int system_set(void *ctx, SOCKET s, int level, int name, const char *value,
                      int len)
{
  (void)ctx;
  return setsockopt(s, level, name, value, len) == 0 ? 0 : WSAGetLastError();
}

static int system_get(void *ctx, SOCKET s, int level, int name, char *value, int *len)
{
  (void)ctx;
  return getsockopt(s, level, name, value, len) == 0 ? 0 : WSAGetLastError();
}

const struct sw_sockopt_calls sw_sockopt_system = {system_ioctl, system_set, system_get,
                                                   NULL};

bool sw_sockaddr_is_loopback(const struct sockaddr *sa)
{
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
    return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
  }
  if (sa->sa_family != AF_INET6)
    return false;
  const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
  if (IN6_IS_ADDR_LOOPBACK(a))
    return true;
  return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
}

void sw_connect_prepare(const struct sw_sockopt_calls *calls, SOCKET s,
                        const struct sockaddr *addr, struct sw_connect_opts *out)
{
  memset(out, 0, sizeof *out);
  out->loopback = sw_sockaddr_is_loopback(addr);
  if (out->loopback) {
    /* Microsoft's page for TCP_INITIAL_RTO_PARAMETERS: the RTT left to the
     * system's settings, and no SYN retransmission at all, so a RST ends
     * the connect at once. Nothing is lost on loopback by not resending:
     * the SYN does not get dropped there. */
    TCP_INITIAL_RTO_PARAMETERS rto = {
        .Rtt = TCP_INITIAL_RTO_UNSPECIFIED_RTT,
        .MaxSynRetransmissions = TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS,
    };
    out->rto_error = calls->ioctl(calls->ctx, s, SIO_TCP_INITIAL_RTO, &rto, sizeof rto);
  } else {
    DWORD on = 1;
    out->icmp_error =
        calls->set(calls->ctx, s, IPPROTO_TCP, TCP_FAIL_CONNECT_ON_ICMP_ERROR,
                   (const char *)&on, sizeof on);
  }
}

bool sw_connect_icmp_failure(const struct sw_sockopt_calls *calls, SOCKET s, char *text,
                             size_t size, bool *rejected)
{
  struct sw_icmp_error_info info;
  int len = sizeof info;
  memset(&info, 0, sizeof info);
  text[0] = '\0';
  *rejected = false;
  if (calls->get(calls->ctx, s, IPPROTO_TCP, TCP_ICMP_ERROR_INFO, (char *)&info, &len) !=
          0 ||
      len < (int)sizeof info || (info.type == 0 && info.code == 0))
    return false; /* no such option here, or no ICMP error behind the failure */
  bool v6 = info.protocol == IPPROTO_ICMPV6;
  char from[INET6_ADDRSTRLEN] = "?";
  if (info.srcaddress.si_family == AF_INET6)
    inet_ntop(AF_INET6, &info.srcaddress.Ipv6.sin6_addr, from, sizeof from);
  else if (info.srcaddress.si_family == AF_INET)
    inet_ntop(AF_INET, &info.srcaddress.Ipv4.sin_addr, from, sizeof from);
  const char *what = sw_icmp_error_text(v6, info.type, info.code, rejected);
  snprintf(text, size, "%s (ICMP%s type %u, code %u, from %s)", what, v6 ? "v6" : "",
           info.type, info.code, from);
  return true;
}

void sw_engine_set_sockopt_calls(struct sw_engine *e,
                                 const struct sw_sockopt_calls *calls)
{
  e->sockopt = calls ? *calls : sw_sockopt_system;
}
