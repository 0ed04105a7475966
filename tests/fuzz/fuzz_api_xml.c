/*
 * fuzz_api_xml — libFuzzer target for the XML gateway's request reading
 * (cgi-bin/api_parse.c, as cgi-bin/api_xml.c calls it): libxml2 set up
 * as the gateway sets it up (no network, no entity substitution, a
 * DOCTYPE refused), then <request> with its <auth>, <task><code>,
 * <ctid>, the <backupmx> of a create/delete/info and the <view>,
 * <where>, <order> and <key> of a list, and the list's Query translated
 * to SQL (core/store_bmxq.c).  Input: the request body.
 *
 * Oracle beyond the sanitizers: a refusal always carries a message; a
 * document with a DOCTYPE never parses; no text taken is longer than
 * APIX_TEXT_MAX; a parsed list translates or is refused with a message.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_parse.h"

int LLVMFuzzerInitialize(int *, char ***);

static void
fuzz_silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, fuzz_silent);
	return 0;
}

static void
fuzz_pool_ok(const struct apix_pool *p)
{
	size_t i;

	assert(p->n <= APIX_STRINGS);
	for (i = 0; i < p->n; i++)
		assert(p->s[i] != NULL);
}

static void
fuzz_list(struct apix_pool *p, const xmlNode *task)
{
	struct actor who = { 7, "fuzz", "192.0.2.1", 0 };
	struct apix_list l;
	struct bmxq_sql s;
	char err[APIX_ERR], qerr[BMXQ_ERR_MAX];

	err[0] = '\0';
	if (apix_list_parse(p, task, &l, err) == 0) {
		assert(l.q.norders <= BMXQ_ORDERS_MAX);
		assert(l.q.limit >= 0 && l.q.offset >= 0);
		if (bmxq_translate(&who, &l.q, &s, qerr) == -1)
			assert(qerr[0] != '\0');
		else
			assert(s.where.len > 0 && s.order.len > 0);
		bmxq_sql_free(&s);
	} else
		assert(err[0] != '\0' && memchr(err, '\0', APIX_ERR));
	bmxq_filters_free(l.where, l.where != NULL);
}

static void
fuzz_request(struct apix_pool *p, const xmlNode *root)
{
	const xmlNode *task = apix_child(root, "task");
	struct apix_head h;
	struct apix_item it;
	char err[APIX_ERR];

	err[0] = '\0';
	if (apix_head_parse(p, root, &h, err) == -1) {
		assert(err[0] != '\0');
		return;
	}
	assert(h.task == API_T_NONE || h.task == API_T_CREATE ||
	    h.task == API_T_DELETE || h.task == API_T_INFO);
	if (h.task == API_T_NONE)
		return;
	if (h.task == API_T_INFO && apix_child(task, "backupmx") == NULL) {
		fuzz_list(p, task);
		return;
	}
	err[0] = '\0';
	if (apix_item_parse(p, task, &it, err) == 0) {
		assert(it.domain != NULL);
		assert(it.x.only_when_down >= -1 && it.x.only_when_down <= 1);
	} else
		assert(err[0] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct apix_pool pool;
	char err[APIX_ERR], *buf;
	xmlDocPtr doc;
	xmlNode *root;
	size_t i;

	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	err[0] = '\0';
	doc = apix_parse(buf, size, err);
	if (doc == NULL) {
		assert(err[0] != '\0');
		free(buf);
		return 0;
	}
	assert(doc->intSubset == NULL && doc->extSubset == NULL);
	root = xmlDocGetRootElement(doc);
	if (apix_is(root, "request")) {
		fuzz_request(&pool, root);
		fuzz_pool_ok(&pool);
		for (i = 0; i < pool.n; i++)
			assert(strlen((const char *)pool.s[i]) <=
			    APIX_TEXT_MAX || i == pool.n - 1);
		apix_pool_free(&pool);
	}
	xmlFreeDoc(doc);
	free(buf);
	return 0;
}
