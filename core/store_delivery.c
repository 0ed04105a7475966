/*
 * store_delivery — the SQL of the relay's outbound side: which
 * destinations and messages are due, recording attempt outcomes, expiry,
 * destination reachability and queue commands.  See store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "util.h"

#define DUE_WHERE "m.node = ? AND m.held = 0 AND r.state = 'queued' AND " \
	"r.next_attempt <= ?"

int
queue_due_dests(struct db *db, const char *node, int64_t now,
    struct queue_dest **list, size_t *n)
{
	sqlite3_stmt *st;
	struct queue_dest *v = NULL, *nv;
	int rc;

	*list = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT m.domain, (SELECT b.delivery_host FROM "
	    "backupmx b WHERE b.domain = m.domain), count(DISTINCT m.id) FROM "
	    "queue_message m JOIN queue_recipient r ON r.message_id = m.id "
	    "WHERE " DUE_WHERE " GROUP BY m.domain ORDER BY min(r.next_attempt)",
	    "sI", node, now);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if ((nv = realloc(v, (*n + 1) * sizeof(*v))) == NULL) {
			db_done(db, st);
			free(v);
			return STORE_ERROR;
		}
		v = nv;
		util_strlcpy(v[*n].name, db_text(st, 0), sizeof(v[*n].name));
		util_strlcpy(v[*n].delivery_host, db_text(st, 1),
		    sizeof(v[*n].delivery_host));
		v[(*n)++].nmsg = sqlite3_column_int(st, 2);
	}
	if (rc == -1) {
		free(v);
		*n = 0;
		return STORE_ERROR;
	}
	*list = v;
	return STORE_OK;
}

int
queue_watch_dests(struct db *db, const char *node, int64_t since,
    struct queue_dest **list, size_t *n)
{
	sqlite3_stmt *st;
	struct queue_dest *v = NULL, *nv;
	int rc;

	*list = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT b.domain, b.delivery_host FROM backupmx b "
	    "WHERE b.active = 1 AND b.only_when_down = 1 AND NOT EXISTS "
	    "(SELECT 1 FROM destination d WHERE d.name = b.domain AND "
	    "d.node = ? AND d.last_probe > ?) LIMIT 1000", "sI", node, since);
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
		util_strlcpy(v[*n].name, db_text(st, 0), sizeof(v[*n].name));
		util_strlcpy(v[*n].delivery_host, db_text(st, 1),
		    sizeof(v[*n].delivery_host));
		v[(*n)++].nmsg = 0;
	}
	if (rc == -1) {
		free(v);
		*n = 0;
		return STORE_ERROR;
	}
	*list = v;
	return STORE_OK;
}

int
queue_due_messages(struct db *db, const char *node, const char *domain,
    int64_t now, char (*ids)[32], size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	st = db_prepare(db, "SELECT m.id FROM queue_message m WHERE m.id IN "
	    "(SELECT r.message_id FROM queue_recipient r JOIN queue_message m "
	    "ON m.id = r.message_id WHERE " DUE_WHERE " AND m.domain = ?) "
	    "ORDER BY m.arrival, m.id LIMIT ?", "sIsI", node, now, domain,
	    (int64_t)max);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1)
		util_strlcpy(ids[(*n)++], db_text(st, 0), 32);
	return rc == 0 ? STORE_OK : STORE_ERROR;
}

static int
queue_record_one(struct db *db, const char *id, const struct queue_result *r,
    int64_t now)
{
	sqlite3_stmt *st;

	st = db_prepare(db, "UPDATE queue_recipient SET state = ?, attempts = "
	    "attempts + 1, last_attempt = ?, last_dsn = ?, last_error = ?, "
	    "next_attempt = ? WHERE message_id = ? AND address = ? AND "
	    "state = 'queued'", "sIssIss", r->state, now, r->dsn, r->reply,
	    r->next_attempt, id, r->address);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	st = db_prepare(db, "INSERT INTO queue_attempt (message_id, address, "
	    "at, relay, dsn, status, reply) SELECT ?, ?, ?, ?, ?, ?, ? WHERE "
	    "EXISTS (SELECT 1 FROM queue_message WHERE id = ?)", "ssIsssss",
	    id, r->address, now, r->relay, r->dsn, r->status, r->reply, id);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	return STORE_OK;
}

/*
 * The dashboards' counters for a message that leaves the queue without
 * attempt rows (all recipients final): what the queue_attempt_count
 * trigger adds per recorded attempt, summed once for the message.
 */
