/* SMTP AUTH's mechanisms and responses (smtp_auth.h). */
#include "smtp_auth.h"

#include <string.h>

#include "base64.h"
#include "sw_wipe.h"

static const char *const mech_names[] = {SW_AUTH_MECH_MAP(SW_X_2)};

const char *sw_auth_mech_name(enum sw_auth_mech m)
{
  return SW_TABLE_AT(mech_names, m, "?");
}

static bool same_word(const char *a, size_t len, const char *name)
{
  if (strlen(name) != len)
    return false;
  for (size_t i = 0; i < len; i++) {
    char c = a[i];
    if (c >= 'a' && c <= 'z')
      c = (char)(c - 'a' + 'A');
    char n = name[i];
    if (n >= 'a' && n <= 'z')
      n = (char)(n - 'a' + 'A');
    if (c != n)
      return false;
  }
  return true;
}

bool sw_auth_mech_from_name(const char *name, enum sw_auth_mech *out)
{
  for (int i = 0; i < SW_AUTH_MECH_COUNT; i++) {
    if (same_word(name, strlen(name), mech_names[i])) {
      *out = (enum sw_auth_mech)i;
      return true;
    }
  }
  return false;
}

unsigned sw_auth_offered(const char *params, size_t len)
{
  unsigned bits = 0;
  size_t i = 0;
  while (i < len) {
    while (i < len && params[i] == ' ')
      i++;
    size_t start = i;
    while (i < len && params[i] != ' ')
      i++;
    if (i == start)
      break;
    bool known = false;
    for (int m = SW_AUTH_MECH_PLAIN; m < SW_AUTH_MECH_COUNT; m++) {
      if (same_word(params + start, i - start, mech_names[m])) {
        bits |= SW_AUTH_OFFERS(m);
        known = true;
      }
    }
    if (!known)
      bits |= SW_AUTH_OFFERS_OTHER;
  }
  return bits;
}

enum sw_auth_mech sw_auth_pick(unsigned offered, enum sw_auth_mech forced)
{
  if (forced != SW_AUTH_MECH_AUTO)
    return (unsigned)forced < SW_AUTH_MECH_COUNT && (offered & SW_AUTH_OFFERS(forced))
               ? forced
               : SW_AUTH_MECH_AUTO;
  if (offered & SW_AUTH_OFFERS(SW_AUTH_MECH_PLAIN))
    return SW_AUTH_MECH_PLAIN;
  if (offered & SW_AUTH_OFFERS(SW_AUTH_MECH_LOGIN))
    return SW_AUTH_MECH_LOGIN;
  return SW_AUTH_MECH_AUTO;
}

bool sw_auth_plain_response(const char *user, const char *password, char *out,
                            size_t size)
{
  char raw[SW_AUTH_CREDENTIALS_MAX + 2];
  size_t u = strlen(user), p = strlen(password);
  if (u + p > SW_AUTH_CREDENTIALS_MAX)
    return false;
  raw[0] = '\0';
  memcpy(raw + 1, user, u);
  raw[1 + u] = '\0';
  memcpy(raw + 2 + u, password, p);
  bool ok = sw_base64_encode_to(raw, u + p + 2, out, size);
  sw_auth_wipe(raw, sizeof raw);
  return ok;
}

bool sw_auth_login_response(const char *text, char *out, size_t size)
{
  return sw_base64_encode_to(text, strlen(text), out, size);
}

void sw_auth_wipe(void *p, size_t n)
{
  sw_wipe(p, n);
}
