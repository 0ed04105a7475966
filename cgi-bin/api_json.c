/*
 * api_json — the JSON API under /v1, as AutoDNS answers it:
 *
 *   POST   /v1/backupMx            create (0521), body {"domain": ...}
 *   GET    /v1/backupMx/{domain}   info (0524)
 *   DELETE /v1/backupMx/{domain}   delete (0523)
 *   POST   /v1/backupMx/_search    list (0524), body a Query
 *   POST   /v1/bulk/backupMx       create several: {"objects": [...],
 *                                  "template": {...}}
 *   DELETE /v1/bulk/backupMx       delete several: {"objects": [...]} or
 *                                  {"query": Query}
 *
 * Bodies are parsed with jansson (duplicate keys refused; the reading is
 * in api_parse.c); fields we do not know are ignored, fields we know
 * must have the right type.  The Query becomes a struct bmxq whose
 * strings point into the parsed document, so the document lives until
 * the search is done.  Answers are built with jansson too, never by
 * hand.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "adate.h"
#include "api_parse.h"
#include "form.h"
#include "log.h"

enum apij_method { APIJ_GET = 1, APIJ_POST = 2, APIJ_DELETE = 4 };

static unsigned
apij_method(const struct req *r)
{
	if (strcmp(r->method_name, "GET") == 0 ||
	    strcmp(r->method_name, "HEAD") == 0)
		return APIJ_GET;
	if (strcmp(r->method_name, "POST") == 0)
		return APIJ_POST;
	if (strcmp(r->method_name, "DELETE") == 0)
		return APIJ_DELETE;
	return 0;
}

/* --- answers ---------------------------------------------------------- */

static json_t *
apij_user(const struct api_ctx *c, const char *user)
{
	return json_pack("{s:I, s:s}", "context", (json_int_t)c->context,
	    "user", user);
}

/* One BackupMx object: the standard fields, then our extensions. */
static json_t *
apij_bmx(const struct api_ctx *c, const struct bmx *b, int64_t queued,
    unsigned keys)
{
	char date[ADATE_MAX];
	json_t *o = json_object();

	json_object_set_new(o, "domain", json_string(b->domain));
	json_object_set_new(o, "idn", json_string(b->idn));
	if (keys & API_K_CREATED)
		json_object_set_new(o, "created",
		    json_string(adate_format(b->created, date)));
	if (keys & API_K_UPDATED)
		json_object_set_new(o, "updated",
		    json_string(adate_format(b->updated, date)));
	json_object_set_new(o, "owner", apij_user(c, b->owner));
	if (b->updater[0] != '\0')
		json_object_set_new(o, "updater", apij_user(c, b->updater));
	if ((keys & API_K_DELIVERY) && b->delivery_host[0] != '\0')
		json_object_set_new(o, "deliveryHost",
		    json_string(b->delivery_host));
	if (keys & API_K_POLICY)
		json_object_set_new(o, "recipientPolicy",
		    json_string(b->recipient_policy));
	if (keys & API_K_DOWN)
		json_object_set_new(o, "onlyWhenDown",
		    json_boolean(b->only_when_down));
	if (keys & API_K_QUEUED)
		json_object_set_new(o, "queued", json_integer(queued));
	return o;
}

static json_t *
apij_messages(const struct api_status *st)
{
	json_t *m;

	if (st->ok || st->msgcode == NULL)
		return json_array();
	m = json_pack("{s:s, s:s, s:s, s:[]}", "text", st->msg, "code",
	    st->msgcode, "status", "ERROR", "objects");
	if (st->object[0] != '\0')
		json_array_append_new(json_object_get(m, "objects"),
		    json_pack("{s:s, s:s}", "type", "backupmx", "value",
		    st->object));
	return json_pack("[o]", m);
}

/* The envelope of one status; data (stolen) may be NULL; summary >= 0
 * makes a list answer. */
static json_t *
apij_envelope(const struct api_ctx *c, const struct api_status *st,
    json_t *data, int64_t summary)
{
	json_t *e = json_object(), *obj;

	json_object_set_new(e, "stid", json_string(c->stid));
	if (c->ctid[0] != '\0')
		json_object_set_new(e, "ctid", json_string(c->ctid));
	json_object_set_new(e, "status", json_pack("{s:s, s:s, s:s}", "code",
	    st->code, "text", st->text, "type", st->ok ? "SUCCESS" : "ERROR"));
	obj = json_pack("{s:s}", "type", "BackupMx");
	if (summary >= 0)
		json_object_set_new(obj, "summary", json_integer(summary));
	else if (st->object[0] != '\0')
		json_object_set_new(obj, "value", json_string(st->object));
	json_object_set_new(e, "object", obj);
	json_object_set_new(e, "data", data != NULL ? data : json_array());
	json_object_set_new(e, "messages", apij_messages(st));
	return e;
}

