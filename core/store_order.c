/*
 * store_order — cart, orders and the portfolio view.  See store_order.h.
 *
 * Every change runs inside one BEGIN IMMEDIATE transaction, so a cart is
 * found-or-created and a domain checked-then-inserted without a race
 * with another panel thread or another node.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_order.h"
#include "util.h"

/* "bücher.example (xn--bcher-kva.example)", or the A-label alone. */
static const char *
order_show(const char *alabel, const char *ulabel, char *buf, size_t bufsz)
{
	if (ulabel[0] == '\0' || strcmp(alabel, ulabel) == 0)
		snprintf(buf, bufsz, "%s", alabel);
	else
		snprintf(buf, bufsz, "%s (%s)", ulabel, alabel);
	return buf;
}

/* Room for one more element of size sz in *v; -1 when out of memory. */
static int
order_grow(void **v, size_t *cap, size_t cnt, size_t sz)
{
	void *nv;
	size_t ncap;

	if (cnt < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	if ((nv = realloc(*v, ncap * sz)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

void *
order_free(void *list)
{
	free(list);
	return NULL;
}

/*
 * The id of the account's open cart: STORE_OK, STORE_NOTFOUND (none and
 * create is 0) or STORE_ERROR.  Call inside a transaction when create.
 */
static int
order_cart_id(struct db *db, int64_t account, int create, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT id FROM orders WHERE account_id = ? AND "
	    "status = 'cart' ORDER BY id LIMIT 1", "I", account);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 1) {
		*id = sqlite3_column_int64(st, 0);
		db_done(db, st);
		return STORE_OK;
	}
	if (!create)
		return STORE_NOTFOUND;
	st = db_prepare(db, "INSERT INTO orders (account_id, status, created) "
	    "VALUES (?, 'cart', ?)", "II", account, util_now());
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	*id = sqlite3_last_insert_rowid(db->h);
	return STORE_OK;
}

/*
 * Whose portfolio holds alabel: 1 (*owner, *domain_id and *bmx filled),
 * 0 in none, -1 on error.
 */
static int
order_domain_owner(struct db *db, const char *alabel, int64_t *owner,
    int64_t *domain_id, int *bmx)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT d.account_id, d.id, b.id IS NOT NULL FROM "
	    "domain d LEFT JOIN backupmx b ON b.domain_id = d.id WHERE "
	    "d.name = ?", "s", alabel);
	if (st == NULL || (rc = db_step(db, st)) != 1)
		return st == NULL ? -1 : rc;
	*owner = sqlite3_column_int64(st, 0);
	*domain_id = sqlite3_column_int64(st, 1);
	*bmx = sqlite3_column_int(st, 2);
	db_done(db, st);
	return 1;
}

/* The line of order_id for alabel: 1 (*line_id), 0 none, -1 error. */
static int
order_line_of(struct db *db, int64_t order_id, const char *alabel,
    int64_t *line_id)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT id FROM order_line WHERE order_id = ? AND "
	    "domain = ?", "Is", order_id, alabel);
	if (st == NULL || (rc = db_step(db, st)) != 1)
		return st == NULL ? -1 : rc;
	*line_id = sqlite3_column_int64(st, 0);
	db_done(db, st);
	return 1;
}

/* Insert the line; the transaction is open, the checks are done. */
static int
order_line_insert(struct db *db, int64_t cart, const char *alabel,
    const char *ulabel, int service, int64_t *line_id)
{
	sqlite3_stmt *st;

	st = db_prepare(db, "INSERT INTO order_line (order_id, domain, idn, "
	    "action, backupmx) VALUES (?, ?, ?, ?, ?)", "Isssi", cart, alabel,
	    ulabel, service ? "backupmx" : "domain", service ? 1 : 0);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	if (line_id != NULL)
		*line_id = sqlite3_last_insert_rowid(db->h);
	return STORE_OK;
}

