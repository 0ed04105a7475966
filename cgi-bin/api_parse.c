/*
 * api_parse — reading the API's JSON bodies and XML documents.  See
 * api_parse.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_parse.h"

static int apix_dtd_mark;	/* its address marks a refused DTD */

unsigned
api_key_flag(const char *name)
{
	static const struct { const char *name; unsigned flag; } keys[] = {
		{ "created", API_K_CREATED }, { "updated", API_K_UPDATED },
		{ "deliveryHost", API_K_DELIVERY },
		{ "recipientPolicy", API_K_POLICY },
		{ "onlyWhenDown", API_K_DOWN }, { "queued", API_K_QUEUED },
		{ "domain", API_K_BASE }, { "idn", API_K_BASE },
		{ "owner", API_K_BASE }, { "updater", API_K_BASE },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcasecmp(name, keys[i].name) == 0)
			return keys[i].flag;
	return 0;
}

/* --- JSON ------------------------------------------------------------- */

json_t *
apij_load(const char *buf, size_t len, int empty_ok, char *err)
{
	json_error_t je;
	json_t *j;

	if (buf == NULL || len == 0) {
		if (empty_ok)
			return json_object();
		snprintf(err, APIJ_ERR, "the request has no body");
		return NULL;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL) {
		snprintf(err, APIJ_ERR, "malformed JSON at line %d, column %d: "
		    "%s", je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		snprintf(err, APIJ_ERR, "the body must be a JSON object");
		return NULL;
	}
	return j;
}

/* An optional string member; -1 (err filled) for another type. */
int
apij_str(json_t *o, const char *name, const char **out, const char *path,
    char *err)
{
	json_t *v = json_object_get(o, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		snprintf(err, APIJ_ERR, "%s%s: must be a string", path, name);
		return -1;
	}
	*out = json_string_value(v);
	if (strlen(*out) != json_string_length(v)) {
		snprintf(err, APIJ_ERR, "%s%s: contains a NUL character", path,
		    name);
		return -1;
	}
	return 0;
}

static int apij_filters(json_t *, struct bmxq_filter **, size_t *, int,
    const char *, size_t *, char *);

static int
apij_values(json_t *f, struct bmxq_filter *out, const char *path, char *err)
{
	json_t *v = json_object_get(f, "values"), *it;
	size_t i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > BMXQ_VALUES_MAX) {
		snprintf(err, APIJ_ERR, "%svalues: must be an array of at most "
		    "%d strings", path, BMXQ_VALUES_MAX);
		return -1;
	}
	if ((out->values = calloc(json_array_size(v) + 1,
	    sizeof(*out->values))) == NULL)
		return snprintf(err, APIJ_ERR, "out of memory"), -1;
	json_array_foreach(v, i, it) {
		if (!json_is_string(it)) {
			snprintf(err, APIJ_ERR, "%svalues[%zu]: must be a "
			    "string", path, i);
			return -1;
		}
		out->values[out->nvalues++] = json_string_value(it);
	}
	return 0;
}

static int
apij_filter(json_t *f, struct bmxq_filter *out, int depth, const char *path,
    size_t *count, char *err)
{
	const char *op, *link;
	char sub[128];
	int o;

	if (!json_is_object(f))
		return snprintf(err, APIJ_ERR, "%s: must be an object",
		    path), -1;
	snprintf(sub, sizeof(sub), "%.100s.", path);
	if (apij_str(f, "key", &out->key, sub, err) == -1 ||
	    apij_str(f, "value", &out->value, sub, err) == -1 ||
	    apij_str(f, "operator", &op, sub, err) == -1 ||
	    apij_str(f, "link", &link, sub, err) == -1 ||
	    apij_values(f, out, sub, err) == -1)
		return -1;
	out->op = BMXQ_NOP;
	if (op != NULL && (o = bmxq_op_parse(op)) < 0)
		return snprintf(err, APIJ_ERR, "%soperator: unknown operator "
		    "\"%.40s\"", sub, op), -1;
	if (op != NULL)
		out->op = (enum bmxq_op)o;
	if (link != NULL && strcasecmp(link, "AND") != 0 &&
	    strcasecmp(link, "OR") != 0)
		return snprintf(err, APIJ_ERR, "%slink: must be AND or OR",
		    sub), -1;
	out->link = link != NULL && strcasecmp(link, "OR") == 0 ? BMXQ_OR :
	    BMXQ_AND;
	snprintf(sub, sizeof(sub), "%.100s.filters", path);
	return apij_filters(json_object_get(f, "filters"), &out->sub,
	    &out->nsub, depth + 1, sub, count, err);
}

