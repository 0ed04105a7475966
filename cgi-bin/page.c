/*
 * page — route table, layout rendering and error pages.  See page.h.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "page.h"

#define PAGE_LAYOUT "layout.tpl"
#define PAGE_ERROR "error.tpl"

struct page_route {
	const char	*path;
	unsigned	 methods;	/* HTTP_GET also admits HEAD */
	void		(*handler)(struct req *);
};

/*
 * Every URL the panel answers.  POST /login is deliberately absent until
 * accounts and sessions exist: it gets 405, not a page that pretends.
 */
static const struct page_route page_routes[] = {
	{ "/",		HTTP_GET,	page_root },
	{ "/login",	HTTP_GET,	page_login_get },
	{ "/healthz",	HTTP_GET,	page_health_get },
};

#define NROUTES (sizeof(page_routes) / sizeof(page_routes[0]))

struct page_status_text {
	int		 status;
	const char	*heading;
	const char	*message;
};

static const struct page_status_text page_texts[] = {
	{ 400, "Bad request", "The panel could not understand the request." },
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

void
page_dispatch(struct req *r)
{
	const struct page_route *route = NULL;
	char allow[32];
	size_t i;
	int status;

	for (i = 0; i < NROUTES && route == NULL; i++)
		if (strcmp(page_routes[i].path, r->path) == 0)
			route = &page_routes[i];
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
	route->handler(r);
	if (r->status == 0) {
		log_event(LOG_ERR, r->id, "%s %s: handler sent nothing",
		    r->method_name, r->path);
		http_text(r, 500, "internal error\n");
	}
}

int
page_begin(struct page_view *v, const char *title, const char *content_file)
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

	if (page_begin(&v, t->heading, PAGE_ERROR) == -1) {
		http_text(r, status, t->heading);
		return;
	}
	tpl_set(v.content, "HEADING", t->heading);
	tpl_set(v.content, "MESSAGE", message != NULL ? message : t->message);
	if (status == 404)
		tpl_set(tpl_section(v.content, "PATH"), "PATH", r->path);
	page_finish(r, &v, status);
}

/* Nothing to show at / before sign-in exists: the login page is it. */
void
page_root(struct req *r)
{
	http_redirect(r, "/login");
}
