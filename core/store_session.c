/*
 * store_session — sign-in, sessions, throttling and the audit log reader.
 * See store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "auth.h"
#include "store.h"
#include "util.h"

/* Verifying a password costs what hashing does, so a wrong user name is
 * as slow as a wrong password: no timing tells which names exist. */
static const char *
store_dummy_hash(void)
{
	static char hash[AUTH_HASH_MAX];
	static int made;

	if (!__atomic_load_n(&made, __ATOMIC_ACQUIRE)) {
		char tmp[AUTH_HASH_MAX];
		if (auth_hash_password("no such user, no such password", tmp)
		    == 0) {
			memcpy(hash, tmp, sizeof(hash));
			__atomic_store_n(&made, 1, __ATOMIC_RELEASE);
		}
	}
	return hash;
}

int
account_login(struct db *db, const char *name, const char *pw,
    struct account *a)
{
	sqlite3_stmt *st;
	char hash[AUTH_HASH_MAX] = "";
	int rc, disabled = 1;

	if (account_find(db, name, a) == STORE_ERROR)
		return STORE_ERROR;
	st = db_prepare(db, "SELECT pw_hash, disabled FROM account WHERE "
	    "name = ?", "s", name);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 1) {
		util_strlcpy(hash, db_text(st, 0), sizeof(hash));
		disabled = sqlite3_column_int(st, 1);
		db_done(db, st);
	}
	if (auth_verify_password(hash[0] ? hash : store_dummy_hash(), pw) ==
	    0 && hash[0] && !disabled)
		return STORE_OK;
	snprintf(db->err, sizeof(db->err), "wrong user name or password");
	return STORE_NOTFOUND;
}

int
account_set_password(struct db *db, const struct actor *who,
    const char *old_pw, const char *new_pw, int64_t keep)
{
	char err[VALID_ERR_MAX], hash[AUTH_HASH_MAX];
	struct account a;
	sqlite3_stmt *st;

	if (who->account_id <= 0 || account_login(db, who->name, old_pw,
	    &a) != STORE_OK) {
		snprintf(db->err, sizeof(db->err), "the current password is "
		    "not right");
		return STORE_INVALID;
	}
	if (auth_password_ok(new_pw, err, sizeof(err)) == -1) {
		util_strlcpy(db->err, err, sizeof(db->err));
		return STORE_INVALID;
	}
	if (auth_hash_password(new_pw, hash) == -1)
		return STORE_ERROR;
	if (db_begin(db) == -1)
		return STORE_ERROR;
	st = db_prepare(db, "UPDATE account SET pw_hash = ?, updated = ? "
	    "WHERE id = ?", "sII", hash, util_now(), who->account_id);
	if (st == NULL || db_run(db, st, NULL) == -1)
		goto fail;
	st = db_prepare(db, "DELETE FROM session WHERE account_id = ? AND "
	    "id != ?", "II", who->account_id, keep);
	if (st == NULL || db_run(db, st, NULL) == -1 ||
	    audit_add(db, who, "account.password", who->name, NULL) !=
	    STORE_OK || db_commit(db) == -1)
		goto fail;
	return STORE_OK;
fail:
	db_rollback(db);
	return STORE_ERROR;
}

int
session_create(struct db *db, const struct account *a, const char *client,
    char token[SESSION_TOKEN_MAX], char csrf[SESSION_TOKEN_MAX])
{
	char hash[65];
	sqlite3_stmt *st;
	int64_t now = util_now();

	if (auth_random_token(token, SESSION_TOKEN_MAX, 32) == -1 ||
	    auth_random_token(csrf, SESSION_TOKEN_MAX, 32) == -1)
		return STORE_ERROR;
	auth_token_hash(token, hash);
	st = db_prepare(db, "INSERT INTO session (token_hash, account_id, "
	    "csrf, client, created, last_seen, expires) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?)", "sIssIII", hash, a->id, csrf, client,
	    now, now, now);
	return st != NULL && db_run(db, st, NULL) == 0 ? STORE_OK :
	    STORE_ERROR;
}