/* A "filters" array (NULL or absent: none). */
static int
apij_filters(json_t *a, struct bmxq_filter **out, size_t *n, int depth,
    const char *path, size_t *count, char *err)
{
	char sub[128];
	json_t *it;
	size_t i;

	*out = NULL;
	*n = 0;
	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return snprintf(err, APIJ_ERR, "%s: must be an array",
		    path), -1;
	if (depth > BMXQ_DEPTH_MAX)
		return snprintf(err, APIJ_ERR, "filters are nested deeper than "
		    "%d levels", BMXQ_DEPTH_MAX), -1;
	if ((*count += json_array_size(a)) > BMXQ_FILTERS_MAX)
		return snprintf(err, APIJ_ERR, "more than %d filters",
		    BMXQ_FILTERS_MAX), -1;
	if (json_array_size(a) == 0)
		return 0;
	if ((*out = calloc(json_array_size(a), sizeof(**out))) == NULL)
		return snprintf(err, APIJ_ERR, "out of memory"), -1;
	json_array_foreach(a, i, it) {
		snprintf(sub, sizeof(sub), "%.100s[%zu]", path, i);
		(*n)++;
		if (apij_filter(it, &(*out)[i], depth, sub, count, err) == -1)
			return -1;
	}
	return 0;
}

static int
apij_int(json_t *o, const char *name, int64_t *out, char *err)
{
	json_t *v = json_object_get(o, name);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 1000000000)
		return snprintf(err, APIJ_ERR, "view.%s: must be a whole number "
		    "of at least 0", name), -1;
	*out = json_integer_value(v);
	return 0;
}

static int
apij_orders(json_t *a, struct bmxq_order **out, size_t *n, char *err)
{
	const char *key, *type;
	char path[64];
	json_t *it;
	size_t i;

	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) > BMXQ_ORDERS_MAX)
		return snprintf(err, APIJ_ERR, "orders: must be an array of at "
		    "most %d orders", BMXQ_ORDERS_MAX), -1;
	if ((*out = calloc(json_array_size(a) + 1, sizeof(**out))) == NULL)
		return snprintf(err, APIJ_ERR, "out of memory"), -1;
	json_array_foreach(a, i, it) {
		snprintf(path, sizeof(path), "orders[%zu].", i);
		if (!json_is_object(it))
			return snprintf(err, APIJ_ERR, "orders[%zu]: must be an "
			    "object", i), -1;
		if (apij_str(it, "key", &key, path, err) == -1 ||
		    apij_str(it, "type", &type, path, err) == -1)
			return -1;
		if (type != NULL && strcasecmp(type, "ASC") != 0 &&
		    strcasecmp(type, "DESC") != 0)
			return snprintf(err, APIJ_ERR, "%stype: must be ASC or "
			    "DESC", path), -1;
		(*out)[i].key = key;
		(*out)[i].desc = type != NULL && strcasecmp(type, "DESC") == 0;
		(*n)++;
	}
	return 0;
}

void
apij_query_free(struct apij_query *aq)
{
	bmxq_filters_free(aq->filters, aq->nfilters);
	free(aq->orders);
	memset(aq, 0, sizeof(*aq));
}

/* A Query object into aq; 0, or -1 with err. */
int
apij_query(json_t *j, struct apij_query *aq, char *err)
{
	json_t *view = json_object_get(j, "view");
	size_t count = 0;

	memset(aq, 0, sizeof(*aq));
	if (!json_is_object(j))
		return snprintf(err, APIJ_ERR, "query: must be an object"), -1;
	if (apij_filters(json_object_get(j, "filters"), &aq->filters,
	    &aq->nfilters, 0, "filters", &count, err) == -1 ||
	    apij_orders(json_object_get(j, "orders"), &aq->orders,
	    &aq->q.norders, err) == -1)
		return -1;
	if (view != NULL && !json_is_null(view)) {
		if (!json_is_object(view))
			return snprintf(err, APIJ_ERR, "view: must be an "
			    "object"), -1;
		if (apij_int(view, "limit", &aq->q.limit, err) == -1 ||
		    apij_int(view, "offset", &aq->q.offset, err) == -1)
			return -1;
	}
	aq->q.filters = aq->filters;
	aq->q.nfilters = aq->nfilters;
	aq->q.orders = aq->orders;
	return 0;
}

