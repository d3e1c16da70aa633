/* The token endpoint's answer (oauth_reply.h). */
#include "oauth_reply.h"

#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check_result.h" /* sw__escape_text */

/* The description's share of a sentence: Entra ID's run on with trace and
 * correlation ids, which the user can find in the sign-in logs. */
#define DESCRIPTION_KEPT 120

static const char *string_member(const cJSON *obj, const char *name)
{
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
  return cJSON_IsString(m) && m->valuestring ? m->valuestring : NULL;
}

/* `text` made printable into out[size], with every occurrence of the
 * secret shown as "****" first: an endpoint may quote what it was sent. */
static void shown_text(const char *text, const char *secret, char *out, size_t size)
{
  char raw[4 * DESCRIPTION_KEPT];
  size_t n = 0, slen = secret ? strlen(secret) : 0;
  for (const char *p = text; *p && n + 5 < sizeof raw;) {
    if (slen > 0 && strncmp(p, secret, slen) == 0) {
      memcpy(raw + n, "****", 4);
      n += 4;
      p += slen;
    } else {
      raw[n++] = *p++;
    }
  }
  sw__escape_text(out, size, raw, n, false);
  SecureZeroMemory(raw, sizeof raw);
}

/* expires_in: a number, or a string of digits (Entra ID's v1 endpoint);
 * 0 when absent or neither. */
static int64_t lifetime(const cJSON *obj)
{
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "expires_in");
  if (cJSON_IsNumber(m) && m->valuedouble > 0 && m->valuedouble < 1e9)
    return (int64_t)m->valuedouble;
  if (cJSON_IsString(m) && m->valuestring && m->valuestring[0] &&
      strspn(m->valuestring, "0123456789") == strlen(m->valuestring) &&
      strlen(m->valuestring) < 10)
    return strtoll(m->valuestring, NULL, 10);
  return 0;
}

static bool read_token(const cJSON *j, struct sw_oauth_token *out, char *detail,
                       size_t size)
{
  if (!cJSON_IsObject(j)) {
    snprintf(detail, size, "the token endpoint answered 200 without a JSON object");
    return false;
  }
  const char *token = string_member(j, "access_token");
  const char *type = string_member(j, "token_type");
  if (!token || !token[0]) {
    snprintf(detail, size, "the token endpoint answered 200 without an access_token");
    return false;
  }
  if (!type || _stricmp(type, "Bearer") != 0) {
    char shown[64];
    sw__escape_text(shown, sizeof shown, type ? type : "", type ? strlen(type) : 0,
                    false);
    snprintf(detail, size,
             "the token endpoint gave a token of type \"%s\"; XOAUTH2 needs a Bearer "
             "token",
             shown);
    return false;
  }
  size_t n = strlen(token);
  out->access_token = malloc(n + 1);
  if (!out->access_token) {
    snprintf(detail, size, "out of memory reading the token endpoint's answer");
    return false;
  }
  memcpy(out->access_token, token, n + 1);
  out->expires_in_s = lifetime(j);
  return true;
}

/* Every string the parse made, wiped before cJSON frees it: the answer's
 * token must not linger in freed memory. */
static void wipe_strings(cJSON *item)
{
  for (; item; item = item->next) {
    if (item->valuestring)
      SecureZeroMemory(item->valuestring, strlen(item->valuestring));
    wipe_strings(item->child);
  }
}

bool sw_oauth_reply_read(int status, const char *body, size_t len, const char *secret,
                         struct sw_oauth_token *out, char *detail, size_t size)
{
  memset(out, 0, sizeof *out);
  detail[0] = '\0';
  cJSON *j = len ? cJSON_ParseWithLength(body, len) : NULL;
  bool ok = false;
  if (status == 200) {
    ok = read_token(j, out, detail, size);
  } else {
    const char *error = cJSON_IsObject(j) ? string_member(j, "error") : NULL;
    const char *why = error ? string_member(j, "error_description") : NULL;
    char code[64], text[DESCRIPTION_KEPT + 8];
    if (error) {
      shown_text(error, secret, code, sizeof code);
      shown_text(why ? why : "", secret, text, sizeof text);
      snprintf(detail, size, "the token endpoint refused the client (HTTP %d): %s%s%s%s",
               status, code, why ? " (" : "", why ? text : "", why ? ")" : "");
    } else {
      snprintf(detail, size, "the token endpoint answered HTTP %d without an OAuth error",
               status);
    }
  }
  wipe_strings(j);
  cJSON_Delete(j);
  return ok;
}
