/*
 * page — route table, layout rendering and error pages.  See page.h.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "log.h"
#include "page.h"
#include "sess.h"

#define PAGE_LAYOUT "layout.tpl"
#define PAGE_ERROR "error.tpl"

/*
 * The route tables: this file's own, then one per page module (each
 * ends with a NULL path).  A path ending in a slash and a star takes everything below
 * it; the handler finds the rest in r->arg.
 */
static const struct page_route page_core_routes[] = {
	{ "/",		HTTP_GET,	page_root },
	{ "/login",	HTTP_GET | HTTP_POST,	page_login },
	{ "/logout",	HTTP_POST,	page_logout },
	{ "/healthz",	HTTP_GET,	page_health_get },
	{ NULL, 0, NULL }
};

static const struct page_route *const page_tables[] = {
	page_core_routes,
	page_account_routes,
	page_order_routes,
	page_bmx_routes,
	page_zone_routes,
	page_api_routes,
	page_queue_routes,
};


struct page_status_text {
	int		 status;
	const char	*heading;
	const char	*message;
};

static const struct page_status_text page_texts[] = {
	{ 400, "Bad request", "The panel could not understand the request." },
	{ 403, "Forbidden", "The request was not accepted." },
	{ 404, "Page not found", "There is no page at this address." },
	{ 405, "Method not allowed",
	    "This page does not take that kind of request." },
	{ 413, "Request too large",
	    "The request is larger than the panel accepts." },
	{ 503, "Service unavailable",
	    "The panel cannot answer right now. Please try again shortly." },
};

/* Any status without its own text is a failure of ours. */
static const struct page_status_text page_text_500 = {
	500, "Something went wrong",
	"The panel could not build this page. The error has been logged."
};

static const struct page_status_text *
page_text(int status)
{
	size_t i;

	for (i = 0; i < sizeof(page_texts) / sizeof(page_texts[0]); i++)
		if (page_texts[i].status == status)
			return &page_texts[i];
	return &page_text_500;
}

/* "GET, HEAD, POST" for a method mask. */
static void
page_allow(unsigned methods, char *buf, size_t bufsz)
{
	buf[0] = '\0';
	if (methods & HTTP_GET)
		util_strlcpy(buf, "GET, HEAD", bufsz);
	if (methods & HTTP_POST) {
		if (buf[0] != '\0')
			strncat(buf, ", ", bufsz - strlen(buf) - 1);
		strncat(buf, "POST", bufsz - strlen(buf) - 1);
	}
}

static int
page_method_ok(unsigned methods, enum http_method m)
{
	if (m == HTTP_HEAD)
		m = HTTP_GET;
	return (methods & (unsigned)m) != 0;
}

static int
page_match(const char *pattern, struct req *r)
{
	size_t n = strlen(pattern);

	if (n >= 2 && strcmp(pattern + n - 2, "/*") == 0) {
		if (strncmp(r->path, pattern, n - 1) != 0 ||
		    r->path[n - 1] == '\0')
			return 0;
		r->arg = r->path + n - 1;
		return 1;
	}
	return strcmp(pattern, r->path) == 0;
}

static const struct page_route *
page_find(struct req *r)
{
	const struct page_route *t;
	size_t i;

	for (i = 0; i < sizeof(page_tables) / sizeof(page_tables[0]); i++)
		for (t = page_tables[i]; t->path != NULL; t++)
			if (page_match(t->path, r))
				return t;
	return NULL;
}

