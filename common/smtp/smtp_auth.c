/* SMTP AUTH's mechanisms and responses (smtp_auth.h). */
#include "smtp_auth.h"

#include <string.h>

#include "base64.h"
#include "hmac_md5.h"
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

enum sw_auth_mech sw_auth_pick(unsigned offered, enum sw_auth_mech forced, bool encrypted)
{
  if (forced != SW_AUTH_MECH_AUTO)
    return (unsigned)forced < SW_AUTH_MECH_COUNT && (offered & SW_AUTH_OFFERS(forced))
               ? forced
               : SW_AUTH_MECH_AUTO;
  /* The order of preference, without TLS and with it (smtp_auth.h says
   * why). */
  static const enum sw_auth_mech order[2][3] = {
      {SW_AUTH_MECH_CRAM_MD5, SW_AUTH_MECH_PLAIN, SW_AUTH_MECH_LOGIN},
      {SW_AUTH_MECH_PLAIN, SW_AUTH_MECH_LOGIN, SW_AUTH_MECH_CRAM_MD5}};
  for (size_t i = 0; i < SW_COUNTOF(order[0]); i++)
    if (offered & SW_AUTH_OFFERS(order[encrypted][i]))
      return order[encrypted][i];
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

bool sw_auth_cram_md5_response(const char *user, const char *password,
                               const void *challenge, size_t challenge_len, char *out,
                               size_t size)
{
  size_t u = strlen(user);
  if (u > SW_AUTH_USER_MAX)
    return false;
  unsigned char mac[SW_MD5_DIGEST_LEN];
  sw_hmac_md5(password, strlen(password), challenge, challenge_len, mac);
  char raw[SW_AUTH_USER_MAX + 1 + 2 * SW_MD5_DIGEST_LEN];
  memcpy(raw, user, u);
  raw[u] = ' ';
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < SW_MD5_DIGEST_LEN; i++) {
    raw[u + 1 + 2 * i] = hex[mac[i] >> 4];
    raw[u + 2 + 2 * i] = hex[mac[i] & 15];
  }
  bool ok = sw_base64_encode_to(raw, u + 1 + 2 * SW_MD5_DIGEST_LEN, out, size);
  /* The digest is as good as the password to anyone who replays the
   * challenge (and a start for a dictionary attack): wiped too. */
  sw_auth_wipe(mac, sizeof mac);
  sw_auth_wipe(raw, sizeof raw);
  return ok;
}

void sw_auth_wipe(void *p, size_t n)
{
  sw_wipe(p, n);
}