int
cart_add(struct db *db, const struct actor *who, const char *domain,
    int64_t *line_id)
{
	char a[VALID_NAME_MAX], u[VALID_NAME_MAX * 4], err[VALID_ERR_MAX];
	char show[VALID_NAME_MAX * 6], detail[96];
	int64_t owner = 0, dom_id, cart, lid = 0;
	int found, bmx = 0, service;

	if (line_id != NULL)
		*line_id = 0;
	if (who->account_id <= 0)
		return store_fail(db, STORE_INVALID, "only a signed-in "
		    "account has a cart");
	if (valid_domain(domain, a, u, err) == -1)
		return store_fail(db, STORE_INVALID, "%s", err);
	order_show(a, u, show, sizeof(show));
	if (db_begin(db) == -1)
		return STORE_ERROR;
	if ((found = order_domain_owner(db, a, &owner, &dom_id, &bmx)) == -1)
		return store_abort(db, STORE_ERROR);
	service = found && (who->admin || owner == who->account_id);
	if (found && !service)
		return store_abort(db, store_fail(db, STORE_EXISTS,
		    "%s is already in another customer's portfolio.", show));
	if (order_cart_id(db, who->account_id, 1, &cart) != STORE_OK)
		return store_abort(db, STORE_ERROR);
	switch (order_line_of(db, cart, a, &lid)) {
	case -1:
		return store_abort(db, STORE_ERROR);
	case 1:
		if (line_id != NULL)
			*line_id = lid;
		return store_abort(db, store_fail(db, STORE_EXISTS,
		    "%s is already in your cart.", show));
	}
	if (bmx)
		return store_abort(db, store_fail(db, STORE_EXISTS,
		    "BackupMX is already active for %s.", show));
	if (order_line_insert(db, cart, a, u, service, line_id) != STORE_OK)
		return store_abort(db, STORE_ERROR);
	snprintf(detail, sizeof(detail), "order %lld, %s", (long long)cart,
	    service ? "BackupMX for a portfolio domain" : "new domain");
	return store_finish(db, who, "cart.add", a, detail);
}

/*
 * The domain of a line of the actor's open cart, for the audit log:
 * STORE_OK, STORE_NOTFOUND (not in the actor's cart) or STORE_ERROR.
 */
static int
order_cart_line(struct db *db, const struct actor *who, int64_t line_id,
    char alabel[VALID_NAME_MAX])
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT l.domain FROM order_line l JOIN orders o "
	    "ON o.id = l.order_id WHERE l.id = ? AND o.account_id = ? AND "
	    "o.status = 'cart'", "II", line_id, who->account_id);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0) {
		snprintf(db->err, sizeof(db->err), "no such line in your cart");
		return STORE_NOTFOUND;
	}
	util_strlcpy(alabel, db_text(st, 0), VALID_NAME_MAX);
	db_done(db, st);
	return STORE_OK;
}

int
cart_set_backupmx(struct db *db, const struct actor *who, int64_t line_id,
    int on)
{
	char a[VALID_NAME_MAX];
	sqlite3_stmt *st;
	int rc;

	if (db_begin(db) == -1)
		return STORE_ERROR;
	if ((rc = order_cart_line(db, who, line_id, a)) != STORE_OK)
		return store_abort(db, rc);
	st = db_prepare(db, "UPDATE order_line SET backupmx = ? WHERE id = ?",
	    "iI", on ? 1 : 0, line_id);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return store_abort(db, STORE_ERROR);
	return store_finish(db, who, "cart.backupmx", a, on ? "on" : "off");
}

int
cart_remove(struct db *db, const struct actor *who, int64_t line_id)
{
	char a[VALID_NAME_MAX];
	sqlite3_stmt *st;
	int rc;

	if (db_begin(db) == -1)
		return STORE_ERROR;
	if ((rc = order_cart_line(db, who, line_id, a)) != STORE_OK)
		return store_abort(db, rc);
	st = db_prepare(db, "DELETE FROM order_line WHERE id = ?", "I",
	    line_id);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return store_abort(db, STORE_ERROR);
	return store_finish(db, who, "cart.remove", a, NULL);
}

static void
order_line_row(sqlite3_stmt *st, struct order_line *l)
{
	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(st, 0);
	util_strlcpy(l->domain, db_text(st, 1), sizeof(l->domain));
	util_strlcpy(l->idn, db_text(st, 2), sizeof(l->idn));
	l->service_only = strcmp(db_text(st, 3), "backupmx") == 0;
	l->backupmx = sqlite3_column_int(st, 4);
}