static int
queue_count_final(struct db *db, const struct queue_record_req *q,
    int64_t now)
{
	sqlite3_stmt *st;
	int64_t sent = 0, bounced = 0;
	size_t i;

	for (i = 0; i < q->n; i++) {
		if (strcmp(q->res[i].state, "sent") == 0)
			sent++;
		else if (strcmp(q->res[i].state, "bounced") == 0)
			bounced++;
	}
	st = db_prepare(db, "INSERT INTO queue_stat (domain, hour, delivered, "
	    "bounced) SELECT domain, ?2, ?3, ?4 FROM queue_message WHERE id = ?1 "
	    "ON CONFLICT (domain, hour) DO UPDATE SET delivered = delivered + "
	    "excluded.delivered, bounced = bounced + excluded.bounced", "sIII",
	    q->id, now - now % 3600, sent, bounced);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	st = db_prepare(db, "INSERT INTO queue_total (domain, delivered, "
	    "bounced, last_delivery) SELECT domain, ?2, ?3, CASE WHEN ?2 > 0 "
	    "THEN ?4 END FROM queue_message WHERE id = ?1 ON CONFLICT (domain) "
	    "DO UPDATE SET delivered = delivered + excluded.delivered, bounced "
	    "= bounced + excluded.bounced, last_delivery = "
	    "coalesce(excluded.last_delivery, last_delivery)", "sIII", q->id,
	    sent, bounced, now);
	return st != NULL && db_run(db, st, NULL) == 0 ? STORE_OK :
	    STORE_ERROR;
}

/*
 * One message's outcomes inside the open transaction.  When every
 * recipient that was queued reached a final state, the row simply goes
 * (its recipients and attempts with it): one DELETE instead of an UPDATE
 * and an INSERT per recipient, a count and then the DELETE.
 */
static int
queue_record_in(struct db *db, struct queue_record_req *q, int64_t now)
{
	sqlite3_stmt *st;
	size_t i;
	int left = 1;

	q->finished = 0;
	if (!q->all_final) {
		for (i = 0; i < q->n; i++)
			if (queue_record_one(db, q->id, &q->res[i], now) !=
			    STORE_OK)
				return STORE_ERROR;
		st = db_prepare(db, "SELECT count(*) FROM queue_recipient "
		    "WHERE message_id = ? AND state = 'queued'", "s", q->id);
		if (st == NULL || db_step(db, st) != 1)
			return STORE_ERROR;
		left = sqlite3_column_int(st, 0);
		db_done(db, st);
	}
	if (q->all_final && queue_count_final(db, q, now) != STORE_OK)
		return STORE_ERROR;
	if (q->all_final || left == 0) {
		st = db_prepare(db, "DELETE FROM queue_message WHERE id = ?", "s",
		    q->id);
		if (st == NULL || db_run(db, st, NULL) == -1)
			return STORE_ERROR;
		q->finished = sqlite3_changes(db->h) > 0;
	}
	return STORE_OK;
}

int
queue_record_many(struct db *db, struct queue_record_req *q, size_t n,
    int64_t now)
{
	size_t i;

	if (db_begin(db) == -1)
		return STORE_ERROR;
	for (i = 0; i < n; i++)
		if (queue_record_in(db, &q[i], now) != STORE_OK)
			goto fail;
	if (db_commit(db) == -1)
		goto fail;
	return STORE_OK;
fail:
	db_rollback(db);
	for (i = 0; i < n; i++)
		q[i].finished = 0;
	return STORE_ERROR;
}

