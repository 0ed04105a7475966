/*
 * page_api — the panel's API page: how to call the AutoDNS-compatible
 * API (cgi-bin/api*.c) with this account, as copy-and-paste curl lines
 * on the panel's own base URL (panel_url) and the account's own
 * domains.  The password is never shown: the lines carry a placeholder.
 */
#include <stdio.h>
#include <string.h>

#include "page.h"
#include "sess.h"
#include "store_bmx.h"
#include "worker.h"

static void api_page(struct req *);

const struct page_route page_api_routes[] = {
	{ "/api",	HTTP_GET,	api_page },
	{ NULL, 0, NULL }
};

/* A domain of the account for the examples: one with a record (info,
 * list, delete), one without (create). */
static void
api_page_domains(struct req *r, char *have, size_t havesz, char *cand,
    size_t candsz)
{
	struct bmx_query q = { NULL, BMX_SORT_DOMAIN, 0, 1, 1 };
	struct bmx_candidate *c = NULL;
	struct bmx_row *rows = NULL;
	struct actor who;
	struct db *db = worker_db(r->worker);
	int64_t total;
	size_t n = 0;

	util_strlcpy(have, "example.com", havesz);
	util_strlcpy(cand, "example.net", candsz);
	if (db == NULL)
		return;
	sess_actor(r, &who);
	if (bmx_search(db, &who, &q, &rows, &n, &total) == STORE_OK && n > 0)
		util_strlcpy(have, rows[0].b.domain, havesz);
	bmx_rows_free(rows);
	if (bmx_candidates(db, &who, 1, &c, &n) == STORE_OK && n > 0)
		util_strlcpy(cand, c[0].domain, candsz);
	bmx_candidates_free(c);
}

static void
api_page(struct req *r)
{
	const struct config *cf = r->worker->cf;
	char have[VALID_NAME_MAX], cand[VALID_NAME_MAX], ctx[24], base[512];
	struct page_view v;
	size_t n;

	if (sess_require(r) == -1)
		return;
	if (page_begin(r, &v, "API", "api.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	api_page_domains(r, have, sizeof(have), cand, sizeof(cand));
	snprintf(ctx, sizeof(ctx), "%ld", cf->api_context);
	util_strlcpy(base, cf->panel_url, sizeof(base));
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')	/* no "//v1" */
		base[--n] = '\0';
	tpl_set(v.content, "BASE", base);
	tpl_set(v.content, "USER", r->sess.a.name);
	tpl_set(v.content, "CONTEXT", ctx);
	tpl_set(v.content, "DOMAIN", have);
	tpl_set(v.content, "NEWDOMAIN", cand);
	snprintf(ctx, sizeof(ctx), "%ld", cf->api_rate);
	tpl_set(v.content, "RATE", ctx);
	page_finish(r, &v, 200);
}