/* The lines of one order, oldest first. */
static int
order_lines(struct db *db, int64_t order_id, struct order_line **lines,
    size_t *n)
{
	sqlite3_stmt *st;
	struct order_line *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc;

	*lines = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT id, domain, idn, action, backupmx FROM "
	    "order_line WHERE order_id = ? ORDER BY id", "I", order_id);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if (order_grow((void **)&v, &cap, cnt, sizeof(*v)) == -1) {
			db_done(db, st);
			free(v);
			snprintf(db->err, sizeof(db->err), "out of memory");
			return STORE_ERROR;
		}
		order_line_row(st, &v[cnt++]);
	}
	if (rc == -1) {
		free(v);
		return STORE_ERROR;
	}
	*lines = v;
	*n = cnt;
	return STORE_OK;
}

/* Columns of struct order, for the SELECTs below. */
#define ORDER_COLUMNS "o.id, a.name, o.status, o.created, " \
	"coalesce(o.completed, 0), (SELECT count(*) FROM order_line l " \
	"WHERE l.order_id = o.id) FROM orders o JOIN account a ON " \
	"a.id = o.account_id "

static void
order_row(sqlite3_stmt *st, struct order *o)
{
	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(st, 0);
	util_strlcpy(o->owner, db_text(st, 1), sizeof(o->owner));
	util_strlcpy(o->status, db_text(st, 2), sizeof(o->status));
	o->created = sqlite3_column_int64(st, 3);
	o->completed = sqlite3_column_int64(st, 4);
	o->nlines = sqlite3_column_int64(st, 5);
}

/* Fill o and the lines from st (one row or none); finalizes st. */
static int
order_fetch(struct db *db, sqlite3_stmt *st, struct order *o,
    struct order_line **lines, size_t *n)
{
	int rc;

	*lines = NULL;
	*n = 0;
	memset(o, 0, sizeof(*o));
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0) {
		snprintf(db->err, sizeof(db->err), "no such order");
		return STORE_NOTFOUND;
	}
	order_row(st, o);
	db_done(db, st);
	return order_lines(db, o->id, lines, n);
}

int
cart_get(struct db *db, const struct actor *who, struct order *o,
    struct order_line **lines, size_t *n)
{
	int rc;

	rc = order_fetch(db, db_prepare(db, "SELECT " ORDER_COLUMNS "WHERE "
	    "o.account_id = ? AND o.status = 'cart' ORDER BY o.id LIMIT 1",
	    "I", who->account_id), o, lines, n);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
order_get(struct db *db, const struct actor *who, int64_t id,
    struct order *o, struct order_line **lines, size_t *n)
{
	return order_fetch(db, db_prepare(db, "SELECT " ORDER_COLUMNS "WHERE "
	    "o.id = ? AND (? = 1 OR o.account_id = ?)", "IiI", id, who->admin,
	    who->account_id), o, lines, n);
}

int
order_list(struct db *db, const struct actor *who, struct order **list,
    size_t *n)
{
	sqlite3_stmt *st;
	struct order *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc;

	*list = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT " ORDER_COLUMNS "WHERE ? = 1 OR "
	    "o.account_id = ? ORDER BY o.id DESC", "iI", who->admin,
	    who->account_id);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if (order_grow((void **)&v, &cap, cnt, sizeof(*v)) == -1) {
			db_done(db, st);
			free(v);
			snprintf(db->err, sizeof(db->err), "out of memory");
			return STORE_ERROR;
		}
		order_row(st, &v[cnt++]);
	}
	if (rc == -1) {
		free(v);
		return STORE_ERROR;
	}
	*list = v;
	*n = cnt;
	return STORE_OK;
}

/* The rest of cart_complete(): what one line does. */
struct order_run {
	const struct actor	*who;
	int64_t			 order_id;
	const int64_t		*external;
	size_t			 nexternal;
};

static int
order_is_external(const struct order_run *run, int64_t line_id)
{
	size_t i;

	for (i = 0; i < run->nexternal; i++)
		if (run->external[i] == line_id)
			return 1;
	return 0;
}

