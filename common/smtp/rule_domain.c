/* The validator's part for a domain rule (issue 18, docs/domain-checks.md):
 * a rule checks either a host or a mail domain, and the settings that only
 * a domain check reads (--min-ok, --dane, --dns-server) need one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_text.h"
#include "rule.h"

static const char *str(const char *s)
{
  return s ? s : "";
}

static void check_domain_name(const char *domain, struct sw_rule_problems *out)
{
  size_t len = strlen(domain);
  const enum sw_rule_field f = SW_RULE_FIELD_DOMAIN;
  enum sw_host_kind kind = sw_host_classify(domain);
  if (kind == SW_HOST_IPV4 || kind == SW_HOST_IPV6)
    sw_rule_problems_add(out, f,
                         "Mail domain must be a DNS name such as example.com, not an "
                         "address: mail goes to the MX hosts its DNS names.");
  else if (kind != SW_HOST_DNS)
    sw_rule_problems_add(out, f, "Mail domain is not a valid DNS name: the name %s.",
                         sw_dns_problem_text(sw_host_check_dns(domain, len)));
  else if (!memchr(domain, '.', len - (domain[len - 1] == '.')))
    sw_rule_problems_add(out, f,
                         "Mail domain must have at least two labels, such as "
                         "example.com.");
}

/* The digits of a port after a colon: 1 to 65535. */
static bool port_text_ok(const char *p)
{
  if (!*p || strlen(p) > 5)
    return false;
  for (const char *c = p; *c; c++)
    if (*c < '0' || *c > '9')
      return false;
  long v = strtol(p, NULL, 10);
  return v >= 1 && v <= 65535;
}

/* "ADDR[:PORT]" as sw_dns_server_parse (common/win/dns_exchange.c) reads
 * it: an IPv4 address with or without ":PORT", an IPv6 address, or one in
 * brackets with or without ":PORT". */
static bool dns_server_ok(const char *s)
{
  char addr[64];
  const char *port = NULL;
  if (s[0] == '[') {
    const char *end = strchr(s, ']');
    if (!end || (end[1] && end[1] != ':') || (size_t)(end - s - 1) >= sizeof addr)
      return false;
    memcpy(addr, s + 1, (size_t)(end - s - 1));
    addr[end - s - 1] = '\0';
    port = end[1] ? end + 2 : NULL;
    if (!sw_host_is_ipv6(addr, strlen(addr)))
      return false;
  } else if (strchr(s, ':') && !strchr(strchr(s, ':') + 1, ':')) {
    const char *colon = strchr(s, ':');
    if ((size_t)(colon - s) >= sizeof addr)
      return false;
    memcpy(addr, s, (size_t)(colon - s));
    addr[colon - s] = '\0';
    port = colon + 1;
    if (!sw_host_is_ipv4(addr, strlen(addr)))
      return false;
  } else if (!sw_host_is_ipv4(s, strlen(s)) && !sw_host_is_ipv6(s, strlen(s))) {
    return false;
  }
  return !port || port_text_ok(port);
}

const char *sw_rule_target(const struct sw_rule *r)
{
  return *str(r->domain) ? r->domain : str(r->host);
}

void sw__rule_validate_domain(const struct sw_rule *r, struct sw_rule_problems *out)
{
  const char *domain = str(r->domain), *server = str(r->dns_server);
  if (*domain && *str(r->host))
    sw_rule_problems_add(out, SW_RULE_FIELD_DOMAIN,
                         "A rule checks either a host or a mail domain (every MX host "
                         "of it): clear one of Host and Mail domain.");
  else if (*domain && r->all_addresses)
    sw_rule_problems_add(out, SW_RULE_FIELD_DOMAIN,
                         "A mail domain's check always checks every address of every "
                         "MX host: turn off Check every address.");
  else if (*domain)
    check_domain_name(domain, out);
  if (r->min_ok > SW_RULE_MIN_OK_MAX)
    sw_rule_problems_add(out, SW_RULE_FIELD_MIN_OK,
                         "Minimum OK MX addresses must be 0 (all of them) or a "
                         "number from 1 to %d.",
                         SW_RULE_MIN_OK_MAX);
  else if (r->min_ok && !*domain)
    sw_rule_problems_add(out, SW_RULE_FIELD_MIN_OK,
                         "Minimum OK MX addresses is read by a mail domain's "
                         "check only: give a mail domain, or leave it at all.");
  if (r->dane && !*domain)
    sw_rule_problems_add(out, SW_RULE_FIELD_DANE,
                         "DANE is checked on a mail domain's MX hosts only: give a mail "
                         "domain, or turn DANE off.");
  if (*server && !*domain)
    sw_rule_problems_add(out, SW_RULE_FIELD_DNS_SERVER,
                         "DNS server is asked by a mail domain's check only: give a "
                         "mail domain, or leave the DNS server empty.");
  else if (*server && !dns_server_ok(server))
    sw_rule_problems_add(out, SW_RULE_FIELD_DNS_SERVER,
                         "DNS server must be an IP address with an optional port: "
                         "192.0.2.53, 192.0.2.53:5353, 2001:db8::53 or "
                         "[2001:db8::53]:5353 (a name would need a DNS server to find "
                         "it).");
}
