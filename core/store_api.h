/*
 * store_api — signing in to the API: HTTP Basic (or the XML gateway's
 * <auth>) on every request, so the argon2id verification (tens of ms)
 * must not run every time.
 *
 * A small in-memory cache remembers recently verified pairs: the account
 * name, a keyed BLAKE2b hash of the password (the key is random per
 * process, so the cache holds nothing an attacker could test passwords
 * against) and the stored argon2id hash that was verified.  A hit needs
 * all three to match and the entry to be younger than
 * STORE_API_CACHE_TTL.  Because the stored hash is part of the match, a
 * password change (panel or backupmxctl, any process) invalidates the
 * entry at once; a disabled account is refused whatever the cache holds.
 *
 * Errors: STORE_OK and *a; STORE_NOTFOUND for any wrong combination or a
 * disabled account (the same answer, the same cost); STORE_ERROR for
 * database trouble.  Thread-safe: the cache has its own lock.
 */
#ifndef BMX_STORE_API_H
#define BMX_STORE_API_H

#include <stdint.h>

#include "store.h"

#define STORE_API_CACHE_SLOTS	128
#define STORE_API_CACHE_TTL	60	/* seconds */

/* *verified (may be NULL) is set when the password was checked with
 * argon2id rather than found in the cache. */
int	store_api_login(struct db *, const char *name, const char *password,
	    struct account *a, int *verified);

/* For tests: drop every entry; how many logins the cache answered. */
void	store_api_cache_clear(void);
uint64_t store_api_cache_hits(void);
/* For tests: pretend now is `now` (0: the real clock). */
void	store_api_cache_clock(int64_t now);

#endif
