/* The reserve: a file of SW_SVC_RESERVE_BYTES next to the database
 * (smtpwatch.db-reserve), written while the disk has room and given back
 * when it is full. In WAL mode even a DELETE needs room, in the log, so on
 * a disk that the database itself filled the oldest results could not be
 * deleted at all; the reserve's space lets the full-disk pruning
 * (svc_prune.h) and the next writes go through. docs/service.md. */
#ifndef SW_SVC_RESERVE_H
#define SW_SVC_RESERVE_H

#include <windows.h>

#include <stdbool.h>

#define SW_SVC_RESERVE_BYTES (8 * 1024 * 1024)
#define SW_SVC_RESERVE_SUFFIX L"-reserve"

/* Makes sure the reserve next to `db_path` exists with its full size,
 * writing zeros (not a sparse or merely extended file: the space must
 * really be taken). Returns true if it is there afterwards; false if the
 * disk has no room for it (a partly written one is removed) or the folder
 * cannot be written. Loop thread. */
bool sw_svc_reserve_make(const wchar_t *db_path);

/* Deletes the reserve next to `db_path`, giving its space back; true if
 * there was one. Loop thread. */
bool sw_svc_reserve_release(const wchar_t *db_path);

#endif