/* A new domain into the actor's portfolio, audited. */
static int
order_add_domain(struct db *db, const struct order_run *run,
    const struct order_line *l, int64_t *domain_id)
{
	int external = order_is_external(run, l->id);
	char detail[96];

	if (store_domain_insert(db, l->domain, l->idn, run->who->account_id,
	    external, domain_id, NULL) != STORE_OK)
		return STORE_ERROR;
	snprintf(detail, sizeof(detail), "%s, order %lld",
	    external ? "external" : "managed", (long long)run->order_id);
	return audit_add(db, run->who, "domain.add", l->domain, detail);
}

/* The BackupMX record of a portfolio domain, audited (bmx_add's rows). */
static int
order_add_bmx(struct db *db, const struct order_run *run,
    const struct order_line *l, int64_t domain_id, int64_t owner)
{
	char detail[64];

	if (store_bmx_insert(db, domain_id, l->domain, l->idn, owner,
	    run->who->account_id, NULL, NULL) != STORE_OK)
		return STORE_ERROR;
	snprintf(detail, sizeof(detail), "order %lld",
	    (long long)run->order_id);
	return audit_add(db, run->who, "backupmx.add", l->domain, detail);
}

/*
 * Carry out one line inside the open transaction: STORE_OK, a conflict
 * (STORE_EXISTS, STORE_NOTFOUND, reason in db->err) or STORE_ERROR.
 * A BackupMX record that appeared meanwhile is left as it is.
 */
static int
order_do_line(struct db *db, const struct order_run *run,
    const struct order_line *l)
{
	char show[VALID_NAME_MAX * 6];
	int64_t owner = 0, dom_id = 0;
	int found, bmx = 0, ok;

	order_show(l->domain, l->idn, show, sizeof(show));
	if ((found = order_domain_owner(db, l->domain, &owner, &dom_id,
	    &bmx)) == -1)
		return STORE_ERROR;
	/* An admin's service line may be for anyone's domain; a new-domain
	 * line only ever ends in the actor's own portfolio. */
	ok = owner == run->who->account_id ||
	    (run->who->admin && l->service_only);
	if (found && !ok) {
		snprintf(db->err, sizeof(db->err), "%s is now in another "
		    "customer's portfolio. Remove it from the cart.", show);
		return STORE_EXISTS;
	}
	if (!found && l->service_only) {
		snprintf(db->err, sizeof(db->err), "%s is no longer in your "
		    "portfolio. Remove it from the cart.", show);
		return STORE_NOTFOUND;
	}
	if (!found) {
		owner = run->who->account_id;
		if (order_add_domain(db, run, l, &dom_id) != STORE_OK)
			return STORE_ERROR;
	}
	if (l->backupmx && !bmx)
		return order_add_bmx(db, run, l, dom_id, owner);
	return STORE_OK;
}

/* Run every line; on a conflict *bad_line is its id. */
static int
order_do_lines(struct db *db, const struct order_run *run,
    const struct order_line *lines, size_t n, int64_t *bad_line)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = order_do_line(db, run, &lines[i])) != STORE_OK) {
			if (bad_line != NULL && rc != STORE_ERROR)
				*bad_line = lines[i].id;
			return rc;
		}
	return STORE_OK;
}

int
cart_complete(struct db *db, const struct actor *who,
    const int64_t *external, size_t nexternal, int64_t *order_id,
    int64_t *bad_line)
{
	struct order_run run = { who, 0, external, nexternal };
	struct order_line *lines = NULL;
	sqlite3_stmt *st;
	char object[32], detail[32];
	size_t n = 0;
	int rc;

	*order_id = 0;
	if (bad_line != NULL)
		*bad_line = 0;
	if (db_begin(db) == -1)
		return STORE_ERROR;
	if ((rc = order_cart_id(db, who->account_id, 0, &run.order_id)) ==
	    STORE_ERROR || (rc == STORE_OK && (rc = order_lines(db,
	    run.order_id, &lines, &n)) != STORE_OK))
		return store_abort(db, STORE_ERROR);
	if (n == 0)
		return store_abort(db, store_fail(db, STORE_INVALID,
		    "Your cart is empty."));
	rc = order_do_lines(db, &run, lines, n, bad_line);
	lines = order_free(lines);
	if (rc != STORE_OK)
		return store_abort(db, rc);
	st = db_prepare(db, "UPDATE orders SET status = 'completed', "
	    "completed = ? WHERE id = ? AND status = 'cart'", "II",
	    util_now(), run.order_id);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return store_abort(db, STORE_ERROR);
	snprintf(object, sizeof(object), "order %lld", (long long)run.order_id);
	snprintf(detail, sizeof(detail), "%zu line%s", n, n == 1 ? "" : "s");
	if ((rc = store_finish(db, who, "order.complete", object, detail)) ==
	    STORE_OK)
		*order_id = run.order_id;
	return rc;
}