int
queue_record(struct db *db, const char *id, const struct queue_result *res,
    size_t n, int64_t now, int *finished)
{
	struct queue_record_req q = { id, res, n, 0, 0 };
	int rc;

	rc = queue_record_many(db, &q, 1, now);
	*finished = q.finished;
	return rc;
}

int
queue_defer_dest(struct db *db, const char *node, const char *domain,
    int64_t when, const char *why)
{
	sqlite3_stmt *st;

	/* Only rows due before `when` change: mail that already waits for
	 * the next probe is not rewritten on every new arrival. */
	st = db_prepare(db, "UPDATE queue_recipient SET next_attempt = ?1, "
	    "last_error = coalesce(?2, last_error) WHERE +state = 'queued' AND "
	    "+next_attempt < ?1 AND message_id IN (SELECT id FROM queue_message "
	    "WHERE node = ?3 AND domain = ?4)", "Isss", when, why, node, domain);
	return st != NULL && db_run(db, st, NULL) == 0 ? STORE_OK :
	    STORE_ERROR;
}

int
queue_expired(struct db *db, const char *node, int64_t now,
    int (*fn)(void *, const char *), void *arg)
{
	sqlite3_stmt *st;
	char (*ids)[32] = NULL, (*nv)[32];
	size_t n = 0, i;
	int rc;

	/* Collect first: fn changes the tables this query reads. */
	st = db_prepare(db, "SELECT DISTINCT m.id FROM queue_message m JOIN "
	    "queue_recipient r ON r.message_id = m.id WHERE m.node = ? AND "
	    "m.expires <= ? AND r.state = 'queued' LIMIT 1000", "sI", node, now);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if ((nv = realloc(ids, (n + 1) * sizeof(*ids))) == NULL) {
			db_done(db, st);
			rc = -1;
			break;
		}
		ids = nv;
		util_strlcpy(ids[n++], db_text(st, 0), 32);
	}
	for (i = 0; rc == 0 && i < n; i++)
		if (fn(arg, ids[i]) == -1)
			rc = -1;
	free(ids);
	return rc == 0 ? STORE_OK : STORE_ERROR;
}

int
queue_remove(struct db *db, const char *id)
{
	sqlite3_stmt *st;

	st = db_prepare(db, "DELETE FROM queue_message WHERE id = ?", "s", id);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	return sqlite3_changes(db->h) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
dest_get(struct db *db, const char *node, const char *name,
    struct dest_state *d)
{
	sqlite3_stmt *st;
	int rc;

	memset(d, 0, sizeof(*d));
	st = db_prepare(db, "SELECT last_probe, last_ok, next_probe, "
	    "last_result FROM destination WHERE name = ? AND node = ?", "ss",
	    name, node);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 1) {
		d->known = 1;
		d->last_probe = sqlite3_column_int64(st, 0);
		d->last_ok = sqlite3_column_int64(st, 1);
		d->next_probe = sqlite3_column_int64(st, 2);
		util_strlcpy(d->last_result, db_text(st, 3),
		    sizeof(d->last_result));
		db_done(db, st);
	}
	return STORE_OK;
}

int
dest_put(struct db *db, const char *node, const char *name,
    const struct dest_state *d)
{
	sqlite3_stmt *st;

	/* name is the primary key: one node's view per destination for now;
	 * a fleet keys it by (name, node) when nodes share the database. */
	st = db_prepare(db, "INSERT INTO destination (name, node, last_probe, "
	    "last_ok, last_result, next_probe) VALUES (?, ?, ?, ?, ?, ?) ON "
	    "CONFLICT (name) DO UPDATE SET node = excluded.node, last_probe = "
	    "excluded.last_probe, last_ok = excluded.last_ok, last_result = "
	    "excluded.last_result, next_probe = excluded.next_probe", "ssIIsI",
	    name, node, d->last_probe, d->last_ok, d->last_result,
	    d->next_probe);
	return st != NULL && db_run(db, st, NULL) == 0 ? STORE_OK :
	    STORE_ERROR;
}

