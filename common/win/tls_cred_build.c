/* The credential structures (see the header). Everything that is not set
 * here is zero: the system's defaults, on both kinds. */
#include "tls_cred_build.h"

#include <string.h>

void sw_tls_cred_build_modern(SCH_CREDENTIALS *sc)
{
  memset(sc, 0, sizeof *sc);
  sc->dwVersion = SCH_CREDENTIALS_VERSION;
  sc->dwFlags = SW_TLS_CRED_FLAGS;
}

void sw_tls_cred_build_legacy(SCHANNEL_CRED *sc)
{
  memset(sc, 0, sizeof *sc);
  sc->dwVersion = SCHANNEL_CRED_VERSION;
  sc->dwFlags = SW_TLS_CRED_FLAGS;
}
