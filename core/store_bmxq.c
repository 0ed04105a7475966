/*
 * store_bmxq — AutoDNS queries over BackupMX records.  See store_bmxq.h.
 *
 * The statements differ with every query's shape, so they are prepared
 * for the one call and finalised by db_done() (never put in the
 * connection's statement cache, which they would fill with one-off
 * texts).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adate.h"
#include "store_bmxq.h"

enum bmxq_type { BMXQ_T_DOMAIN, BMXQ_T_TEXT, BMXQ_T_DATE, BMXQ_T_BOOL };

struct bmxq_key {
	const char	*name;		/* as the API names it */
	const char	*col;
	enum bmxq_type	 type;
	int		 nullable;
};

/* The whitelist: nothing else ever becomes a column in SQL. */
static const struct bmxq_key bmxq_keys[] = {
	{ "domain",		"b.domain",		BMXQ_T_DOMAIN,	0 },
	{ "idn",		"b.idn",		BMXQ_T_TEXT,	0 },
	{ "created",		"b.created",		BMXQ_T_DATE,	0 },
	{ "updated",		"b.updated",		BMXQ_T_DATE,	0 },
	{ "owner",		"o.name",		BMXQ_T_TEXT,	0 },
	{ "updater",		"u.name",		BMXQ_T_TEXT,	1 },
	{ "deliveryHost",	"b.delivery_host",	BMXQ_T_TEXT,	1 },
	{ "recipientPolicy",	"b.recipient_policy",	BMXQ_T_TEXT,	0 },
	{ "onlyWhenDown",	"b.only_when_down",	BMXQ_T_BOOL,	0 },
};

static const struct {
	const char	*name, *alias;
	const char	*sql;		/* comparison, or NULL (LIKE, IN, NULL) */
	int		 negated;	/* true also for NULLs of the column */
} bmxq_ops[] = {
	[BMXQ_EQUAL] =		{ "EQUAL", "eq", "=", 0 },
	[BMXQ_NOT_EQUAL] =	{ "NOT_EQUAL", "ne", "<>", 1 },
	[BMXQ_LIKE] =		{ "LIKE", NULL, NULL, 0 },
	[BMXQ_NOT_LIKE] =	{ "NOT_LIKE", "nlike", NULL, 1 },
	[BMXQ_ILIKE] =		{ "ILIKE", NULL, NULL, 0 },
	[BMXQ_GREATER] =	{ "GREATER", "gt", ">", 0 },
	[BMXQ_GREATER_EQUAL] =	{ "GREATER_EQUAL", "ge", ">=", 0 },
	[BMXQ_LESS] =		{ "LESS", "lt", "<", 0 },
	[BMXQ_LESS_EQUAL] =	{ "LESS_EQUAL", "le", "<=", 0 },
	[BMXQ_NOT_LESS] =	{ "NOT_LESS", NULL, ">=", 0 },
	[BMXQ_NOT_GREATER] =	{ "NOT_GREATER", NULL, "<=", 0 },
	[BMXQ_NOT_LESS_EQUAL] =	{ "NOT_LESS_EQUAL", NULL, ">", 0 },
	[BMXQ_NOT_GREATER_EQUAL] = { "NOT_GREATER_EQUAL", NULL, "<", 0 },
	[BMXQ_IN] =		{ "IN", NULL, NULL, 0 },
	[BMXQ_NOT_IN] =		{ "NOT_IN", "nin", NULL, 1 },
	[BMXQ_IS_NULL] =	{ "IS_NULL", "null", NULL, 0 },
	[BMXQ_IS_NOT_NULL] =	{ "IS_NOT_NULL", "notnull", NULL, 0 },
};

#define BMXQ_NOPS (sizeof(bmxq_ops) / sizeof(bmxq_ops[0]))
#define BMXQ_NKEYS (sizeof(bmxq_keys) / sizeof(bmxq_keys[0]))

int
bmxq_op_parse(const char *name)
{
	size_t i;

	for (i = 0; i < BMXQ_NOPS; i++)
		if (strcasecmp(name, bmxq_ops[i].name) == 0 ||
		    (bmxq_ops[i].alias != NULL &&
		    strcasecmp(name, bmxq_ops[i].alias) == 0))
			return (int)i;
	return -1;
}

