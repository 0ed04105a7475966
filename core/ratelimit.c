/*
 * ratelimit — token buckets.  See ratelimit.h.
 */
#include <string.h>
#include <time.h>

#include "ratelimit.h"
#include "util.h"

void
rl_init(struct ratelimit *rl, double rate, double burst)
{
	memset(rl, 0, sizeof(*rl));
	pthread_mutex_init(&rl->lock, NULL);
	rl->rate = rate > 0 ? rate : 1;
	rl->burst = burst >= 1 ? burst : 1;
}

int64_t
rl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
}

static uint32_t
rl_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The bucket of key: its own, else an empty or the stalest in reach. */
static struct rl_bucket *
rl_find(struct ratelimit *rl, const char *key, int *fresh)
{
	struct rl_bucket *b, *victim = NULL;
	uint32_t h = rl_hash(key);
	size_t i;

	for (i = 0; i < RL_PROBE; i++) {
		b = &rl->b[(h + i) % RL_SLOTS];
		if (b->last_ms != 0 && strcmp(b->key, key) == 0) {
			*fresh = 0;
			return b;
		}
		if (victim == NULL || b->last_ms < victim->last_ms)
			victim = b;
	}
	*fresh = 1;
	return victim;
}

int64_t
rl_take(struct ratelimit *rl, const char *key, int64_t now_ms)
{
	struct rl_bucket *b;
	int64_t wait = 0;
	int fresh;

	pthread_mutex_lock(&rl->lock);
	b = rl_find(rl, key, &fresh);
	if (fresh) {
		util_strlcpy(b->key, key, sizeof(b->key));
		b->tokens = rl->burst;
	} else if (now_ms > b->last_ms) {
		b->tokens += (double)(now_ms - b->last_ms) * rl->rate / 1000.0;
		if (b->tokens > rl->burst)
			b->tokens = rl->burst;
	}
	if (fresh || now_ms > b->last_ms)
		b->last_ms = now_ms;
	if (b->tokens >= 1.0)
		b->tokens -= 1.0;
	else
		wait = (int64_t)((1.0 - b->tokens) * 1000.0 / rl->rate) + 1;
	pthread_mutex_unlock(&rl->lock);
	return wait;
}