static void
apij_send_json(struct api_ctx *c, int http, int64_t retry, json_t *e)
{
	char ra[32];
	char *text = json_dumps(e, JSON_COMPACT);

	json_decref(e);
	http_header(c->r, "X-Domainrobot-STID", c->stid);
	if (retry > 0) {
		snprintf(ra, sizeof(ra), "%lld", (long long)retry);
		http_header(c->r, "Retry-After", ra);
	}
	if (text == NULL) {
		http_text(c->r, 500, "internal error\n");
		return;
	}
	http_send(c->r, http, "application/json", text, strlen(text));
	free(text);
}

static void
apij_send(struct api_ctx *c, const struct api_status *st, json_t *data,
    int64_t summary)
{
	apij_send_json(c, st->http, st->retry_after,
	    apij_envelope(c, st, data, summary));
}

/* --- reading requests --------------------------------------------------- */

/* The body as a JSON object; NULL with st filled.  An empty body is
 * an empty object when empty_ok. */
static json_t *
apij_body(struct api_ctx *c, struct api_status *st, enum api_task t,
    int empty_ok)
{
	char err[APIJ_ERR];
	json_t *j;

	if ((j = apij_load(c->r->body, c->r->body_len, empty_ok, err)) == NULL)
		api_fail(st, t, 400, API_EF_SYNTAX, "%s", err);
	return j;
}

/* keys[] of the query string (raw or percent-encoded); -1 with st. */
static int
apij_keys(struct api_ctx *c, unsigned *keys, struct api_status *st)
{
	const struct form_field *f;
	struct form q;
	size_t i;
	unsigned flag;

	*keys = 0;
	if (form_parse(&q, c->r->query, strlen(c->r->query), NULL) == -1) {
		api_fail(st, API_T_INFO, 400, API_EF_SYNTAX, "the query string "
		    "is malformed");
		return -1;
	}
	for (i = 0; i < q.n; i++) {
		f = &q.f[i];
		if (strcmp(f->name, "keys[]") != 0 && strcmp(f->name, "keys") != 0)
			continue;
		if ((flag = api_key_flag(f->value)) == 0) {
			api_fail(st, API_T_INFO, 400, API_EF_INVALID, "keys[]: "
			    "unknown key \"%.40s\"", f->value);
			form_free(&q);
			return -1;
		}
		*keys |= flag;
	}
	form_free(&q);
	return 0;
}

/* --- the routes ---------------------------------------------------------- */

static void
apij_create(struct api_ctx *c, struct api_status *st)
{
	struct api_ext x = { NULL, -1 };
	char err[APIJ_ERR];
	const char *domain;
	json_t *j;

	if ((j = apij_body(c, st, API_T_CREATE, 0)) == NULL) {
		apij_send(c, st, NULL, -1);
		return;
	}
	if (apij_str(j, "domain", &domain, "", err) == -1 ||
	    apij_ext(j, &x, err) == -1)
		api_fail(st, API_T_CREATE, 400, API_EF_INVALID, "%s", err);
	else
		api_create(c, domain, &x, st);
	apij_send(c, st, NULL, -1);
	json_decref(j);
}

static void
apij_info(struct api_ctx *c, const char *domain, struct api_status *st)
{
	struct bmx_entry e;
	json_t *data = NULL;

	api_info(c, domain, &e, st);
	if (st->ok) {
		data = json_pack("[o]", apij_bmx(c, &e.b, e.queued, API_K_ALL));
		bmx_entry_free(&e);
	}
	apij_send(c, st, data, -1);
}

static void
apij_delete(struct api_ctx *c, const char *domain, struct api_status *st)
{
	api_delete(c, domain, st);
	apij_send(c, st, NULL, -1);
}

static void
apij_list(struct api_ctx *c, struct api_status *st)
{
	struct apij_query aq;
	struct bmx_row *rows = NULL;
	char err[APIJ_ERR];
	int64_t total = 0;
	unsigned keys;
	size_t i, n = 0;
	json_t *j, *data;

	if (apij_keys(c, &keys, st) == -1 ||
	    (j = apij_body(c, st, API_T_INFO, 1)) == NULL) {
		apij_send(c, st, NULL, -1);
		return;
	}
	if (apij_query(j, &aq, err) == -1) {
		api_fail(st, API_T_INFO, 400, API_EF_INVALID, "%s", err);
		apij_query_free(&aq);
		json_decref(j);
		apij_send(c, st, NULL, -1);
		return;
	}
	api_list(c, &aq.q, &rows, &n, &total, st);
	apij_query_free(&aq);
	json_decref(j);
	data = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(data, apij_bmx(c, &rows[i].b,
		    rows[i].queued, keys));
	bmx_rows_free(rows);
	apij_send(c, st, data, st->ok ? total : -1);
}