/* Extension fields of a create object (over a template's); -1 + err. */
int
apij_ext(json_t *o, struct api_ext *x, char *err)
{
	const char *dh;
	json_t *v;

	if (apij_str(o, "deliveryHost", &dh, "", err) == -1)
		return -1;
	if (dh != NULL)
		x->delivery_host = *dh != '\0' ? dh : NULL;
	v = json_object_get(o, "onlyWhenDown");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return snprintf(err, APIJ_ERR, "onlyWhenDown: must be "
			    "true or false"), -1;
		x->only_when_down = json_is_true(v);
	}
	return 0;
}

int
apij_domains(json_t *j, const char ***names, size_t *n, char *err)
{
	json_t *objs = json_object_get(j, "objects"), *it;
	char path[32];
	size_t i;

	*names = NULL;
	*n = 0;
	if (!json_is_array(objs) || json_array_size(objs) == 0 ||
	    json_array_size(objs) > API_BULK_MAX)
		return snprintf(err, APIJ_ERR, "objects: must be an array of 1 "
		    "to %d BackupMx objects", API_BULK_MAX), -1;
	if ((*names = calloc(json_array_size(objs), sizeof(**names))) == NULL)
		return snprintf(err, APIJ_ERR, "out of memory"), -2;
	json_array_foreach(objs, i, it) {
		snprintf(path, sizeof(path), "objects[%zu].", i);
		if (!json_is_object(it) || apij_str(it, "domain", &(*names)[i],
		    path, err) == -1 || (*names)[i] == NULL)
			return snprintf(err, APIJ_ERR, "objects[%zu]: needs a "
			    "domain (a string)", i), -1;
		(*n)++;
	}
	return 0;
}

/* --- XML -------------------------------------------------------------- */

void
apix_pool_free(struct apix_pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		xmlFree(p->s[i]);
	p->n = 0;
}

/* --- reading ------------------------------------------------------------ */

/* SAX: a document type declaration stops the parser at once. */
static void
apix_no_dtd(void *ctx, const xmlChar *name, const xmlChar *ext,
    const xmlChar *sys)
{
	(void)name;
	(void)ext;
	(void)sys;
	((xmlParserCtxtPtr)ctx)->_private = &apix_dtd_mark;
	xmlStopParser((xmlParserCtxtPtr)ctx);
}

xmlDocPtr
apix_parse(const char *buf, size_t len, char *err)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;

	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		snprintf(err, APIX_ERR, "out of memory");
		return NULL;
	}
	ctxt->sax->internalSubset = apix_no_dtd;
	ctxt->sax->externalSubset = apix_no_dtd;
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, "request.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc != NULL && (!ctxt->wellFormed || ctxt->_private != NULL ||
	    doc->intSubset != NULL || doc->extSubset != NULL)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc == NULL)
		snprintf(err, APIX_ERR, "%s", ctxt->_private != NULL ? "a "
		    "document type declaration is not accepted" :
		    "malformed XML");
	xmlFreeParserCtxt(ctxt);
	return doc;
}

int
apix_is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

xmlNode *
apix_child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n != NULL ? n->children : NULL; c != NULL; c = c->next)
		if (apix_is(c, name))
			return c;
	return NULL;
}

/* The text of element n (NULL: absent); -1 when too long or the pool is
 * full. */
int
apix_text(struct apix_pool *p, const xmlNode *n, const char **out, char *err)
{
	xmlChar *t;

	*out = NULL;
	if (n == NULL)
		return 0;
	if (p->n == APIX_STRINGS || (t = xmlNodeGetContent(n)) == NULL)
		return snprintf(err, APIX_ERR, "the request is too complex"), -1;
	p->s[p->n++] = t;
	if (strlen((const char *)t) > APIX_TEXT_MAX)
		return snprintf(err, APIX_ERR, "<%.40s> is too long",
		    (const char *)n->name), -1;
	*out = (const char *)t;
	return 0;
}

int
apix_child_text(struct apix_pool *p, const xmlNode *n, const char *name,
    const char **out, char *err)
{
	return apix_text(p, apix_child(n, name), out, err);
}

