/* version.h — the library's version. */
#ifndef TECHRACE_VERSION_H
#define TECHRACE_VERSION_H

#include "techrace/api.h"

#define TR_VERSION_MAJOR 0
#define TR_VERSION_MINOR 1
#define TR_VERSION_PATCH 0
#define TR_VERSION_STRING "0.1.0"

TR_API const char *tr_version(void);

#endif
