/*
 * api_xml — the XML gateway at /gateway, in AutoDNS's form:
 *
 *   <request>
 *     <auth><user/><password/><context/></auth>
 *     <task>
 *       <code>0521 | 0523 | 0524</code>
 *       <backupmx><domain/></backupmx>     (create, delete, info)
 *       <view><offset/><limit/></view>     (list: 0524 without <backupmx>)
 *       <where><key/><operator/><value/> <and>…</and> <or>…</or></where>
 *       <order><key/><mode>asc|desc</mode></order>
 *       <key>created</key>                 (extra fields of a list)
 *     </task>
 *     <ctid/>
 *   </request>
 *
 * answered with <response><result><data/><msg/><status><code/><text/>
 * <type/></status></result><stid/><ctid/></response>.
 *
 * Parsing is libxml2's, with the network off (XML_PARSE_NONET), entities
 * never substituted (no XML_PARSE_NOENT), no DTD loading or validation,
 * and a document type declaration refused outright: the parser stops at
 * "<!DOCTYPE", so neither entity bombs nor external entities get a
 * chance.  The body limit (REQ_BODY_MAX) and libxml2's own depth limit
 * bound the rest; <where> nesting is bounded by BMXQ_DEPTH_MAX.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "adate.h"
#include "api.h"
#include "log.h"

#define APIX_ERR	300
#define APIX_TEXT_MAX	1024	/* octets of one element's text */
#define APIX_STRINGS	1024	/* texts taken from one request */

static pthread_once_t apix_once = PTHREAD_ONCE_INIT;
static int apix_dtd_mark;	/* its address marks a refused DTD */

static void
apix_init(void)
{
	xmlInitParser();
}

/* Texts taken from the document, freed together. */
struct apix_pool {
	xmlChar	*s[APIX_STRINGS];
	size_t	 n;
};

static void
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

static xmlDocPtr
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

static int
apix_is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlNode *
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
static int
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

static int
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

struct apix_list {
	struct bmxq		 q;
	struct bmxq_filter	*where;
	struct bmxq_order	 orders[BMXQ_ORDERS_MAX];
	unsigned		 keys;
};

static int
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

/* --- answers ------------------------------------------------------------- */

static void
apix_add(xmlNode *parent, const char *name, const char *text)
{
	xmlNewTextChild(parent, NULL, (const xmlChar *)name,
	    (const xmlChar *)text);
}

static void
apix_user(const struct api_ctx *c, xmlNode *parent, const char *name,
    const char *user)
{
	xmlNode *u = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
	char ctx[24];

	snprintf(ctx, sizeof(ctx), "%ld", c->context);
	apix_add(u, "user", user);
	apix_add(u, "context", ctx);
}

static void
apix_bmx(const struct api_ctx *c, xmlNode *data, const struct bmx *b,
    int64_t queued, unsigned keys)
{
	xmlNode *x = xmlNewChild(data, NULL, (const xmlChar *)"backupmx", NULL);
	char buf[ADATE_MAX];

	apix_add(x, "domain", b->domain);
	apix_add(x, "idn", b->idn);
	if (keys & API_K_CREATED)
		apix_add(x, "created", adate_format_xml(b->created, buf));
	if (keys & API_K_UPDATED)
		apix_add(x, "updated", adate_format_xml(b->updated, buf));
	apix_user(c, x, "owner", b->owner);
	if (b->updater[0] != '\0')
		apix_user(c, x, "updater", b->updater);
	if ((keys & API_K_DELIVERY) && b->delivery_host[0] != '\0')
		apix_add(x, "delivery_host", b->delivery_host);
	if (keys & API_K_POLICY)
		apix_add(x, "recipient_policy", b->recipient_policy);
	if (keys & API_K_DOWN)
		apix_add(x, "only_when_down", b->only_when_down ? "1" : "0");
	if (keys & API_K_QUEUED) {
		snprintf(buf, sizeof(buf), "%lld", (long long)queued);
		apix_add(x, "queued", buf);
	}
}

static void
apix_object(xmlNode *parent, const char *value)
{
	xmlNode *o;

	if (value == NULL || *value == '\0')
		return;
	o = xmlNewChild(parent, NULL, (const xmlChar *)"object", NULL);
	apix_add(o, "type", "backupmx");
	apix_add(o, "value", value);
}

