/*
 * page_order — Cart, Orders and Portfolio: the seed's two ways to order
 * BackupMX (with a new domain through the cart, or retrospectively from
 * Portfolio → domain → Services through the same cart) and deactivation.
 *
 *   GET  /cart                          add form and lines
 *   POST /cart/add                      domain=
 *   POST /cart/backupmx                 line=ID backupmx=on|off
 *   POST /cart/remove                   line=ID
 *   GET  /cart/review                   what will happen, confirmation
 *   POST /cart/complete                 confirm=yes [external=ID ...]
 *   GET  /orders, /orders/ID            history, one order
 *   GET  /portfolio, /portfolio/DOMAIN  domains, one domain's Services
 *   POST /portfolio/DOMAIN/activate     a service line, then the cart
 *   GET  /portfolio/DOMAIN/deactivate   the confirmation page
 *   POST /portfolio/DOMAIN/deactivate   confirm=yes: the record goes
 *
 * Every page needs a signed-in user and every POST its CSRF token
 * (sess_post: 403 without).  All SQL is in core/store_order.c, which
 * scopes every read and write to the caller: an order, line or domain
 * that is not the caller's is 404, exactly like one that does not exist,
 * whatever the method (the object routes take every method and answer
 * 405 only once the object is known to be the caller's).  A form that
 * fails comes back with what was typed and the reason beside the field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "page.h"
#include "sess.h"
#include "store_order.h"
#include "worker.h"

#define ORDER_ALL_METHODS (HTTP_GET | HTTP_POST | HTTP_OTHER)

/* The caller's database and actor, once signed in. */
struct order_ctx {
	struct req	*r;
	struct db	*db;
	struct actor	 who;
};

/* Signed in (else the login redirect) and a database (else 503): 0/-1. */
static int
order_begin(struct req *r, struct order_ctx *c)
{
	if (sess_require(r) == -1)
		return -1;
	c->r = r;
	if ((c->db = worker_db(r->worker)) == NULL) {
		page_error(r, 503, NULL);
		return -1;
	}
	sess_actor(r, &c->who);
	return 0;
}

/* A failure of ours (database): log it, answer 500. */
static void
order_fail(struct order_ctx *c, const char *what)
{
	log_event(LOG_ERR, c->r->id, "%s %s: %s: %s", c->r->method_name,
	    c->r->path, what, db_error(c->db));
	page_error(c->r, 500, NULL);
}

/* NAME (the U-label), ALABEL when it differs ("bücher.example
 * (xn--bcher-kva.example)"), HREF (the A-label, safe in a path). */
static void
order_set_name(struct tpl *t, const char *alabel, const char *ulabel)
{
	tpl_set(t, "NAME", ulabel[0] != '\0' ? ulabel : alabel);
	tpl_set(t, "HREF", alabel);
	if (ulabel[0] != '\0' && strcmp(alabel, ulabel) != 0)
		tpl_set(tpl_section(t, "ALABEL"), "ALABEL", alabel);
}

/* "2026-11-29 01:17 UTC", or a dash for "never". */
static void
order_set_time(struct tpl *t, const char *key, int64_t when)
{
	char buf[32] = "-";
	struct tm tm;
	time_t tt = (time_t)when;

	if (when > 0 && gmtime_r(&tt, &tm) != NULL)
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
	tpl_set(t, key, buf);
}

/* A positive decimal id (at most 18 digits, nothing else), or 0. */
static int64_t
order_id_of(const char *s, size_t len)
{
	char buf[20];

	if (s == NULL || len == 0 || len > 18 ||
	    strspn(s, "0123456789") < len || s[0] == '0')
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return strtoll(buf, NULL, 10);
}

static void
order_not_allowed(struct req *r, const char *allow)
{
	http_header(r, "Allow", allow);
	page_error(r, 405, NULL);
}