static const struct bmxq_key *
bmxq_key(const char *name)
{
	size_t i;

	for (i = 0; i < BMXQ_NKEYS; i++)
		if (strcasecmp(name, bmxq_keys[i].name) == 0)
			return &bmxq_keys[i];
	return NULL;
}

int
bmxq_key_known(const char *key)
{
	return key != NULL && bmxq_key(key) != NULL;
}

/* --- translation ---------------------------------------------------------- */

struct bmxq_ctx {
	struct bmxq_sql	*out;
	size_t		 cap;
	size_t		 nfilters;
	char		*err;
};

static int bmxq_err(struct bmxq_ctx *, const char *, ...) ATTR_PRINTF(2, 3);

static int
bmxq_err(struct bmxq_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, BMXQ_ERR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

static struct bmxq_param *
bmxq_param_new(struct bmxq_ctx *c)
{
	struct bmxq_param *np;

	if (c->out->nparams >= BMXQ_PARAMS_MAX) {
		bmxq_err(c, "the query has more than %d values",
		    BMXQ_PARAMS_MAX);
		return NULL;
	}
	if (c->out->nparams == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		np = realloc(c->out->params, c->cap * sizeof(*np));
		if (np == NULL) {
			bmxq_err(c, "out of memory");
			return NULL;
		}
		c->out->params = np;
	}
	np = &c->out->params[c->out->nparams++];
	memset(np, 0, sizeof(*np));
	return np;
}

static int
bmxq_param_int(struct bmxq_ctx *c, int64_t v)
{
	struct bmxq_param *p = bmxq_param_new(c);

	if (p == NULL)
		return -1;
	p->is_int = 1;
	p->i = v;
	return 0;
}

static int
bmxq_param_text(struct bmxq_ctx *c, const char *s)
{
	struct bmxq_param *p = bmxq_param_new(c);

	if (p == NULL)
		return -1;
	if ((p->s = strdup(s)) == NULL)
		return bmxq_err(c, "out of memory");
	return 0;
}

/* ASCII lower case; for LIKE also '*' to '%' and the metacharacters
 * escaped with '\'.  out holds 2 * BMXQ_VALUE_MAX + 1. */
static void
bmxq_fold(const char *in, int like, char *out)
{
	size_t o = 0;

	for (; *in != '\0'; in++) {
		if (like && *in == '*') {
			out[o++] = '%';
			continue;
		}
		if (like && (*in == '%' || *in == '_' || *in == '\\'))
			out[o++] = '\\';
		out[o++] = (char)tolower((unsigned char)*in);
	}
	out[o] = '\0';
}

/* One value of key k as a bound parameter. */
static int
bmxq_value(struct bmxq_ctx *c, const struct bmxq_key *k, const char *v,
    int like)
{
	char buf[BMXQ_VALUE_MAX * 2 + 1], a[VALID_NAME_MAX];
	char u[VALID_NAME_MAX * 4], verr[VALID_ERR_MAX];
	int64_t t;

	if (strlen(v) > BMXQ_VALUE_MAX)
		return bmxq_err(c, "%s: a value is longer than %d characters",
		    k->name, BMXQ_VALUE_MAX);
	switch (k->type) {
	case BMXQ_T_DATE:
		if (adate_parse(v, &t) == -1)
			return bmxq_err(c, "%s: \"%.40s\" is not a date "
			    "(2019-09-19T12:40:02.000+0200)", k->name, v);
		return bmxq_param_int(c, t);
	case BMXQ_T_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			return bmxq_param_int(c, 1);
		if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			return bmxq_param_int(c, 0);
		return bmxq_err(c, "%s: \"%.40s\" is not true or false",
		    k->name, v);
	case BMXQ_T_DOMAIN:
		/* A whole name in either form compares as its A-label. */
		if (!like && valid_domain(v, a, u, verr) == 0)
			return bmxq_param_text(c, a);
		break;
	case BMXQ_T_TEXT:
		break;
	}
	bmxq_fold(v, like, buf);
	return bmxq_param_text(c, buf);
}

static int
bmxq_cond_like(struct bmxq_ctx *c, const struct bmxq_filter *f,
    const struct bmxq_key *k, struct sbuf *w)
{
	const char *not = f->op == BMXQ_NOT_LIKE ? "NOT " : "";

	if (k->type == BMXQ_T_DATE || k->type == BMXQ_T_BOOL)
		return bmxq_err(c, "%s: %s works on text keys only", k->name,
		    bmxq_ops[f->op].name);
	if (bmxq_value(c, k, f->value, 1) == -1)
		return -1;
	if (k->type == BMXQ_T_DOMAIN) {	/* either form of the name */
		if (bmxq_value(c, k, f->value, 1) == -1)
			return -1;
		sbuf_printf(w, "%s(%s LIKE ? ESCAPE '\\' OR b.idn LIKE ? "
		    "ESCAPE '\\')", *not ? "NOT " : "", k->col);
		return 0;
	}
	sbuf_printf(w, "(%s %sLIKE ? ESCAPE '\\'%s%s%s)", k->col, not,
	    *not && k->nullable ? " OR " : "", *not && k->nullable ? k->col :
	    "", *not && k->nullable ? " IS NULL" : "");
	return 0;
}

static int
bmxq_cond_in(struct bmxq_ctx *c, const struct bmxq_filter *f,
    const struct bmxq_key *k, struct sbuf *w)
{
	size_t i, n = 0;
	int neg = f->op == BMXQ_NOT_IN;

	if (f->nvalues + (f->value != NULL) > BMXQ_VALUES_MAX)
		return bmxq_err(c, "%s: more than %d values", k->name,
		    BMXQ_VALUES_MAX);
	sbuf_printf(w, "(%s %sIN (", k->col, neg ? "NOT " : "");
	if (f->value != NULL) {
		if (bmxq_value(c, k, f->value, 0) == -1)
			return -1;
		sbuf_puts(w, "?");
		n++;
	}
	for (i = 0; i < f->nvalues; i++, n++) {
		if (f->values[i] == NULL || bmxq_value(c, k, f->values[i],
		    0) == -1)
			return f->values[i] == NULL ? bmxq_err(c, "%s: a value "
			    "is missing", k->name) : -1;
		sbuf_puts(w, n > 0 ? ", ?" : "?");
	}
	if (n == 0)
		return bmxq_err(c, "%s: %s needs values", k->name,
		    bmxq_ops[f->op].name);
	sbuf_printf(w, ")%s%s%s)", neg && k->nullable ? " OR " : "",
	    neg && k->nullable ? k->col : "", neg && k->nullable ?
	    " IS NULL" : "");
	return 0;
}

/* The condition of one filter with a key. */
static int
bmxq_cond(struct bmxq_ctx *c, const struct bmxq_filter *f, struct sbuf *w)
{
	const struct bmxq_key *k = bmxq_key(f->key);
	enum bmxq_op op = f->op == BMXQ_NOP ? BMXQ_EQUAL : f->op;

	if (k == NULL)
		return bmxq_err(c, "unknown key \"%.40s\"", f->key);
	if ((unsigned)op >= BMXQ_NOPS)
		return bmxq_err(c, "%s: unknown operator", k->name);
	if (op == BMXQ_IS_NULL || op == BMXQ_IS_NOT_NULL) {
		sbuf_printf(w, "(%s IS %sNULL)", k->col,
		    op == BMXQ_IS_NULL ? "" : "NOT ");
		return 0;
	}
	if (op == BMXQ_IN || op == BMXQ_NOT_IN)
		return bmxq_cond_in(c, f, k, w);
	if (f->value == NULL)
		return bmxq_err(c, "%s: %s needs a value", k->name,
		    bmxq_ops[op].name);
	if (op == BMXQ_LIKE || op == BMXQ_ILIKE || op == BMXQ_NOT_LIKE) {
		struct bmxq_filter g = *f;

		g.op = op;
		return bmxq_cond_like(c, &g, k, w);
	}
	if (bmxq_value(c, k, f->value, 0) == -1)
		return -1;
	sbuf_printf(w, "(%s %s ?%s%s%s)", k->col, bmxq_ops[op].sql,
	    bmxq_ops[op].negated && k->nullable ? " OR " : "",
	    bmxq_ops[op].negated && k->nullable ? k->col : "",
	    bmxq_ops[op].negated && k->nullable ? " IS NULL" : "");
	return 0;
}

static int bmxq_list(struct bmxq_ctx *, const struct bmxq_filter *, size_t,
    int, struct sbuf *);

static int
bmxq_node(struct bmxq_ctx *c, const struct bmxq_filter *f, int depth,
    struct sbuf *w)
{
	if (++c->nfilters > BMXQ_FILTERS_MAX)
		return bmxq_err(c, "more than %d filters", BMXQ_FILTERS_MAX);
	if (f->key == NULL && f->nsub == 0)
		return bmxq_err(c, "a filter needs a key or sub-filters");
	if (f->key != NULL && f->nsub == 0)
		return bmxq_cond(c, f, w);
	if (depth >= BMXQ_DEPTH_MAX)
		return bmxq_err(c, "filters are nested deeper than %d levels",
		    BMXQ_DEPTH_MAX);
	if (f->key == NULL)
		return bmxq_list(c, f->sub, f->nsub, depth + 1, w);
	sbuf_puts(w, "(");
	if (bmxq_cond(c, f, w) == -1)
		return -1;
	sbuf_puts(w, " AND ");
	if (bmxq_list(c, f->sub, f->nsub, depth + 1, w) == -1)
		return -1;
	sbuf_puts(w, ")");
	return 0;
}

/* Siblings joined left to right: ((f0 L1 f1) L2 f2) ... */
static int
bmxq_list(struct bmxq_ctx *c, const struct bmxq_filter *f, size_t n,
    int depth, struct sbuf *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		sbuf_puts(w, "(");
	for (i = 0; i < n; i++) {
		if (i > 0)
			sbuf_puts(w, f[i].link == BMXQ_OR ? " OR " : " AND ");
		if (bmxq_node(c, &f[i], depth, w) == -1)
			return -1;
		sbuf_puts(w, ")");
	}
	return 0;
}

static int
bmxq_orders(struct bmxq_ctx *c, const struct bmxq *q, struct sbuf *o)
{
	const struct bmxq_key *k;
	size_t i;

	if (q->norders > BMXQ_ORDERS_MAX)
		return bmxq_err(c, "more than %d orders", BMXQ_ORDERS_MAX);
	sbuf_puts(o, " ORDER BY ");
	for (i = 0; i < q->norders; i++) {
		if (q->orders[i].key == NULL ||
		    (k = bmxq_key(q->orders[i].key)) == NULL)
			return bmxq_err(c, "unknown order key \"%.40s\"",
			    q->orders[i].key ? q->orders[i].key : "");
		sbuf_printf(o, "%s %s, ", k->col, q->orders[i].desc ? "DESC" :
		    "ASC");
	}
	sbuf_puts(o, "b.domain ASC");
	return 0;
}

int
bmxq_translate(const struct actor *who, const struct bmxq *q,
    struct bmxq_sql *out, char *err)
{
	struct bmxq_ctx c;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	sbuf_init(&out->where);
	sbuf_init(&out->order);
	c.out = out;
	c.err = err;
	err[0] = '\0';
	if (q->limit < 0 || q->limit > BMXQ_LIMIT_MAX || q->offset < 0)
		return bmxq_err(&c, "view: limit is 0..%d, offset at least 0",
		    BMXQ_LIMIT_MAX);
	if (who->admin)
		sbuf_puts(&out->where, " WHERE 1 = 1");
	else {
		sbuf_puts(&out->where, " WHERE b.owner_id = ?");
		if (bmxq_param_int(&c, who->account_id) == -1)
			return -1;
	}
	if (q->nfilters > 0) {
		sbuf_puts(&out->where, " AND ");
		if (bmxq_list(&c, q->filters, q->nfilters, 0,
		    &out->where) == -1)
			return -1;
	}
	return bmxq_orders(&c, q, &out->order);
}

void
bmxq_sql_free(struct bmxq_sql *s)
{
	size_t i;

	for (i = 0; i < s->nparams; i++)
		free(s->params[i].s);
	free(s->params);
	sbuf_free(&s->where);
	sbuf_free(&s->order);
	memset(s, 0, sizeof(*s));
}

void
bmxq_filters_free(struct bmxq_filter *f, size_t n)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < n; i++) {
		bmxq_filters_free(f[i].sub, f[i].nsub);
		free(f[i].values);
	}
	free(f);
}