/* The response document around data (may be NULL; adopted). */
static xmlDocPtr
apix_response(const struct api_ctx *c, const struct api_status *st,
    xmlNode *data)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode *resp, *res, *msg, *s;

	resp = xmlNewNode(NULL, (const xmlChar *)"response");
	xmlDocSetRootElement(doc, resp);
	res = xmlNewChild(resp, NULL, (const xmlChar *)"result", NULL);
	if (data == NULL)
		data = xmlNewNode(NULL, (const xmlChar *)"data");
	xmlAddChild(res, data);
	msg = xmlNewChild(res, NULL, (const xmlChar *)"msg", NULL);
	apix_add(msg, "text", st->ok ? st->text : st->msg);
	apix_add(msg, "code", st->ok ? st->code : st->msgcode);
	apix_add(msg, "type", st->ok ? "notice" : "error");
	apix_object(msg, st->object);
	s = xmlNewChild(res, NULL, (const xmlChar *)"status", NULL);
	apix_add(s, "code", st->code);
	apix_add(s, "text", st->text);
	apix_add(s, "type", st->ok ? "success" : "error");
	apix_object(s, st->object);
	apix_add(resp, "stid", c->stid);
	if (c->ctid[0] != '\0')
		apix_add(resp, "ctid", c->ctid);
	return doc;
}

static void
apix_send(struct api_ctx *c, const struct api_status *st, xmlNode *data)
{
	xmlDocPtr doc = apix_response(c, st, data);
	xmlChar *out = NULL;
	char ra[32];
	int len = 0;

	xmlDocDumpFormatMemoryEnc(doc, &out, &len, "UTF-8", 1);
	xmlFreeDoc(doc);
	http_header(c->r, "X-Domainrobot-STID", c->stid);
	if (st->retry_after > 0) {
		snprintf(ra, sizeof(ra), "%lld", (long long)st->retry_after);
		http_header(c->r, "Retry-After", ra);
	}
	if (out == NULL) {
		http_text(c->r, 500, "internal error\n");
		return;
	}
	http_send(c->r, st->http, "text/xml; charset=utf-8", (const char *)out,
	    (size_t)len);
	xmlFree(out);
}

/* --- the tasks ------------------------------------------------------------ */

static void
apix_list(struct api_ctx *c, struct apix_pool *p, const xmlNode *task,
    struct api_status *st)
{
	struct apix_list l;
	struct bmx_row *rows = NULL;
	char err[APIX_ERR], sum[24];
	int64_t total = 0;
	size_t i, n = 0;
	xmlNode *data;

	if (apix_list_parse(p, task, &l, err) == -1) {
		api_fail(st, API_T_INFO, 400, API_EF_INVALID, "%s", err);
		bmxq_filters_free(l.where, l.where != NULL);
		apix_send(c, st, NULL);
		return;
	}
	api_list(c, &l.q, &rows, &n, &total, st);
	bmxq_filters_free(l.where, l.where != NULL);
	data = xmlNewNode(NULL, (const xmlChar *)"data");
	if (st->ok) {
		snprintf(sum, sizeof(sum), "%lld", (long long)total);
		apix_add(data, "summary", sum);
	}
	for (i = 0; i < n; i++)
		apix_bmx(c, data, &rows[i].b, rows[i].queued, l.keys);
	bmx_rows_free(rows);
	apix_send(c, st, data);
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

static void
apix_task(struct api_ctx *c, struct apix_pool *p, const xmlNode *task,
    enum api_task t, struct api_status *st)
{
	const xmlNode *b = apix_child(task, "backupmx");
	struct api_ext x = { NULL, -1 };
	const char *domain = NULL, *down = NULL;
	struct bmx_entry e;
	char err[APIX_ERR];
	xmlNode *data;

