/* version.c — the library's version string. */
#include "techrace/version.h"

const char *tr_version(void)
{
    return TR_VERSION_STRING;
}