/* Columns of struct portfolio_domain; the first parameter is the actor
 * (for in_cart). */
#define PORTFOLIO_COLUMNS "d.id, d.name, d.idn, a.name, d.external, " \
	"d.created, b.id IS NOT NULL, coalesce(b.active, 0), " \
	"coalesce(b.created, 0), (SELECT count(*) FROM queue_message q " \
	"WHERE q.domain = d.name), EXISTS (SELECT 1 FROM order_line l " \
	"JOIN orders o ON o.id = l.order_id WHERE o.account_id = ? AND " \
	"o.status = 'cart' AND l.domain = d.name) FROM domain d JOIN " \
	"account a ON a.id = d.account_id LEFT JOIN backupmx b ON " \
	"b.domain_id = d.id "

static void
portfolio_row(sqlite3_stmt *st, struct portfolio_domain *d)
{
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(st, 0);
	util_strlcpy(d->name, db_text(st, 1), sizeof(d->name));
	util_strlcpy(d->idn, db_text(st, 2), sizeof(d->idn));
	util_strlcpy(d->owner, db_text(st, 3), sizeof(d->owner));
	d->external = sqlite3_column_int(st, 4);
	d->created = sqlite3_column_int64(st, 5);
	d->bmx = sqlite3_column_int(st, 6);
	d->bmx_active = sqlite3_column_int(st, 7);
	d->bmx_created = sqlite3_column_int64(st, 8);
	d->queued = sqlite3_column_int64(st, 9);
	d->in_cart = sqlite3_column_int(st, 10);
}

int
portfolio_list(struct db *db, const struct actor *who,
    struct portfolio_domain **list, size_t *n)
{
	sqlite3_stmt *st;
	struct portfolio_domain *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc;

	*list = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT " PORTFOLIO_COLUMNS "WHERE ? = 1 OR "
	    "d.account_id = ? ORDER BY d.name", "IiI", who->account_id,
	    who->admin, who->account_id);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if (order_grow((void **)&v, &cap, cnt, sizeof(*v)) == -1) {
			db_done(db, st);
			free(v);
			snprintf(db->err, sizeof(db->err), "out of memory");
			return STORE_ERROR;
		}
		portfolio_row(st, &v[cnt++]);
	}
	if (rc == -1) {
		free(v);
		return STORE_ERROR;
	}
	*list = v;
	*n = cnt;
	return STORE_OK;
}

int
portfolio_get(struct db *db, const struct actor *who, const char *domain,
    struct portfolio_domain *d)
{
	char a[VALID_NAME_MAX], err[VALID_ERR_MAX];
	sqlite3_stmt *st;
	int rc;

	memset(d, 0, sizeof(*d));
	if (valid_domain(domain, a, NULL, err) == -1) {
		snprintf(db->err, sizeof(db->err), "no such domain");
		return STORE_NOTFOUND;
	}
	st = db_prepare(db, "SELECT " PORTFOLIO_COLUMNS "WHERE d.name = ? AND "
	    "(? = 1 OR d.account_id = ?)", "IsiI", who->account_id, a,
	    who->admin, who->account_id);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0) {
		snprintf(db->err, sizeof(db->err), "no such domain");
		return STORE_NOTFOUND;
	}
	portfolio_row(st, d);
	db_done(db, st);
	return STORE_OK;
}
