/* The plain reference every backend is compared against (tests only): each operation written as its definition,
 * in loops with double accumulation, no blocking, no threads, no BLAS. */
#pragma once

#include "backend.h"

SrBackend *sr_reference_backend_new (void);
