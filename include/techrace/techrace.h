/* techrace.h — the whole public API of libtechrace in one include. */
#ifndef TECHRACE_TECHRACE_H
#define TECHRACE_TECHRACE_H

#include "techrace/api.h"
#include "techrace/alloc.h"
#include "techrace/version.h"
#include "techrace/diag.h"
#include "techrace/rng.h"
#include "techrace/scenario.h"
#include "techrace/sim.h"
#include "techrace/results.h"
#include "techrace/run.h"
#include "techrace/analysis.h"
#include "techrace/experiment.h"

#endif