/* The overall status of a bulk request from its parts. */
static void
apij_bulk_status(struct api_status *all, enum api_task t,
    const struct api_status *first_bad, size_t nbad, size_t n)
{
	if (nbad == 0) {
		api_ok(all, t, NULL);
		return;
	}
	api_fail(all, t, nbad == n ? first_bad->http : 200, first_bad->msgcode,
	    "%zu of %zu objects failed; the first: %s", nbad, n, first_bad->msg);
}

/* The domains of a bulk request's "objects", or of its "query". */
static int
apij_bulk_names(json_t *j, enum api_task t, const char ***names, size_t *n,
    struct api_status *st)
{
	char err[APIJ_ERR];
	int rc = apij_domains(j, names, n, err);

	if (rc == -2)
		api_fail(st, t, 500, API_EF_INTERNAL, "%s", err);
	else if (rc == -1)
		api_fail(st, t, 400, API_EF_INVALID, "%s", err);
	return rc == 0 ? 0 : -1;
}

/* Every domain a bulk delete's query selects. */
static int
apij_bulk_query(struct api_ctx *c, json_t *query, const char ***names,
    size_t *n, struct bmx_row **rows, struct api_status *st)
{
	struct apij_query aq;
	char err[APIJ_ERR];
	int64_t total;
	size_t i;

	if (apij_query(query, &aq, err) == -1) {
		apij_query_free(&aq);
		api_fail(st, API_T_DELETE, 400, API_EF_INVALID, "query: %s", err);
		return -1;
	}
	aq.q.limit = API_BULK_MAX;
	aq.q.offset = 0;
	api_list(c, &aq.q, rows, n, &total, st);
	apij_query_free(&aq);
	if (!st->ok) {
		st->task = API_T_DELETE;
		snprintf(st->code, sizeof(st->code), "E%04d", API_T_DELETE);
		return -1;
	}
	if ((*names = calloc(*n + 1, sizeof(**names))) == NULL) {
		api_fail(st, API_T_DELETE, 500, API_EF_INTERNAL, "out of memory");
		return -1;
	}
	for (i = 0; i < *n; i++)
		(*names)[i] = (*rows)[i].b.domain;
	return 0;
}

static void
apij_bulk_run(struct api_ctx *c, json_t *j, enum api_task t,
    const char **names, size_t n, struct api_status *st)
{
	struct api_status one, bad;
	struct api_ext base = { NULL, -1 }, x;
	json_t *data = json_array(), *tmpl = json_object_get(j, "template");
	char err[APIJ_ERR];
	size_t i, nbad = 0;

	memset(&bad, 0, sizeof(bad));
	if (t == API_T_CREATE && tmpl != NULL && json_is_object(tmpl) &&
	    apij_ext(tmpl, &base, err) == -1) {
		api_fail(st, t, 400, API_EF_INVALID, "template: %s", err);
		json_decref(data);
		apij_send(c, st, NULL, -1);
		return;
	}
	for (i = 0; i < n; i++) {
		x = base;
		if (t == API_T_CREATE && apij_ext(json_array_get(
		    json_object_get(j, "objects"), i), &x, err) == -1) {
			memset(&one, 0, sizeof(one));
			api_fail(&one, t, 400, API_EF_INVALID, "%s", err);
		} else if (t == API_T_CREATE)
			api_create(c, names[i], &x, &one);
		else
			api_delete(c, names[i], &one);
		if (!one.ok && nbad++ == 0)
			bad = one;
		json_array_append_new(data, apij_envelope(c, &one, NULL, -1));
	}
	apij_bulk_status(st, t, &bad, nbad, n);
	apij_send(c, st, data, -1);
}

