/* Reading a machine name back into its enum value: the one lookup behind
 * every `sw_*_from_name`, over the table made from an X-macro map's name
 * column,
 *   static const char *const names[] = {SW_TLS_MODE_MAP(SW_X_2)};
 * so that the table that writes a name is the table that reads it. */
#ifndef SW_NAMES_H
#define SW_NAMES_H

#include <stddef.h>

/* The index of name[0..len) in names[0..count), compared to the letter
 * (a machine name in another case is another name); -1 if it is not
 * there. `name` need not be NUL-terminated; NULL is never found. */
int sw_name_index_n(const char *const *names, size_t count, const char *name, size_t len);

/* The same for a C string. */
int sw_name_index(const char *const *names, size_t count, const char *name);

#endif
