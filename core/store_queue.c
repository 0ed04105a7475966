/*
 * store_queue — the relay's SQL: the recipient policy snapshot, inserting
 * accepted messages (many per transaction), and reading the queue for
 * backupmxctl and the panel.  See store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "util.h"

static int
store_policy_domains(struct db *db, const struct policy_sink *sink)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT b.domain, b.recipient_policy = 'list', "
	    "b.only_when_down AND NOT EXISTS (SELECT 1 FROM destination d "
	    "WHERE d.name = b.domain AND d.last_probe > coalesce(d.last_ok, "
	    "0)) FROM backupmx b WHERE b.active = 1", "");
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1)
		if (sink->domain(sink->arg, db_text(st, 0),
		    sqlite3_column_int(st, 1), sqlite3_column_int(st, 2)) == -1) {
			db_done(db, st);
			return STORE_ERROR;
		}
	return rc == 0 ? STORE_OK : STORE_ERROR;
}

static int
store_policy_rcpts(struct db *db, const struct policy_sink *sink)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT b.domain, r.address FROM backupmx_recipient "
	    "r JOIN backupmx b ON b.id = r.backupmx_id WHERE b.active = 1 AND "
	    "b.recipient_policy = 'list'", "");
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1)
		if (sink->recipient(sink->arg, db_text(st, 0),
		    db_text(st, 1)) == -1) {
			db_done(db, st);
			return STORE_ERROR;
		}
	return rc == 0 ? STORE_OK : STORE_ERROR;
}

int
store_policy_load(struct db *db, const struct policy_sink *sink)
{
	int rc;

	if (db_exec(db, "BEGIN") == -1)
		return STORE_ERROR;
	rc = store_policy_domains(db, sink);
	if (rc == STORE_OK)
		rc = store_policy_rcpts(db, sink);
	db_rollback(db);	/* read-only: ends the snapshot */
	return rc;
}

static int
queue_insert_one(struct db *db, const struct queue_msg_in *m)
{
	sqlite3_stmt *st;
	size_t i;

	st = db_prepare(db, "INSERT INTO queue_message (id, node, domain, "
	    "sender, size, arrival, expires, client, helo, envid, ret, body8, "
	    "smtputf8, is_bounce) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?)", "ssssIIIssssiii", m->id, m->node, m->domain, m->sender,
	    m->size, m->arrival, m->expires, m->client, m->helo, m->envid,
	    m->ret, m->body8, m->smtputf8, m->is_bounce);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	for (i = 0; i < m->nrcpt; i++) {
		st = db_prepare(db, "INSERT INTO queue_recipient (message_id, "
		    "address, orcpt, notify, next_attempt) VALUES "
		    "(?, ?, ?, ?, ?)", "ssssI", m->id, m->rcpt[i].address,
		    m->rcpt[i].orcpt, m->rcpt[i].notify, m->arrival);
		if (st == NULL || db_run(db, st, NULL) == -1)
			return STORE_ERROR;
	}
	return STORE_OK;
}

int
queue_insert(struct db *db, const struct queue_msg_in *msgs, size_t n)
{
	size_t i;

	if (db_begin(db) == -1)
		return STORE_ERROR;
	for (i = 0; i < n; i++)
		if (queue_insert_one(db, &msgs[i]) != STORE_OK) {
			db_rollback(db);
			return STORE_ERROR;
		}
	if (db_commit(db) == -1) {
		db_rollback(db);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
queue_exists(struct db *db, const char *id)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT 1 FROM queue_message WHERE id = ?", "s", id);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 1)
		db_done(db, st);
	return rc == 1 ? STORE_OK : STORE_NOTFOUND;
}

int
queue_ids(struct db *db, const char *node, int (*fn)(void *, const char *),
    void *arg)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT id FROM queue_message WHERE node = ?", "s",
	    node);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1)
		if (fn(arg, db_text(st, 0)) == -1) {
			db_done(db, st);
			return STORE_ERROR;
		}
	return rc == 0 ? STORE_OK : STORE_ERROR;
}

/* The columns every queue listing reads, and its scoping. */
#define QUEUE_SELECT "SELECT m.id, m.node, m.domain, m.sender, m.size, " \
	"m.arrival, m.expires, m.held, (SELECT group_concat(r.address || " \
	"' (' || r.state || ')', ', ') FROM queue_recipient r WHERE " \
	"r.message_id = m.id), (SELECT r.last_error FROM queue_recipient r " \
	"WHERE r.message_id = m.id AND r.last_error IS NOT NULL ORDER BY " \
	"r.last_attempt DESC LIMIT 1), m.envid, m.client, m.helo " \
	"FROM queue_message m WHERE (? = 1 OR " \
	"m.domain IN (SELECT b.domain FROM backupmx b WHERE b.owner_id = ?) " \
	"OR m.domain IN (SELECT d.name FROM domain d WHERE d.account_id = ?))"