static void
order_redirect_domain(struct req *r, const char *alabel, const char *tail)
{
	char loc[VALID_NAME_MAX + 32];

	snprintf(loc, sizeof(loc), "/portfolio/%s%s", alabel, tail);
	http_redirect(r, loc);
}

/*
 * The cart.
 */

/* A row of LINE for a cart or order line; the caller may add to it. */
static struct tpl *
cart_row(struct tpl *t, const struct order_line *l)
{
	struct tpl *row = tpl_section(t, "LINE");

	tpl_set_int(row, "ID", l->id);
	order_set_name(row, l->domain, l->idn);
	tpl_show(row, l->service_only ? "SERVICE" : "NEW");
	tpl_show(row, l->backupmx ? "ON" : "OFF");
	return row;
}

/* The cart page; typed and error belong to the add form. */
static void
cart_show(struct order_ctx *c, const char *typed, const char *error)
{
	struct order o;
	struct order_line *lines;
	struct page_view v;
	size_t i, n;

	if (cart_get(c->db, &c->who, &o, &lines, &n) != STORE_OK) {
		order_fail(c, "cart");
		return;
	}
	if (page_begin(c->r, &v, "Cart", "cart.tpl") == -1) {
		order_free(lines);
		page_error(c->r, 500, NULL);
		return;
	}
	tpl_set(v.content, "DOMAIN", typed != NULL ? typed : "");
	if (error != NULL)
		tpl_set(tpl_section(v.content, "DOMAIN_ERROR"), "DOMAIN_ERROR",
		    error);
	for (i = 0; i < n; i++)
		cart_row(v.content, &lines[i]);
	tpl_show(v.content, n > 0 ? "LINES" : "EMPTY");
	order_free(lines);
	page_finish(c->r, &v, 200);
}

static void
page_cart(struct req *r)
{
	struct order_ctx c;

	if (order_begin(r, &c) == 0)
		cart_show(&c, NULL, NULL);
}

static const struct form_key cart_add_keys[] = {
	{ "domain", 1, NULL },		/* cart_add() validates it */
};

static void
page_cart_add(struct req *r)
{
	char vals[1][FORM_VALUE_MAX], errs[1][VALID_ERR_MAX], why[DB_ERR_MAX];
	struct order_ctx c;
	struct form f;
	int rc;

	if (order_begin(r, &c) == -1 || sess_post(r, &f) == -1)
		return;
	if (form_check(&f, cart_add_keys, 1, vals, errs) > 0) {
		form_free(&f);
		cart_show(&c, vals[0], strcmp(errs[0], "required") != 0 ?
		    errs[0] : "Enter a domain name, e.g. example.com or "
		    "bücher.example.");
		return;
	}
	form_free(&f);
	rc = cart_add(c.db, &c.who, vals[0], NULL);
	if (rc == STORE_OK)
		http_redirect(r, "/cart");
	else if (rc == STORE_INVALID || rc == STORE_EXISTS) {
		/* a copy: showing the cart reuses db->err */
		util_strlcpy(why, db_error(c.db), sizeof(why));
		cart_show(&c, vals[0], why);
	}
	else
		order_fail(&c, "cart add");
}

/*
 * A POST on one line of the caller's cart: the line id (and for the
 * switch its new state).  Any line that is not in the caller's cart is
 * 404.  0, or -1 with the answer sent.
 */
static int
cart_line_post(struct order_ctx *c, int64_t *line, int *on)
{
	struct form f;
	const char *v;

	if (sess_post(c->r, &f) == -1)
		return -1;
	v = form_get(&f, "line");
	*line = order_id_of(v, v != NULL ? strlen(v) : 0);
	if (on != NULL) {
		v = form_get(&f, "backupmx");
		*on = v != NULL && (strcmp(v, "on") == 0 || strcmp(v, "1") == 0);
		if (v == NULL || (!*on && strcmp(v, "off") != 0 &&
		    strcmp(v, "0") != 0))
			*line = -1;
	}
	form_free(&f);
	if (*line <= 0) {
		page_error(c->r, *line == 0 ? 404 : 400, NULL);
		return -1;
	}
	return 0;
}