int
queue_command_put(struct db *db, const struct actor *who, const char *verb,
    const char *arg)
{
	char action[32];
	sqlite3_stmt *st;

	st = db_prepare(db, "INSERT INTO queue_command (verb, arg, requested, "
	    "requester) VALUES (?, ?, ?, ?)", "ssIs", verb, arg, util_now(),
	    who->name);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return store_abort(db, STORE_ERROR);
	snprintf(action, sizeof(action), "queue.%s", verb);
	return store_finish(db, who, action, arg != NULL ? arg : "*", NULL);
}

int
queue_command_add(struct db *db, const struct actor *who, const char *verb,
    const char *arg)
{
	if (db_begin(db) == -1)
		return STORE_ERROR;
	return queue_command_put(db, who, verb, arg);
}

int
queue_commands(struct db *db, struct queue_cmd *out, size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	st = db_prepare(db, "SELECT id, verb, arg FROM queue_command WHERE "
	    "done IS NULL ORDER BY id LIMIT ?", "I", (int64_t)max);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		out[*n].id = sqlite3_column_int64(st, 0);
		util_strlcpy(out[*n].verb, db_text(st, 1), sizeof(out[*n].verb));
		util_strlcpy(out[*n].arg, db_text(st, 2), sizeof(out[*n].arg));
		(*n)++;
	}
	return rc == 0 ? STORE_OK : STORE_ERROR;
}

/* The SQL each command runs (arg bound once or twice), then marks done. */
static const char *
queue_command_sql(const struct queue_cmd *c)
{
	if (strcmp(c->verb, "flush") == 0)
		return c->arg[0] ? "UPDATE queue_recipient SET next_attempt = 0 "
		    "WHERE state = 'queued' AND message_id IN (SELECT id FROM "
		    "queue_message WHERE node = ? AND domain = ?)" :
		    "UPDATE queue_recipient SET next_attempt = 0 WHERE state = "
		    "'queued' AND message_id IN (SELECT id FROM queue_message "
		    "WHERE node = ? AND ? = '')";
	if (strcmp(c->verb, "hold") == 0)
		return "UPDATE queue_message SET held = 1 WHERE node = ? AND "
		    "id = ?";
	if (strcmp(c->verb, "release") == 0)
		return "UPDATE queue_message SET held = 0 WHERE node = ? AND "
		    "id = ?";
	return "DELETE FROM queue_message WHERE node = ? AND id = ?";
}

int
queue_command_apply(struct db *db, const char *node, const struct queue_cmd *c)
{
	sqlite3_stmt *st;
	int rc = STORE_ERROR;

	if (db_begin(db) == -1)
		return STORE_ERROR;
	st = db_prepare(db, queue_command_sql(c), "ss", node, c->arg);
	if (st != NULL && db_run(db, st, NULL) == 0) {
		/* A flush also wakes the destinations: probe them now. */
		st = strcmp(c->verb, "flush") == 0 ? db_prepare(db, "UPDATE "
		    "destination SET next_probe = 0 WHERE node = ? AND (? = '' "
		    "OR name = ?)", "sss", node, c->arg, c->arg) : NULL;
		if (st == NULL || db_run(db, st, NULL) == 0) {
			st = db_prepare(db, "UPDATE queue_command SET done = ? "
			    "WHERE id = ?", "II", util_now(), c->id);
			if (st != NULL && db_run(db, st, NULL) == 0)
				rc = STORE_OK;
		}
	}
	if (rc == STORE_OK && db_commit(db) == -1)
		rc = STORE_ERROR;
	if (rc != STORE_OK)
		db_rollback(db);
	return rc;
}