static size_t
apix_count(const xmlNode *n, const char *name)
{
	xmlNode *c;
	size_t k = 0;

	for (c = n->children; c != NULL; c = c->next)
		k += apix_is(c, name);
	return k;
}

static int apix_where(struct apix_pool *, const xmlNode *,
    struct bmxq_filter *, int, char *);

static int
apix_where_values(struct apix_pool *p, const xmlNode *n,
    struct bmxq_filter *f, char *err)
{
	size_t k = apix_count(n, "value");
	xmlNode *c;

	if (k <= 1)
		return apix_child_text(p, n, "value", &f->value, err);
	if (k > BMXQ_VALUES_MAX)
		return snprintf(err, APIX_ERR, "more than %d <value>s",
		    BMXQ_VALUES_MAX), -1;
	if ((f->values = calloc(k, sizeof(*f->values))) == NULL)
		return snprintf(err, APIX_ERR, "out of memory"), -1;
	for (c = n->children; c != NULL; c = c->next)
		if (apix_is(c, "value") && apix_text(p, c,
		    &f->values[f->nvalues++], err) == -1)
			return -1;
	return 0;
}

/* The <and>/<or> children of n as sub-filters. */
static int
apix_where_subs(struct apix_pool *p, const xmlNode *n, struct bmxq_filter *f,
    int depth, char *err)
{
	size_t k = apix_count(n, "and") + apix_count(n, "or");
	xmlNode *c;

	if (k == 0)
		return 0;
	if (depth >= BMXQ_DEPTH_MAX)
		return snprintf(err, APIX_ERR, "<where> is nested deeper than "
		    "%d levels", BMXQ_DEPTH_MAX), -1;
	if (k > BMXQ_FILTERS_MAX)
		return snprintf(err, APIX_ERR, "more than %d filters",
		    BMXQ_FILTERS_MAX), -1;
	if ((f->sub = calloc(k, sizeof(*f->sub))) == NULL)
		return snprintf(err, APIX_ERR, "out of memory"), -1;
	for (c = n->children; c != NULL; c = c->next) {
		if (!apix_is(c, "and") && !apix_is(c, "or"))
			continue;
		f->sub[f->nsub].link = apix_is(c, "or") ? BMXQ_OR : BMXQ_AND;
		if (apix_where(p, c, &f->sub[f->nsub++], depth + 1, err) == -1)
			return -1;
	}
	return 0;
}

static int
apix_where(struct apix_pool *p, const xmlNode *n, struct bmxq_filter *f,
    int depth, char *err)
{
	const char *op;
	int o;

	if (apix_child_text(p, n, "key", &f->key, err) == -1 ||
	    apix_child_text(p, n, "operator", &op, err) == -1 ||
	    apix_where_values(p, n, f, err) == -1)
		return -1;
	f->op = BMXQ_NOP;
	if (op != NULL) {
		if ((o = bmxq_op_parse(op)) < 0)
			return snprintf(err, APIX_ERR, "<operator>: unknown "
			    "operator \"%.40s\"", op), -1;
		f->op = (enum bmxq_op)o;
	}
	return apix_where_subs(p, n, f, depth, err);
}

static int
apix_num(const char *s, int64_t *out, const char *what, char *err)
{
	char *end;
	long long v;

	if (s == NULL)
		return 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0 || v > 1000000000)
		return snprintf(err, APIX_ERR, "<%s>: must be a whole number of "
		    "at least 0", what), -1;
	*out = v;
	return 0;
}

static int
apix_orders(struct apix_pool *p, const xmlNode *task, struct bmxq_order *o,
    size_t *n, char *err)
{
	const char *mode, *type;
	xmlNode *c;

	for (c = task->children; c != NULL; c = c->next) {
		if (!apix_is(c, "order"))
			continue;
		if (*n == BMXQ_ORDERS_MAX)
			return snprintf(err, APIX_ERR, "more than %d <order>s",
			    BMXQ_ORDERS_MAX), -1;
		if (apix_child_text(p, c, "key", &o[*n].key, err) == -1 ||
		    apix_child_text(p, c, "mode", &mode, err) == -1 ||
		    apix_child_text(p, c, "type", &type, err) == -1)
			return -1;
		mode = mode != NULL ? mode : type;
		if (mode != NULL && strcasecmp(mode, "asc") != 0 &&
		    strcasecmp(mode, "desc") != 0)
			return snprintf(err, APIX_ERR, "<order><mode>: asc or "
			    "desc"), -1;
		o[(*n)++].desc = mode != NULL && strcasecmp(mode, "desc") == 0;
	}
	return 0;
}