/* --- running it ----------------------------------------------------------- */

#define BMXQ_COLS BMX_COLS ", " BMX_QUEUED ", (SELECT count(*) FROM " \
	"backupmx_recipient r WHERE r.backupmx_id = b.id)"

/* Prepare text (never cached) and bind the translated parameters. */
static sqlite3_stmt *
bmxq_prepare(struct db *db, const char *sql, const struct bmxq_sql *s)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = SQLITE_OK;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(db->err, sizeof(db->err), "prepare: %s",
		    sqlite3_errmsg(db->h));
		return NULL;
	}
	for (i = 0; i < s->nparams && rc == SQLITE_OK; i++)
		rc = s->params[i].is_int ? sqlite3_bind_int64(st, (int)i + 1,
		    s->params[i].i) : sqlite3_bind_text(st, (int)i + 1,
		    s->params[i].s, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		snprintf(db->err, sizeof(db->err), "bind: %s",
		    sqlite3_errmsg(db->h));
		db_done(db, st);
		return NULL;
	}
	return st;
}

static int
bmxq_count(struct db *db, const struct bmxq_sql *s, int64_t *total)
{
	struct sbuf sql;
	sqlite3_stmt *st;

	sbuf_init(&sql);
	sbuf_puts(&sql, "SELECT count(*)" BMX_FROM);
	sbuf_add(&sql, s->where.buf, s->where.len);
	st = bmxq_prepare(db, sql.buf, s);
	sbuf_free(&sql);
	if (st == NULL || db_step(db, st) != 1)
		return STORE_ERROR;
	*total = sqlite3_column_int64(st, 0);
	db_done(db, st);
	return STORE_OK;
}

