#include "secret.h"

#include <windows.h>
#include <wincrypt.h>

#include <stdlib.h>
#include <string.h>

#include "win_error.h"

/* Not a key: DPAPI's key is the account's. It makes a blob ours, so that
 * one made for another purpose by the same account does not decrypt. */
static const char entropy_text[] = "SMTP Watch notifier secret v1";

static DATA_BLOB entropy(void)
{
  DATA_BLOB e = {(DWORD)(sizeof entropy_text - 1), (BYTE *)entropy_text};
  return e;
}

/* DPAPI takes a DWORD length. A secret that big is a caller's mistake. */
static bool fits_dword(size_t len, char *why, size_t why_size)
{
  if (len <= 64u * 1024 * 1024)
    return true;
  sw_win_error_sentence(why, why_size, ERROR_INVALID_PARAMETER,
                        "could not handle a secret of more than 64 MiB");
  return false;
}

bool sw_secret_protect(const void *plain, size_t plain_len, unsigned char **blob,
                       size_t *blob_len, char *why, size_t why_size)
{
  *blob = NULL;
  *blob_len = 0;
  if (!fits_dword(plain_len, why, why_size))
    return false;
  static const BYTE none = 0; /* an empty secret still needs a pointer */
  DATA_BLOB in = {(DWORD)plain_len, plain_len ? (BYTE *)plain : (BYTE *)&none};
  DATA_BLOB ent = entropy();
  DATA_BLOB out = {0, NULL};
  if (!CryptProtectData(&in, L"SMTP Watch secret", &ent, NULL, NULL,
                        CRYPTPROTECT_UI_FORBIDDEN, &out)) {
    sw_win_error_sentence(why, why_size, GetLastError(),
                          "could not encrypt the secret with DPAPI");
    return false;
  }
  unsigned char *copy = malloc(out.cbData ? out.cbData : 1);
  if (!copy) {
    LocalFree(out.pbData);
    sw_win_error_sentence(why, why_size, ERROR_NOT_ENOUGH_MEMORY,
                          "could not keep the encrypted secret");
    return false;
  }
  memcpy(copy, out.pbData, out.cbData);
  *blob = copy;
  *blob_len = out.cbData;
  LocalFree(out.pbData);
  return true;
}

bool sw_secret_unprotect(const void *blob, size_t blob_len, unsigned char **plain,
                         size_t *plain_len, char *why, size_t why_size)
{
  *plain = NULL;
  *plain_len = 0;
  if (!fits_dword(blob_len, why, why_size))
    return false;
  static const BYTE none = 0;
  DATA_BLOB in = {(DWORD)blob_len, blob_len ? (BYTE *)blob : (BYTE *)&none};
  DATA_BLOB ent = entropy();
  DATA_BLOB out = {0, NULL};
  if (!CryptUnprotectData(&in, NULL, &ent, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &out)) {
    sw_win_error_sentence(why, why_size, GetLastError(),
                          "could not decrypt the stored secret (it is damaged, or was "
                          "encrypted by another account or on another machine; set it "
                          "again)");
    return false;
  }
  unsigned char *copy = malloc((size_t)out.cbData + 1);
  if (copy) {
    memcpy(copy, out.pbData, out.cbData);
    copy[out.cbData] = 0;
  }
  /* DPAPI's copy of the plaintext is ours to wipe before LocalFree, as
   * Microsoft's DPAPI pages ask of anything sensitive. */
  SecureZeroMemory(out.pbData, out.cbData);
  LocalFree(out.pbData);
  if (!copy) {
    sw_win_error_sentence(why, why_size, ERROR_NOT_ENOUGH_MEMORY,
                          "could not keep the decrypted secret");
    return false;
  }
  *plain = copy;
  *plain_len = out.cbData;
  return true;
}

void sw_secret_free(unsigned char *plain, size_t plain_len)
{
  if (!plain)
    return;
  SecureZeroMemory(plain, plain_len + 1);
  free(plain);
}