/* <key> children of the task: extra fields of a list. */
static int
apix_keys(struct apix_pool *p, const xmlNode *task, unsigned *keys, char *err)
{
	const char *k;
	unsigned flag;
	xmlNode *c;

	*keys = 0;
	for (c = task->children; c != NULL; c = c->next) {
		if (!apix_is(c, "key"))
			continue;
		if (apix_text(p, c, &k, err) == -1)
			return -1;
		if ((flag = api_key_flag(k)) == 0)
			return snprintf(err, APIX_ERR, "<key>: unknown key "
			    "\"%.40s\"", k), -1;
		*keys |= flag;
	}
	return 0;
}

int
apix_list_parse(struct apix_pool *p, const xmlNode *task,
    struct apix_list *l, char *err)
{
	const xmlNode *view = apix_child(task, "view"),
	    *where = apix_child(task, "where");
	const char *lim = NULL, *off = NULL;

	memset(l, 0, sizeof(*l));
	if (apix_child_text(p, view, "limit", &lim, err) == -1 ||
	    apix_child_text(p, view, "offset", &off, err) == -1 ||
	    apix_num(lim, &l->q.limit, "limit", err) == -1 ||
	    apix_num(off, &l->q.offset, "offset", err) == -1 ||
	    apix_orders(p, task, l->orders, &l->q.norders, err) == -1 ||
	    apix_keys(p, task, &l->keys, err) == -1)
		return -1;
	l->q.orders = l->orders;
	if (where == NULL)
		return 0;
	if ((l->where = calloc(1, sizeof(*l->where))) == NULL)
		return snprintf(err, APIX_ERR, "out of memory"), -1;
	l->q.filters = l->where;
	l->q.nfilters = 1;
	return apix_where(p, where, l->where, 0, err);
}

static enum api_task
apix_code(const char *code)
{
	if (code == NULL)
		return API_T_NONE;
	if (strcmp(code, "0521") == 0)
		return API_T_CREATE;
	if (strcmp(code, "0523") == 0)
		return API_T_DELETE;
	if (strcmp(code, "0524") == 0)
		return API_T_INFO;
	return API_T_NONE;
}

int
apix_head_parse(struct apix_pool *p, const xmlNode *root, struct apix_head *h,
    char *err)
{
	const xmlNode *auth = apix_child(root, "auth"),
	    *task = apix_child(root, "task");

	memset(h, 0, sizeof(*h));
	if (apix_child_text(p, task, "code", &h->code, err) == -1 ||
	    apix_child_text(p, root, "ctid", &h->ctid, err) == -1 ||
	    (h->ctid == NULL && apix_child_text(p, task, "ctid", &h->ctid,
	    err) == -1) || apix_child_text(p, auth, "user", &h->user,
	    err) == -1 || apix_child_text(p, auth, "password", &h->pw,
	    err) == -1 || apix_child_text(p, auth, "context", &h->context,
	    err) == -1)
		return -1;
	h->task = apix_code(h->code);
	return 0;
}

/* "1"/"true" 1, "0"/"false" 0, anything else -1. */
static int
apix_bool(const char *s)
{
	if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
		return 1;
	if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
		return 0;
	return -1;
}

int
apix_item_parse(struct apix_pool *p, const xmlNode *task,
    struct apix_item *it, char *err)
{
	const xmlNode *b = apix_child(task, "backupmx");
	const char *down = NULL;

	memset(it, 0, sizeof(*it));
	it->x.only_when_down = -1;
	if (apix_child_text(p, b, "domain", &it->domain, err) == -1 ||
	    apix_child_text(p, b, "delivery_host", &it->x.delivery_host,
	    err) == -1 || apix_child_text(p, b, "only_when_down", &down,
	    err) == -1)
		return -1;
	if (down != NULL && (it->x.only_when_down = apix_bool(down)) == -1)
		return snprintf(err, APIX_ERR, "<only_when_down>: 1 or 0"), -1;
	if (it->domain == NULL)
		return snprintf(err, APIX_ERR, "<backupmx><domain> is "
		    "required"), -1;
	return 0;
}
