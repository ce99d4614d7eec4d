/* The CPU backend's fork-join pool; see cpu-threads.h. */
#include "cpu-threads.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct SrThreadPool {
  int threads;
  pthread_t *workers;
  pthread_mutex_t lock;
  pthread_cond_t wake, done;
  /* the current job, under lock */
  uint64_t generation;
  int pieces, finished;
  int64_t count;
  SrRangeTask task;
  void *context;
  int stopping;
};

typedef struct {
  SrThreadPool *pool;
  int index;
} WorkerStart;

static void
run_piece (SrThreadPool *pool, int piece, int pieces, int64_t count, SrRangeTask task, void *context)
{
  int64_t begin = count * piece / pieces, end = count * (piece + 1) / pieces;
  if (begin < end)
    task (context, begin, end);
}

static void *
worker_main (void *data)
{
  WorkerStart *start = data;
  SrThreadPool *pool = start->pool;
  int index = start->index;
  free (start);
  uint64_t seen = 0;
  pthread_mutex_lock (&pool->lock);
  for (;;)
    {
      while (!pool->stopping && pool->generation == seen)
        pthread_cond_wait (&pool->wake, &pool->lock);
      if (pool->stopping)
        break;
      seen = pool->generation;
      int pieces = pool->pieces;
      if (index >= pieces)
        continue;
      int64_t count = pool->count;
      SrRangeTask task = pool->task;
      void *context = pool->context;
      pthread_mutex_unlock (&pool->lock);
      run_piece (pool, index, pieces, count, task, context);
      pthread_mutex_lock (&pool->lock);
      if (++pool->finished == pieces - 1)
        pthread_cond_signal (&pool->done);
    }
  pthread_mutex_unlock (&pool->lock);
  return NULL;
}

SrThreadPool *
sr_thread_pool_new (int threads)
{
  if (threads <= 0)
    {
      long cores = sysconf (_SC_NPROCESSORS_ONLN);
      threads = cores > 0 ? (int) (cores < 64 ? cores : 64) : 1;
    }
  SrThreadPool *pool = calloc (1, sizeof *pool);
  if (pool == NULL)
    return NULL;
  pool->threads = threads;
  pthread_mutex_init (&pool->lock, NULL);
  pthread_cond_init (&pool->wake, NULL);
  pthread_cond_init (&pool->done, NULL);
  pool->workers = calloc ((size_t) threads, sizeof *pool->workers);
  for (int i = 1; pool->workers != NULL && i < threads; i++)
    {
      WorkerStart *start = malloc (sizeof *start);
      if (start == NULL)
        {
          pool->threads = i;
          break;
        }
      *start = (WorkerStart) { pool, i };
      if (pthread_create (&pool->workers[i], NULL, worker_main, start) != 0)
        {
          free (start);
          pool->threads = i; /* fewer workers than asked: still correct */
          break;
        }
    }
  if (pool->workers == NULL)
    pool->threads = 1;
  return pool;
}

void
sr_thread_pool_free (SrThreadPool *pool)
{
  if (pool == NULL)
    return;
  pthread_mutex_lock (&pool->lock);
  pool->stopping = 1;
  pthread_cond_broadcast (&pool->wake);
  pthread_mutex_unlock (&pool->lock);
  for (int i = 1; i < pool->threads; i++)
    pthread_join (pool->workers[i], NULL);
  pthread_cond_destroy (&pool->wake);
  pthread_cond_destroy (&pool->done);
  pthread_mutex_destroy (&pool->lock);
  free (pool->workers);
  free (pool);
}

int
sr_thread_pool_size (const SrThreadPool *pool)
{
  return pool->threads;
}

void
sr_parallel_for (SrThreadPool *pool, int64_t count, int64_t grain, SrRangeTask task, void *context)
{
  if (count <= 0)
    return;
  int64_t by_grain = grain > 0 ? count / grain : count;
  int pieces = pool->threads;
  if (by_grain < pieces)
    pieces = by_grain < 1 ? 1 : (int) by_grain;
  if (pieces == 1)
    {
      task (context, 0, count);
      return;
    }
  pthread_mutex_lock (&pool->lock);
  pool->pieces = pieces;
  pool->finished = 0;
  pool->count = count;
  pool->task = task;
  pool->context = context;
  pool->generation++;
  pthread_cond_broadcast (&pool->wake);
  pthread_mutex_unlock (&pool->lock);

  run_piece (pool, 0, pieces, count, task, context);

  pthread_mutex_lock (&pool->lock);
  while (pool->finished < pieces - 1)
    pthread_cond_wait (&pool->done, &pool->lock);
  pthread_mutex_unlock (&pool->lock);
}