/* Answer a line change: back to the cart, 404, or our failure. */
static void
cart_line_done(struct order_ctx *c, int rc)
{
	if (rc == STORE_OK)
		http_redirect(c->r, "/cart");
	else if (rc == STORE_NOTFOUND)
		page_error(c->r, 404, NULL);
	else
		order_fail(c, "cart line");
}

static void
page_cart_backupmx(struct req *r)
{
	struct order_ctx c;
	int64_t line;
	int on;

	if (order_begin(r, &c) == 0 && cart_line_post(&c, &line, &on) == 0)
		cart_line_done(&c, cart_set_backupmx(c.db, &c.who, line, on));
}

static void
page_cart_remove(struct req *r)
{
	struct order_ctx c;
	int64_t line;

	if (order_begin(r, &c) == 0 && cart_line_post(&c, &line, NULL) == 0)
		cart_line_done(&c, cart_remove(c.db, &c.who, line));
}

/* What the review form sent back, to show it again after an error. */
struct review_input {
	const struct form	*f;		/* NULL: a fresh page */
	const char		*confirm_error;
	int64_t			 bad_line;
	const char		*line_error;
};

static int
review_ticked(const struct form *f, int64_t line)
{
	const struct form_field *ff;
	size_t i = 0;

	while (f != NULL && (ff = form_next(f, "external", &i)) != NULL)
		if (order_id_of(ff->value, strlen(ff->value)) == line)
			return 1;
	return 0;
}

static void
review_rows(struct tpl *t, const struct order_line *lines, size_t n,
    const struct review_input *in)
{
	struct tpl *row;
	size_t i;

	for (i = 0; i < n; i++) {
		row = cart_row(t, &lines[i]);
		if (lines[i].service_only && !lines[i].backupmx)
			tpl_show(row, "NOCHANGE");
		if (!lines[i].service_only && review_ticked(in->f, lines[i].id))
			tpl_show(row, "EXTERNAL");
		if (in->bad_line == lines[i].id && in->line_error != NULL)
			tpl_set(tpl_section(row, "LINE_ERROR"), "LINE_ERROR",
			    in->line_error);
	}
}

static void
review_show(struct order_ctx *c, const struct review_input *in)
{
	struct order o;
	struct order_line *lines;
	struct page_view v;
	size_t n;

	if (cart_get(c->db, &c->who, &o, &lines, &n) != STORE_OK) {
		order_fail(c, "cart review");
		return;
	}
	if (page_begin(c->r, &v, "Review your order", "cart_review.tpl") ==
	    -1) {
		order_free(lines);
		page_error(c->r, 500, NULL);
		return;
	}
	review_rows(v.content, lines, n, in);
	tpl_show(v.content, n > 0 ? "LINES" : "EMPTY");
	if (in->confirm_error != NULL)
		tpl_set(tpl_section(v.content, "CONFIRM_ERROR"),
		    "CONFIRM_ERROR", in->confirm_error);
	if (in->f != NULL && form_get(in->f, "confirm") != NULL)
		tpl_show(v.content, "CONFIRMED");
	order_free(lines);
	page_finish(c->r, &v, 200);
}

static void
page_cart_review(struct req *r)
{
	struct review_input in = { NULL, NULL, 0, NULL };
	struct order_ctx c;

	if (order_begin(r, &c) == 0)
		review_show(&c, &in);
}

/* The ids ticked "DNS hosted elsewhere"; at most max. */
static size_t
review_external(const struct form *f, int64_t *ids, size_t max)
{
	const struct form_field *ff;
	size_t i = 0, n = 0;
	int64_t id;

	while (n < max && (ff = form_next(f, "external", &i)) != NULL)
		if ((id = order_id_of(ff->value, strlen(ff->value))) > 0)
			ids[n++] = id;
	return n;
}