void
page_dispatch(struct req *r)
{
	const struct page_route *route = NULL;
	char allow[32];
	int status;

	if (api_dispatch(r))	/* /v1/... and /gateway: the API's own answers */
		return;
	route = page_find(r);
	if (route == NULL) {
		page_error(r, 404, NULL);
		return;
	}
	if (!page_method_ok(route->methods, r->method)) {
		page_allow(route->methods, allow, sizeof(allow));
		http_header(r, "Allow", allow);
		page_error(r, 405, NULL);
		return;
	}
	if ((status = http_req_body(r)) != 0) {
		page_error(r, status, NULL);
		return;
	}
	sess_load(r);
	route->handler(r);
	if (r->status == 0) {
		log_event(LOG_ERR, r->id, "%s %s: handler sent nothing",
		    r->method_name, r->path);
		http_text(r, 500, "internal error\n");
	}
}

/*
 * The navigation of a signed-in user.  The items are written out in
 * layout.tpl (no section dictionary per item on every page); this marks
 * the one the path belongs to and shows the admin's items.
 */
static void
page_nav(const struct req *r, struct page_view *v)
{
	static const struct { const char *href, *at; } items[] = {
		{ "/cart", "AT_CART" },
		{ "/orders", "AT_ORDERS" },
		{ "/portfolio", "AT_PORTFOLIO" },
		{ "/backupmx", "AT_BACKUPMX" },
		{ "/zones", "AT_ZONES" },
		{ "/queue", "AT_QUEUE" },
		{ "/api", "AT_API" },
		{ "/account", "AT_ACCOUNT" },
		{ "/admin/users", "AT_USERS" },
		{ "/admin/audit", "AT_AUDIT" },
	};
	struct tpl *nav;
	size_t i, n;

	if (!r->signed_in)
		return;
	nav = tpl_section(v->layout, "NAV");
	tpl_set(nav, "USER", r->sess.a.name);
	tpl_set(nav, "CSRF", r->sess.csrf);
	if (r->sess.a.admin)
		tpl_show(nav, "ADMIN");
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		n = strlen(items[i].href);
		if (strncmp(r->path, items[i].href, n) == 0 &&
		    (r->path[n] == '\0' || r->path[n] == '/')) {
			tpl_show(nav, items[i].at);
			break;
		}
	}
}

int
page_begin(struct req *r, struct page_view *v, const char *title,
    const char *content_file)
{
	memset(v, 0, sizeof(*v));
	v->content_file = content_file;
	if ((v->layout = tpl_new("layout")) == NULL)
		return -1;
	if ((v->content = tpl_include(v->layout, "CONTENT",
	    content_file)) == NULL) {
		page_abandon(v);
		return -1;
	}
	tpl_set(v->layout, "TITLE", title);
	page_nav(r, v);
	if (r->signed_in)	/* every form of a signed-in page needs it */
		tpl_set(v->content, "CSRF", r->sess.csrf);
	return 0;
}

void
page_abandon(struct page_view *v)
{
	tpl_free(v->layout);
	v->layout = v->content = NULL;
}

void
page_finish(struct req *r, struct page_view *v, int status)
{
	char *html = tpl_expand(PAGE_LAYOUT, v->layout);

	page_abandon(v);
	if (html == NULL) {
		log_event(LOG_ERR, r->id, "cannot expand %s with %s",
		    PAGE_LAYOUT, v->content_file);
		http_text(r, 500, "internal error: a page template is "
		    "missing or broken\n");
		return;
	}
	http_send(r, status, "text/html; charset=utf-8", html, strlen(html));
	free(html);
}

void
page_error(struct req *r, int status, const char *message)
{
	const struct page_status_text *t = page_text(status);
	struct page_view v;

	if (page_begin(r, &v, t->heading, PAGE_ERROR) == -1) {
		http_text(r, status, t->heading);
		return;
	}
	tpl_set(v.content, "HEADING", t->heading);
	tpl_set(v.content, "MESSAGE", message != NULL ? message : t->message);
	if (status == 404)
		tpl_set(tpl_section(v.content, "PATH"), "PATH", r->path);
	page_finish(r, &v, status);
}

/* The start page: BackupMX management, or the sign-in form. */
void
page_root(struct req *r)
{
	http_redirect(r, r->signed_in ? "/backupmx" : "/login");
}
