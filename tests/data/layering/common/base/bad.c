/* Breaks the layering three ways: a Windows header, a header of a higher
 * folder, a header of common/win. */
#include <windows.h>

#include "engine.h"
#include "rule.h"