/* Carry out the cart of a confirmed review form. */
static void
review_complete(struct order_ctx *c, struct review_input *in)
{
	int64_t ext[FORM_FIELDS_MAX], order_id;
	size_t next = review_external(in->f, ext, FORM_FIELDS_MAX);
	char loc[48], why[DB_ERR_MAX];
	int rc;

	rc = cart_complete(c->db, &c->who, ext, next, &order_id,
	    &in->bad_line);
	if (rc == STORE_OK) {
		snprintf(loc, sizeof(loc), "/orders/%lld", (long long)order_id);
		http_redirect(c->r, loc);
		return;
	}
	if (rc == STORE_ERROR) {
		order_fail(c, "complete order");
		return;
	}
	/* a copy: showing the review reuses db->err */
	util_strlcpy(why, db_error(c->db), sizeof(why));
	if (in->bad_line > 0)
		in->line_error = why;
	else
		in->confirm_error = why;
	review_show(c, in);
}

static void
page_cart_complete(struct req *r)
{
	struct review_input in = { NULL, NULL, 0, NULL };
	const char *confirm;
	struct order_ctx c;
	struct form f;

	if (order_begin(r, &c) == -1 || sess_post(r, &f) == -1)
		return;
	in.f = &f;
	confirm = form_get(&f, "confirm");
	if (confirm != NULL && strcmp(confirm, "yes") == 0)
		review_complete(&c, &in);
	else {
		in.confirm_error = "Tick \"I confirm the order\" to complete it.";
		review_show(&c, &in);
	}
	form_free(&f);
}

/*
 * Orders.
 */

static void
order_status(struct tpl *t, const char *status)
{
	tpl_set(t, "STATUS", strcmp(status, "cart") == 0 ? "open (cart)" :
	    status);
	if (strcmp(status, "cart") == 0)
		tpl_show(t, "OPEN");
}

static void
page_orders(struct req *r)
{
	struct order_ctx c;
	struct order *list;
	struct page_view v;
	struct tpl *row;
	size_t i, n;

	if (order_begin(r, &c) == -1)
		return;
	if (order_list(c.db, &c.who, &list, &n) != STORE_OK) {
		order_fail(&c, "orders");
		return;
	}
	if (page_begin(r, &v, "Orders", "orders.tpl") == -1) {
		order_free(list);
		page_error(r, 500, NULL);
		return;
	}
	if (c.who.admin)
		tpl_show(v.content, "ADMIN");
	for (i = 0; i < n; i++) {
		row = tpl_section(v.content, "ORDER");
		tpl_set_int(row, "ID", list[i].id);
		tpl_set(row, "OWNER", list[i].owner);
		if (c.who.admin)
			tpl_show(row, "ADMIN");
		order_set_time(row, "CREATED", list[i].created);
		order_set_time(row, "COMPLETED", list[i].completed);
		order_status(row, list[i].status);
		tpl_set_int(row, "LINES", list[i].nlines);
	}
	tpl_show(v.content, n > 0 ? "ORDERS" : "NONE");
	order_free(list);
	page_finish(r, &v, 200);
}

static void
order_show(struct order_ctx *c, const struct order *o,
    const struct order_line *lines, size_t n)
{
	struct page_view v;
	char title[48];
	size_t i;

	snprintf(title, sizeof(title), "Order %lld", (long long)o->id);
	if (page_begin(c->r, &v, title, "order.tpl") == -1) {
		page_error(c->r, 500, NULL);
		return;
	}
	tpl_set_int(v.content, "ID", o->id);
	tpl_set(v.content, "OWNER", o->owner);
	order_set_time(v.content, "CREATED", o->created);
	order_set_time(v.content, "COMPLETED", o->completed);
	order_status(v.content, o->status);
	for (i = 0; i < n; i++)
		order_status(cart_row(v.content, &lines[i]), o->status);
	tpl_show(v.content, n > 0 ? "LINES" : "EMPTY");
	page_finish(c->r, &v, 200);
}