static int
queue_entry_from_row(sqlite3_stmt *st, struct queue_entry *e)
{
	memset(e, 0, sizeof(*e));
	util_strlcpy(e->id, db_text(st, 0), sizeof(e->id));
	util_strlcpy(e->node, db_text(st, 1), sizeof(e->node));
	util_strlcpy(e->domain, db_text(st, 2), sizeof(e->domain));
	util_strlcpy(e->sender, db_text(st, 3), sizeof(e->sender));
	e->size = sqlite3_column_int64(st, 4);
	e->arrival = sqlite3_column_int64(st, 5);
	e->expires = sqlite3_column_int64(st, 6);
	e->held = sqlite3_column_int(st, 7);
	util_strlcpy(e->envid, db_text(st, 10), sizeof(e->envid));
	util_strlcpy(e->client, db_text(st, 11), sizeof(e->client));
	util_strlcpy(e->helo, db_text(st, 12), sizeof(e->helo));
	e->rcpts = strdup(db_text(st, 8));
	e->last_error = strdup(db_text(st, 9));
	return e->rcpts != NULL && e->last_error != NULL ? 0 : -1;
}

int
queue_list(struct db *db, const struct actor *who, const char *domain,
    struct queue_entry **list, size_t *n)
{
	sqlite3_stmt *st;
	struct queue_entry *v = NULL, *nv;
	size_t cnt = 0, cap = 0;
	int rc;

	*list = NULL;
	*n = 0;
	st = db_prepare(db, QUEUE_SELECT " AND (? IS NULL OR m.domain = ?) "
	    "ORDER BY m.arrival, m.id", "iIIss", who->admin, who->account_id,
	    who->account_id, domain, domain);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				db_done(db, st);
				queue_list_free(v, cnt);
				return STORE_ERROR;
			}
			v = nv;
		}
		if (queue_entry_from_row(st, &v[cnt++]) == -1) {
			db_done(db, st);
			queue_list_free(v, cnt);
			return STORE_ERROR;
		}
	}
	if (rc == -1) {
		queue_list_free(v, cnt);
		return STORE_ERROR;
	}
	*list = v;
	*n = cnt;
	return STORE_OK;
}

void
queue_list_free(struct queue_entry *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++) {
		free(v[i].rcpts);
		free(v[i].last_error);
	}
	free(v);
}

static int
queue_rcpts(struct db *db, const char *id, struct queue_rcpt_out **out,
    size_t *n)
{
	sqlite3_stmt *st;
	struct queue_rcpt_out *v = NULL, *nv, *r;
	int rc;

	*n = 0;
	st = db_prepare(db, "SELECT address, orcpt, notify, state, attempts, "
	    "next_attempt, last_attempt, last_dsn, last_error FROM "
	    "queue_recipient WHERE message_id = ? ORDER BY id", "s", id);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if ((nv = realloc(v, (*n + 1) * sizeof(*v))) == NULL) {
			db_done(db, st);
			free(v);
			return STORE_ERROR;
		}
		v = nv;
		r = &v[(*n)++];
		util_strlcpy(r->address, db_text(st, 0), sizeof(r->address));
		util_strlcpy(r->orcpt, db_text(st, 1), sizeof(r->orcpt));
		util_strlcpy(r->notify, db_text(st, 2), sizeof(r->notify));
		util_strlcpy(r->state, db_text(st, 3), sizeof(r->state));
		r->attempts = sqlite3_column_int(st, 4);
		r->next_attempt = sqlite3_column_int64(st, 5);
		r->last_attempt = sqlite3_column_int64(st, 6);
		util_strlcpy(r->last_dsn, db_text(st, 7), sizeof(r->last_dsn));
		util_strlcpy(r->last_error, db_text(st, 8),
		    sizeof(r->last_error));
	}
	if (rc == -1) {
		free(v);
		return STORE_ERROR;
	}
	*out = v;
	return STORE_OK;
}

int
queue_get(struct db *db, const struct actor *who, const char *id,
    struct queue_entry *e, struct queue_rcpt_out **rcpt, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*rcpt = NULL;
	*n = 0;
	st = db_prepare(db, QUEUE_SELECT " AND m.id = ?", "iIIs", who->admin,
	    who->account_id, who->account_id, id);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0) {
		snprintf(db->err, sizeof(db->err), "no queued message %.40s", id);
		return STORE_NOTFOUND;
	}
	rc = queue_entry_from_row(st, e);
	db_done(db, st);
	if (rc == -1)
		return STORE_ERROR;
	if (queue_rcpts(db, id, rcpt, n) != STORE_OK) {
		free(e->rcpts);
		free(e->last_error);
		return STORE_ERROR;
	}
	return STORE_OK;
}