int
session_lookup(struct db *db, const char *token, int64_t idle,
    int64_t lifetime, struct session_info *s)
{
	char hash[65];
	sqlite3_stmt *st;
	int64_t now = util_now();
	int rc;

	auth_token_hash(token, hash);
	/* The account comes along: one statement per signed-in request. */
	st = db_prepare(db, "SELECT s.id, s.csrf, s.created, s.last_seen, "
	    ACCOUNT_COLS_OF("a.") " FROM session s JOIN account a ON a.id = "
	    "s.account_id WHERE s.token_hash = ? AND a.disabled = 0", "s",
	    hash);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0)
		return STORE_NOTFOUND;
	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
	util_strlcpy(s->csrf, db_text(st, 1), sizeof(s->csrf));
	s->created = sqlite3_column_int64(st, 2);
	s->last_seen = sqlite3_column_int64(st, 3);
	account_read(st, 4, &s->a);
	db_done(db, st);
	if (now - s->last_seen > idle || now - s->created > lifetime) {
		session_delete(db, token);
		return STORE_NOTFOUND;
	}
	if (now - s->last_seen >= 60) {
		st = db_prepare(db, "UPDATE session SET last_seen = ? WHERE "
		    "id = ?", "II", now, s->id);
		if (st == NULL || db_run(db, st, NULL) == -1)
			return STORE_ERROR;
	}
	return STORE_OK;
}

int
session_delete(struct db *db, const char *token)
{
	char hash[65];
	sqlite3_stmt *st;

	auth_token_hash(token, hash);
	st = db_prepare(db, "DELETE FROM session WHERE token_hash = ?", "s",
	    hash);
	return st != NULL && db_run(db, st, NULL) == 0 ? STORE_OK :
	    STORE_ERROR;
}

int64_t
login_blocked(struct db *db, const char *key, int64_t now)
{
	sqlite3_stmt *st;
	int64_t until = 0;

	st = db_prepare(db, "SELECT locked_until FROM login_throttle WHERE "
	    "key = ?", "s", key);
	if (st == NULL)
		return 0;
	if (db_step(db, st) == 1) {
		until = sqlite3_column_int64(st, 0);
		db_done(db, st);
	}
	return until > now ? until - now : 0;
}

int
login_failed(struct db *db, const char *key, int64_t now, int max,
    int64_t window)
{
	sqlite3_stmt *st;

	/* A failure outside the window starts a new count. */
	st = db_prepare(db, "INSERT INTO login_throttle (key, failures, "
	    "first_failure) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET "
	    "failures = CASE WHEN first_failure < ? THEN 1 ELSE failures + 1 "
	    "END, first_failure = CASE WHEN first_failure < ? THEN ? ELSE "
	    "first_failure END", "sIIII", key, now, now - window, now - window,
	    now);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	st = db_prepare(db, "UPDATE login_throttle SET locked_until = ? WHERE "
	    "key = ? AND failures >= ?", "Isi", now + window, key, max);
	return st != NULL && db_run(db, st, NULL) == 0 ? STORE_OK :
	    STORE_ERROR;
}

int
login_succeeded(struct db *db, const char *key)
{
	sqlite3_stmt *st;

	st = db_prepare(db, "DELETE FROM login_throttle WHERE key = ?", "s",
	    key);
	return st != NULL && db_run(db, st, NULL) == 0 ? STORE_OK :
	    STORE_ERROR;
}

int
audit_list(struct db *db, const struct actor *who, int64_t offset,
    int64_t limit, struct audit_entry **list, size_t *n)
{
	struct audit_entry *v = NULL, *nv, *e;
	sqlite3_stmt *st;
	int rc;

	*list = NULL;
	*n = 0;
	if (!who->admin)
		return STORE_NOTFOUND;
	st = db_prepare(db, "SELECT id, at, actor, client, action, object, "
	    "detail FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?", "II",
	    limit, offset);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if ((nv = realloc(v, (*n + 1) * sizeof(*v))) == NULL) {
			db_done(db, st);
			free(v);
			*n = 0;
			return STORE_ERROR;
		}
		v = nv;
		e = &v[(*n)++];
		e->id = sqlite3_column_int64(st, 0);
		e->at = sqlite3_column_int64(st, 1);
		util_strlcpy(e->actor, db_text(st, 2), sizeof(e->actor));
		util_strlcpy(e->client, db_text(st, 3), sizeof(e->client));
		util_strlcpy(e->action, db_text(st, 4), sizeof(e->action));
		util_strlcpy(e->object, db_text(st, 5), sizeof(e->object));
		util_strlcpy(e->detail, db_text(st, 6), sizeof(e->detail));
	}
	if (rc == -1) {
		free(v);
		*n = 0;
		return STORE_ERROR;
	}
	*list = v;
	return STORE_OK;
}