static void
apij_bulk(struct api_ctx *c, enum api_task t, struct api_status *st)
{
	const char **names = NULL;
	struct bmx_row *rows = NULL;
	json_t *j, *query;
	size_t n = 0;
	int rc;

	if ((j = apij_body(c, st, t, 0)) == NULL) {
		apij_send(c, st, NULL, -1);
		return;
	}
	query = json_object_get(j, "query");
	if (t == API_T_DELETE && query != NULL && !json_is_null(query) &&
	    json_object_get(j, "objects") == NULL)
		rc = apij_bulk_query(c, query, &names, &n, &rows, st);
	else
		rc = apij_bulk_names(j, t, &names, &n, st);
	if (rc == 0 && n == 0) {
		api_ok(st, t, NULL);
		apij_send(c, st, NULL, -1);
	} else if (rc == 0)
		apij_bulk_run(c, j, t, names, n, st);
	else
		apij_send(c, st, NULL, -1);
	free(names);
	bmx_rows_free(rows);
	json_decref(j);
}

/* --- dispatch ------------------------------------------------------------ */

struct apij_route {
	enum api_task	 task;
	unsigned	 allow;		/* the route's methods */
	const char	*arg;		/* the domain of /v1/backupMx/{domain} */
	int		 bulk;
};

/* Which route a path is; 0, or -1 when there is none. */
static int
apij_route(const char *path, struct apij_route *rt)
{
	static const char item[] = "/v1/backupMx/";

	memset(rt, 0, sizeof(*rt));
	if (strcmp(path, "/v1/backupMx") == 0) {
		rt->task = API_T_CREATE;
		rt->allow = APIJ_POST;
	} else if (strcmp(path, "/v1/backupMx/_search") == 0) {
		rt->task = API_T_INFO;
		rt->allow = APIJ_POST;
	} else if (strncmp(path, item, sizeof(item) - 1) == 0 &&
	    path[sizeof(item) - 1] != '\0' &&
	    strchr(path + sizeof(item) - 1, '/') == NULL) {
		rt->task = API_T_INFO;
		rt->allow = APIJ_GET | APIJ_DELETE;
		rt->arg = path + sizeof(item) - 1;
	} else if (strcmp(path, "/v1/bulk/backupMx") == 0) {
		rt->task = API_T_CREATE;
		rt->allow = APIJ_POST | APIJ_DELETE;
		rt->bulk = 1;
	} else
		return -1;
	return 0;
}

static void
apij_allow(struct req *r, unsigned allow)
{
	char buf[64] = "";

	if (allow & APIJ_GET)
		strcat(buf, "GET, HEAD");
	if (allow & APIJ_POST)
		strcat(buf, buf[0] ? ", POST" : "POST");
	if (allow & APIJ_DELETE)
		strcat(buf, buf[0] ? ", DELETE" : "DELETE");
	http_header(r, "Allow", buf);
}

/* Route, method, admission and sign-in; then the task. */
static void
apij_run(struct api_ctx *c, struct api_status *st)
{
	struct apij_route rt;
	unsigned m = apij_method(c->r);
	const char *ctx = FCGX_GetParam("HTTP_X_DOMAINROBOT_CONTEXT",
	    c->r->fcgi->envp);

	if (apij_route(c->r->path, &rt) == -1) {
		api_fail(st, API_T_NONE, 404, API_EF_ROUTE, "no such API "
		    "route: %.100s", c->r->path);
		apij_send(c, st, NULL, -1);
		return;
	}
	if ((rt.allow & m) == 0) {
		apij_allow(c->r, rt.allow);
		api_fail(st, rt.task, 405, API_EF_METHOD, "%.10s is not "
		    "allowed here", c->r->method_name);
		apij_send(c, st, NULL, -1);
		return;
	}
	if (m == APIJ_DELETE)
		rt.task = API_T_DELETE;
	if (api_admit(c, st, rt.task) == -1 ||
	    api_auth_basic(c, ctx, st, rt.task) == -1) {
		apij_send(c, st, NULL, -1);
		return;
	}
	if (rt.bulk)
		apij_bulk(c, rt.task, st);
	else if (rt.arg != NULL && m == APIJ_DELETE)
		apij_delete(c, rt.arg, st);
	else if (rt.arg != NULL)
		apij_info(c, rt.arg, st);
	else if (rt.task == API_T_CREATE)
		apij_create(c, st);
	else
		apij_list(c, st);
}

static pthread_once_t apij_once = PTHREAD_ONCE_INIT;

/* jansson seeds its hash function on first use; do it once, here. */
static void
apij_init(void)
{
	json_object_seed(0);
}

int
api_json_handle(struct req *r)
{
	struct api_ctx c;
	struct api_status st;

	pthread_once(&apij_once, apij_init);
	api_ctx_init(&c, r);
	memset(&st, 0, sizeof(st));
	apij_run(&c, &st);
	return 1;
}
