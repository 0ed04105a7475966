/*
 * store_api — API sign-in with a cache of verified passwords.  See
 * store_api.h.
 */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "store_api.h"
#include "util.h"

struct store_api_entry {
	char	 name[ACCOUNT_NAME_MAX];
	unsigned char mac[crypto_generichash_BYTES];
	char	 hash[AUTH_HASH_MAX];	/* the stored hash that was verified */
	int64_t	 at;			/* 0: empty */
};

static pthread_mutex_t store_api_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store_api_entry store_api_cache[STORE_API_CACHE_SLOTS];
static unsigned char store_api_key[crypto_generichash_KEYBYTES];
static int store_api_keyed;
static uint64_t store_api_hits;
static int64_t store_api_fake_now;

static int64_t
store_api_now(void)
{
	return store_api_fake_now ? store_api_fake_now : util_now();
}

/* The keyed hash of name and password (under the lock). */
static void
store_api_mac(const char *name, const char *pw,
    unsigned char mac[crypto_generichash_BYTES])
{
	crypto_generichash_state s;

	if (!store_api_keyed) {
		randombytes_buf(store_api_key, sizeof(store_api_key));
		store_api_keyed = 1;
	}
	crypto_generichash_init(&s, store_api_key, sizeof(store_api_key),
	    crypto_generichash_BYTES);
	crypto_generichash_update(&s, (const unsigned char *)name,
	    strlen(name) + 1);
	crypto_generichash_update(&s, (const unsigned char *)pw, strlen(pw));
	crypto_generichash_final(&s, mac, crypto_generichash_BYTES);
}

static size_t
store_api_slot(const unsigned char *mac)
{
	return ((size_t)mac[0] << 8 | mac[1]) % STORE_API_CACHE_SLOTS;
}

/* 1 when (name, pw) was verified against this stored hash lately. */
static int
store_api_cached(const char *name, const char *pw, const char *hash)
{
	unsigned char mac[crypto_generichash_BYTES];
	struct store_api_entry *e;
	int hit;

	pthread_mutex_lock(&store_api_lock);
	store_api_mac(name, pw, mac);
	e = &store_api_cache[store_api_slot(mac)];
	hit = e->at != 0 && store_api_now() - e->at < STORE_API_CACHE_TTL &&
	    strcmp(e->name, name) == 0 && strcmp(e->hash, hash) == 0 &&
	    sodium_memcmp(e->mac, mac, sizeof(mac)) == 0;
	if (hit)
		store_api_hits++;
	pthread_mutex_unlock(&store_api_lock);
	return hit;
}

static void
store_api_remember(const char *name, const char *pw, const char *hash)
{
	unsigned char mac[crypto_generichash_BYTES];
	struct store_api_entry *e;

	pthread_mutex_lock(&store_api_lock);
	store_api_mac(name, pw, mac);
	e = &store_api_cache[store_api_slot(mac)];
	util_strlcpy(e->name, name, sizeof(e->name));
	memcpy(e->mac, mac, sizeof(mac));
	util_strlcpy(e->hash, hash, sizeof(e->hash));
	e->at = store_api_now();
	pthread_mutex_unlock(&store_api_lock);
}

/* The stored hash and state of name; STORE_NOTFOUND when absent. */
static int
store_api_hash(struct db *db, const char *name, char hash[AUTH_HASH_MAX],
    int *disabled)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT pw_hash, disabled FROM account WHERE "
	    "name = ?", "s", name);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0)
		return STORE_NOTFOUND;
	util_strlcpy(hash, db_text(st, 0), AUTH_HASH_MAX);
	*disabled = sqlite3_column_int(st, 1);
	db_done(db, st);
	return STORE_OK;
}

int
store_api_login(struct db *db, const char *name, const char *pw,
    struct account *a, int *verified)
{
	char hash[AUTH_HASH_MAX];
	int rc, disabled = 0;

	if (verified != NULL)
		*verified = 0;
	rc = store_api_hash(db, name, hash, &disabled);
	if (rc == STORE_ERROR)
		return rc;
	if (rc == STORE_NOTFOUND || disabled) {
		/* The full cost and the same answer as a wrong password. */
		(void)account_login(db, name, pw, a);
		util_strlcpy(db->err, "wrong user name or password",
		    sizeof(db->err));
		return STORE_NOTFOUND;
	}
	if (!store_api_cached(name, pw, hash)) {
		if (auth_verify_password(hash, pw) == -1) {
			util_strlcpy(db->err, "wrong user name or password",
			    sizeof(db->err));
			return STORE_NOTFOUND;
		}
		/* The hash read before the check: if the password changed
		 * meanwhile, the entry never matches the new one. */
		store_api_remember(name, pw, hash);
		if (verified != NULL)
			*verified = 1;
	}
	return account_find(db, name, a);
}

void
store_api_cache_clear(void)
{
	pthread_mutex_lock(&store_api_lock);
	memset(store_api_cache, 0, sizeof(store_api_cache));
	store_api_hits = 0;
	pthread_mutex_unlock(&store_api_lock);
}

uint64_t
store_api_cache_hits(void)
{
	uint64_t n;

	pthread_mutex_lock(&store_api_lock);
	n = store_api_hits;
	pthread_mutex_unlock(&store_api_lock);
	return n;
}

void
store_api_cache_clock(int64_t now)
{
	pthread_mutex_lock(&store_api_lock);
	store_api_fake_now = now;
	pthread_mutex_unlock(&store_api_lock);
}
