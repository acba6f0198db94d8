/* api.h — TR_API marks the functions of the public API. The library is built
 * with -fvisibility=hidden, so only what carries TR_API is exported from
 * libtechrace.so; everything else is internal. */
#ifndef TECHRACE_API_H
#define TECHRACE_API_H

#if defined(TR_BUILDING_LIBRARY) && defined(__GNUC__)
#define TR_API __attribute__((visibility("default")))
#else
#define TR_API
#endif

#endif