/* /orders/ID: 404 first (not there, or not the caller's), then 405. */
static void
page_order_one(struct req *r)
{
	struct order_ctx c;
	struct order o;
	struct order_line *lines;
	size_t n;
	int64_t id;
	int rc;

	if (order_begin(r, &c) == -1)
		return;
	if ((id = order_id_of(r->arg, strlen(r->arg))) == 0) {
		page_error(r, 404, NULL);
		return;
	}
	if ((rc = order_get(c.db, &c.who, id, &o, &lines, &n)) ==
	    STORE_NOTFOUND)
		page_error(r, 404, NULL);
	else if (rc != STORE_OK)
		order_fail(&c, "order");
	else if (r->method != HTTP_GET && r->method != HTTP_HEAD)
		order_not_allowed(r, "GET, HEAD");
	else
		order_show(&c, &o, lines, n);
	order_free(lines);
}

/*
 * The portfolio.
 */

static void
portfolio_fill(struct tpl *t, const struct portfolio_domain *d, int admin)
{
	order_set_name(t, d->name, d->idn);
	order_set_time(t, "CREATED", d->created);
	tpl_show(t, d->external ? "EXTERNAL" : "MANAGED");
	if (d->bmx_active)
		tpl_show(t, "BMX_ACTIVE");
	else if (d->bmx)
		tpl_show(t, "BMX_OFF");
	else
		tpl_show(t, "BMX_NONE");
	if (d->in_cart)
		tpl_show(t, "IN_CART");
	if (admin) {
		tpl_show(t, "ADMIN");
		tpl_set(t, "OWNER", d->owner);
	}
}

static void
page_portfolio(struct req *r)
{
	struct portfolio_domain *list;
	struct order_ctx c;
	struct page_view v;
	size_t i, n;

	if (order_begin(r, &c) == -1)
		return;
	if (portfolio_list(c.db, &c.who, &list, &n) != STORE_OK) {
		order_fail(&c, "portfolio");
		return;
	}
	if (page_begin(r, &v, "Portfolio", "portfolio.tpl") == -1) {
		order_free(list);
		page_error(r, 500, NULL);
		return;
	}
	if (c.who.admin)
		tpl_show(v.content, "ADMIN");
	for (i = 0; i < n; i++)
		portfolio_fill(tpl_section(v.content, "DOMAIN"), &list[i],
		    c.who.admin);
	tpl_show(v.content, n > 0 ? "DOMAINS" : "NONE");
	order_free(list);
	page_finish(r, &v, 200);
}

/* The domain page, or its deactivation confirmation (with an error). */
static void
portfolio_show(struct order_ctx *c, const struct portfolio_domain *d,
    const char *file, const char *error)
{
	struct page_view v;
	char title[VALID_NAME_MAX * 4 + 16];

	snprintf(title, sizeof(title), "%s", d->idn[0] != '\0' ? d->idn :
	    d->name);
	if (page_begin(c->r, &v, title, file) == -1) {
		page_error(c->r, 500, NULL);
		return;
	}
	portfolio_fill(v.content, d, c->who.admin);
	order_set_time(v.content, "BMX_CREATED", d->bmx_created);
	tpl_set_int(v.content, "QUEUED", d->queued);
	tpl_show(v.content, d->queued == 1 ? "ONE" : "MANY");
	if (error != NULL)
		tpl_set(tpl_section(v.content, "CONFIRM_ERROR"),
		    "CONFIRM_ERROR", error);
	page_finish(c->r, &v, 200);
}

/* "Activate BackupMX": a service line in the cart, then the cart. */
static void
portfolio_activate(struct order_ctx *c, const struct portfolio_domain *d)
{
	int64_t line = 0;
	int rc;

	if (d->bmx) {		/* nothing to order */
		order_redirect_domain(c->r, d->name, "");
		return;
	}
	rc = cart_add(c->db, &c->who, d->name, &line);
	if (rc == STORE_EXISTS && line > 0)	/* in the cart already */
		rc = cart_set_backupmx(c->db, &c->who, line, 1);
	if (rc == STORE_OK)
		http_redirect(c->r, "/cart");
	else
		order_fail(c, "activate BackupMX");
}