static void
bmxq_row(sqlite3_stmt *st, struct bmx_row *r)
{
	memset(r, 0, sizeof(*r));
	bmx_read(st, &r->b);
	r->queued = sqlite3_column_int64(st, 11);
	r->nrcpt = sqlite3_column_int64(st, 12);
}

static int
bmxq_page(struct db *db, const struct bmxq_sql *s, int64_t limit,
    int64_t offset, struct bmx_row *rows, size_t *n)
{
	struct sbuf sql;
	sqlite3_stmt *st;
	int rc;

	sbuf_init(&sql);
	sbuf_puts(&sql, "SELECT " BMXQ_COLS BMX_FROM);
	sbuf_add(&sql, s->where.buf, s->where.len);
	sbuf_add(&sql, s->order.buf, s->order.len);
	sbuf_puts(&sql, " LIMIT ? OFFSET ?");
	st = bmxq_prepare(db, sql.buf, s);
	sbuf_free(&sql);
	if (st == NULL)
		return STORE_ERROR;
	if (sqlite3_bind_int64(st, (int)s->nparams + 1, limit) != SQLITE_OK ||
	    sqlite3_bind_int64(st, (int)s->nparams + 2, offset) != SQLITE_OK) {
		snprintf(db->err, sizeof(db->err), "bind: %s",
		    sqlite3_errmsg(db->h));
		db_done(db, st);
		return STORE_ERROR;
	}
	while ((rc = db_step(db, st)) == 1 && *n < (size_t)limit)
		bmxq_row(st, &rows[(*n)++]);
	if (rc == 1)
		db_done(db, st);
	return rc == -1 ? STORE_ERROR : STORE_OK;
}

int
bmxq_search(struct db *db, const struct actor *who, const struct bmxq *q,
    struct bmx_row **rows, size_t *n, int64_t *total)
{
	struct bmxq_sql s;
	char err[BMXQ_ERR_MAX];
	int64_t limit = q->limit > 0 ? q->limit : BMXQ_LIMIT_MAX;
	int rc;

	*rows = NULL;
	*n = 0;
	*total = 0;
	if (bmxq_translate(who, q, &s, err) == -1) {
		bmxq_sql_free(&s);
		util_strlcpy(db->err, err, sizeof(db->err));
		return STORE_INVALID;
	}
	if ((*rows = calloc((size_t)limit, sizeof(**rows))) == NULL) {
		bmxq_sql_free(&s);
		util_strlcpy(db->err, "out of memory", sizeof(db->err));
		return STORE_ERROR;
	}
	if (db_exec(db, "BEGIN") == -1)
		rc = STORE_ERROR;
	else if ((rc = bmxq_count(db, &s, total)) == STORE_OK)
		rc = bmxq_page(db, &s, limit, q->offset, *rows, n);
	db_rollback(db);
	bmxq_sql_free(&s);
	if (rc != STORE_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}