	if (t == API_T_INFO && b == NULL) {
		apix_list(c, p, task, st);
		return;
	}
	if (apix_child_text(p, b, "domain", &domain, err) == -1 ||
	    apix_child_text(p, b, "delivery_host", &x.delivery_host, err) ==
	    -1 || apix_child_text(p, b, "only_when_down", &down, err) == -1) {
		api_fail(st, t, 400, API_EF_INVALID, "%s", err);
		apix_send(c, st, NULL);
		return;
	}
	if (down != NULL && (x.only_when_down = apix_bool(down)) == -1) {
		api_fail(st, t, 400, API_EF_INVALID, "<only_when_down>: 1 or 0");
		apix_send(c, st, NULL);
		return;
	}
	if (domain == NULL) {
		api_fail(st, t, 400, API_EF_INVALID, "<backupmx><domain> is "
		    "required");
		apix_send(c, st, NULL);
		return;
	}
	if (t == API_T_CREATE)
		api_create(c, domain, &x, st);
	else if (t == API_T_DELETE)
		api_delete(c, domain, st);
	else {
		api_info(c, domain, &e, st);
		if (st->ok) {
			data = xmlNewNode(NULL, (const xmlChar *)"data");
			apix_bmx(c, data, &e.b, e.queued, API_K_ALL);
			bmx_entry_free(&e);
			apix_send(c, st, data);
			return;
		}
	}
	apix_send(c, st, NULL);
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

/* A parsed request: sign in, then the task. */
static void
apix_request(struct api_ctx *c, struct apix_pool *p, const xmlNode *root,
    struct api_status *st)
{
	const xmlNode *auth = apix_child(root, "auth"),
	    *task = apix_child(root, "task");
	const char *user = NULL, *pw = NULL, *ctx = NULL, *code = NULL;
	const char *ctid = NULL;
	char err[APIX_ERR];
	enum api_task t;

	if (apix_child_text(p, task, "code", &code, err) == -1 ||
	    apix_child_text(p, root, "ctid", &ctid, err) == -1 ||
	    (ctid == NULL && apix_child_text(p, task, "ctid", &ctid,
	    err) == -1) || apix_child_text(p, auth, "user", &user, err) == -1 ||
	    apix_child_text(p, auth, "password", &pw, err) == -1 ||
	    apix_child_text(p, auth, "context", &ctx, err) == -1) {
		api_fail(st, API_T_NONE, 400, API_EF_INVALID, "%s", err);
		apix_send(c, st, NULL);
		return;
	}
	api_set_ctid(c, ctid);
	t = apix_code(code);
	if (api_auth(c, user, pw, ctx, st, t) == -1) {
		apix_send(c, st, NULL);
		return;
	}
	if (t == API_T_NONE) {
		api_fail(st, t, 400, API_EF_INVALID, "<task><code> must be 0521, "
		    "0523 or 0524");
		apix_send(c, st, NULL);
		return;
	}
	apix_task(c, p, task, t, st);
}

int
api_xml_handle(struct req *r)
{
	struct api_ctx c;
	struct api_status st;
	struct apix_pool *pool;
	char err[APIX_ERR];
	xmlDocPtr doc;
	xmlNode *root;

	pthread_once(&apix_once, apix_init);
	api_ctx_init(&c, r);
	memset(&st, 0, sizeof(st));
	if (strcmp(r->method_name, "POST") != 0) {
		http_header(r, "Allow", "POST");
		api_fail(&st, API_T_NONE, 405, API_EF_METHOD, "the gateway takes "
		    "POST only");
		apix_send(&c, &st, NULL);
		return 1;
	}
	if (api_admit(&c, &st, API_T_NONE) == -1) {
		apix_send(&c, &st, NULL);
		return 1;
	}
	doc = r->body != NULL ? apix_parse(r->body, r->body_len, err) : NULL;
	root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	if (!apix_is(root, "request")) {
		api_fail(&st, API_T_NONE, 400, API_EF_SYNTAX, "%s", r->body ==
		    NULL ? "the request has no body" : doc == NULL ? err :
		    "the document element must be <request>");
		if (doc != NULL)
			xmlFreeDoc(doc);
		apix_send(&c, &st, NULL);
		return 1;
	}
	if ((pool = calloc(1, sizeof(*pool))) == NULL) {
		xmlFreeDoc(doc);
		api_fail(&st, API_T_NONE, 503, API_EF_INTERNAL, "out of memory");
		apix_send(&c, &st, NULL);
		return 1;
	}
	apix_request(&c, pool, root, &st);
	apix_pool_free(pool);
	free(pool);
	xmlFreeDoc(doc);
	return 1;
}