/* "Deactivate": only with confirm=yes from the confirmation page. */
static void
portfolio_deactivate(struct order_ctx *c, const struct portfolio_domain *d,
    const struct form *f)
{
	const char *confirm = form_get(f, "confirm");

	if (!d->bmx) {		/* nothing to deactivate */
		order_redirect_domain(c->r, d->name, "");
		return;
	}
	if (confirm == NULL || strcmp(confirm, "yes") != 0) {
		portfolio_show(c, d, "portfolio_deactivate.tpl",
		    "Confirm that BackupMX should be deactivated.");
		return;
	}
	if (bmx_del(c->db, &c->who, d->name) == STORE_ERROR)
		order_fail(c, "deactivate BackupMX");
	else
		order_redirect_domain(c->r, d->name, "");
}

/* POST on a known, visible domain: CSRF first, then the action. */
static void
portfolio_post(struct order_ctx *c, const struct portfolio_domain *d,
    const char *op)
{
	struct form f;

	if (sess_post(c->r, &f) == -1)
		return;
	if (strcmp(op, "activate") == 0)
		portfolio_activate(c, d);
	else
		portfolio_deactivate(c, d, &f);
	form_free(&f);
}

/* /portfolio/DOMAIN[/activate|/deactivate] */
static void
page_portfolio_domain(struct req *r)
{
	struct portfolio_domain d;
	struct order_ctx c;
	char name[VALID_NAME_MAX * 4];
	const char *op, *slash;
	size_t len;
	int get, rc;

	if (order_begin(r, &c) == -1)
		return;
	slash = strchr(r->arg, '/');
	op = slash != NULL ? slash + 1 : "";
	len = slash != NULL ? (size_t)(slash - r->arg) : strlen(r->arg);
	if (len >= sizeof(name) || (*op != '\0' && strcmp(op, "activate") !=
	    0 && strcmp(op, "deactivate") != 0)) {
		page_error(r, 404, NULL);
		return;
	}
	memcpy(name, r->arg, len);
	name[len] = '\0';
	if ((rc = portfolio_get(c.db, &c.who, name, &d)) != STORE_OK) {
		if (rc == STORE_NOTFOUND)
			page_error(r, 404, NULL);
		else
			order_fail(&c, "portfolio domain");
		return;
	}
	get = r->method == HTTP_GET || r->method == HTTP_HEAD;
	if (*op == '\0' && get)
		portfolio_show(&c, &d, "portfolio_domain.tpl", NULL);
	else if (*op == '\0')
		order_not_allowed(r, "GET, HEAD");
	else if (strcmp(op, "deactivate") == 0 && get)
		portfolio_show(&c, &d, "portfolio_deactivate.tpl", NULL);
	else if (r->method == HTTP_POST)
		portfolio_post(&c, &d, op);
	else
		order_not_allowed(r, *op == 'a' ? "POST" : "GET, HEAD, POST");
}

const struct page_route page_order_routes[] = {
	{ "/cart",		HTTP_GET,		page_cart },
	{ "/cart/add",		HTTP_POST,		page_cart_add },
	{ "/cart/backupmx",	HTTP_POST,		page_cart_backupmx },
	{ "/cart/remove",	HTTP_POST,		page_cart_remove },
	{ "/cart/review",	HTTP_GET,		page_cart_review },
	{ "/cart/complete",	HTTP_POST,		page_cart_complete },
	{ "/orders",		HTTP_GET,		page_orders },
	{ "/orders/*",		ORDER_ALL_METHODS,	page_order_one },
	{ "/portfolio",		HTTP_GET,		page_portfolio },
	{ "/portfolio/*",	ORDER_ALL_METHODS,	page_portfolio_domain },
	{ NULL, 0, NULL }
};
