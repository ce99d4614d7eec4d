/* A fork-join pool for the CPU backend's kernels: the caller and threads − 1 workers split a range of independent
 * items. Workers sleep on a condition variable between jobs rather than spin, because OpenBLAS's own threads (and,
 * during training, PyTorch's) share the same two cores. */
#pragma once

#include <stdint.h>

typedef struct SrThreadPool SrThreadPool;
typedef void (*SrRangeTask) (void *context, int64_t begin, int64_t end);

SrThreadPool *sr_thread_pool_new (int threads); /* threads ≤ 0: one per online core */
void sr_thread_pool_free (SrThreadPool *pool);
int sr_thread_pool_size (const SrThreadPool *pool);
/* Runs TASK over [0, COUNT) in at most one piece per thread; ranges smaller than GRAIN items per thread use fewer
 * threads, so small jobs do not pay for waking workers. Returns when every piece is done. */
void sr_parallel_for (SrThreadPool *pool, int64_t count, int64_t grain, SrRangeTask task, void *context);
