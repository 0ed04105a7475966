/*
 * page — the panel's routes and the layout every HTML page shares.
 *
 * page_dispatch() looks the request's path up in one table (path, the
 * methods it takes, handler) and answers 404 for an unknown path and 405,
 * with Allow, for a method the route does not take.  HEAD goes wherever
 * GET goes; http_send() drops the body.
 *
 * An HTML page is templates/layout.tpl with the page's own template
 * included as {{>CONTENT}}: page_begin() makes both dictionaries,
 * the handler fills view.content (and view.layout for the title),
 * page_finish() expands, sends and frees.  When expansion fails the
 * client gets a plain 500 and the log says which template.
 *
 * Memory: a struct page_view owns its dictionaries until page_finish()
 * or page_abandon().
 */
#ifndef BMX_PAGE_H
#define BMX_PAGE_H

#include "http.h"
#include "tpl.h"

struct page_route {
	const char	*path;		/* "/x", or "/x/" + "*" for a subtree */
	unsigned	 methods;	/* HTTP_GET also admits HEAD */
	void		(*handler)(struct req *);
};

/* Each page module's routes, NULL-terminated (page_<module>.c). */
extern const struct page_route page_account_routes[];
extern const struct page_route page_order_routes[];
extern const struct page_route page_bmx_routes[];
extern const struct page_route page_zone_routes[];
extern const struct page_route page_api_routes[];
extern const struct page_route page_queue_routes[];

struct page_view {
	struct tpl	*layout;
	struct tpl	*content;
	const char	*content_file;
};

void	page_dispatch(struct req *r);

/* 0, or -1 (out of memory; nothing to free).  Sets the navigation and,
 * for a signed-in user, CSRF in the content dictionary. */
int	page_begin(struct req *r, struct page_view *v, const char *title,
	    const char *content_file);
void	page_finish(struct req *r, struct page_view *v, int status);
void	page_abandon(struct page_view *v);

/* An error page through the layout; message may be NULL. */
void	page_error(struct req *r, int status, const char *message);

/* The handlers, one file each (page_*.c). */
void	page_root(struct req *r);
void	page_login(struct req *r);
void	page_logout(struct req *r);
void	page_health_get(struct req *r);

#endif
