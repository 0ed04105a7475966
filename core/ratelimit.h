/*
 * ratelimit — token buckets per client: `rate` requests a second on
 * average, bursts of up to `burst`.  A fixed table of buckets (no
 * allocation per client); when it is full, the bucket idle the longest
 * is reused, which only ever forgives a client.
 *
 * Errors: none; rl_take() answers 0 (go ahead) or the milliseconds until
 * a request would be allowed.  Thread-safe: one lock per table.
 * Memory: a struct ratelimit is the caller's (static is fine).
 */
#ifndef BMX_RATELIMIT_H
#define BMX_RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

#define RL_SLOTS	4096
#define RL_PROBE	8
#define RL_KEY_MAX	64

struct rl_bucket {
	char	 key[RL_KEY_MAX];
	double	 tokens;
	int64_t	 last_ms;		/* 0: empty */
};

struct ratelimit {
	pthread_mutex_t	 lock;
	double		 rate, burst;
	struct rl_bucket b[RL_SLOTS];
};

void	rl_init(struct ratelimit *, double rate, double burst);
int64_t	rl_take(struct ratelimit *, const char *key, int64_t now_ms);
/* CLOCK_MONOTONIC in milliseconds. */
int64_t	rl_now_ms(void);

#endif
