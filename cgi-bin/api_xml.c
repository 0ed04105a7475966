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
 * Parsing (api_parse.c) is libxml2's, with the network off (XML_PARSE_NONET), entities
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
#include "api_parse.h"
#include "log.h"

static pthread_once_t apix_once = PTHREAD_ONCE_INIT;

static void
apix_init(void)
{
	xmlInitParser();
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

static void
apix_task(struct api_ctx *c, struct apix_pool *p, const xmlNode *task,
    enum api_task t, struct api_status *st)
{
	struct apix_item it;
	struct bmx_entry e;
	char err[APIX_ERR];
	xmlNode *data;

	if (t == API_T_INFO && apix_child(task, "backupmx") == NULL) {
		apix_list(c, p, task, st);
		return;
	}
	if (apix_item_parse(p, task, &it, err) == -1) {
		api_fail(st, t, 400, API_EF_INVALID, "%s", err);
		apix_send(c, st, NULL);
		return;
	}
	if (t == API_T_CREATE)
		api_create(c, it.domain, &it.x, st);
	else if (t == API_T_DELETE)
		api_delete(c, it.domain, st);
	else {
		api_info(c, it.domain, &e, st);
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

/* A parsed request: sign in, then the task. */
static void
apix_request(struct api_ctx *c, struct apix_pool *p, const xmlNode *root,
    struct api_status *st)
{
	struct apix_head h;
	char err[APIX_ERR];

	if (apix_head_parse(p, root, &h, err) == -1) {
		api_fail(st, API_T_NONE, 400, API_EF_INVALID, "%s", err);
		apix_send(c, st, NULL);
		return;
	}
	api_set_ctid(c, h.ctid);
	if (api_auth(c, h.user, h.pw, h.context, st, h.task) == -1) {
		apix_send(c, st, NULL);
		return;
	}
	if (h.task == API_T_NONE) {
		api_fail(st, h.task, 400, API_EF_INVALID, "<task><code> must be "
		    "0521, 0523 or 0524");
		apix_send(c, st, NULL);
		return;
	}
	apix_task(c, p, apix_child(root, "task"), h.task, st);
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
