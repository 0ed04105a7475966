/*
 * http — one FastCGI request as a struct req, and the responses to it.
 *
 * http_req_init() reads what the panel needs from the FastCGI parameters
 * (method, path, query, cookies, client address, HTTPS); http_req_body()
 * then reads the body, up to REQ_BODY_MAX bytes, once a route has taken
 * the request (an unknown route is 404 whatever its size).  Nothing about
 * a request lives outside its struct req: handlers get the struct and
 * nothing else.
 *
 * Every response goes through http_send(), which writes the status line
 * with its reason phrase, the security headers, the headers the handler
 * added, Content-Type and Content-Length, then the body (not for HEAD).
 * Headers are built with snprintf and written with FCGX_PutStr, never
 * with FCGX_FPrintF (its printf lacks %zu and silently stops writing).
 *
 * Errors: http_req_init() and http_req_body() return 0, or the HTTP
 * status to answer instead of handling the request (400, 413, 503).  http_header() refuses a
 * value with a control character (response splitting) and returns -1.
 * Memory: strings in struct req point into the FastCGI request or into
 * buffers the req owns; all of it is valid until http_req_free().
 */
#ifndef BMX_HTTP_H
#define BMX_HTTP_H

#include <stddef.h>

#include <fcgiapp.h>

#include "store.h"
#include "util.h"

#define REQ_BODY_MAX	(1024 * 1024)	/* bytes; 413 beyond */
#define REQ_COOKIES_MAX	32
#define REQ_ID_MAX	12

enum http_method {
	HTTP_GET = 1,
	HTTP_HEAD = 2,
	HTTP_POST = 4,
	HTTP_OTHER = 8		/* anything else: 405 wherever it goes */
};

struct req_cookie {
	const char	*name;
	const char	*value;
};

struct worker;

struct req {
	FCGX_Request	*fcgi;
	struct worker	*worker;	/* the thread's state (database) */
	char		 id[REQ_ID_MAX];	/* for log lines */

	enum http_method method;
	const char	*method_name;	/* as sent, for logs */
	const char	*path;		/* nginx's normalised $uri */
	const char	*query;		/* raw, "" when none */
	const char	*remote_addr;
	const char	*content_type;	/* "" when none */
	int		 https;		/* the client came over TLS */

	char		*cookie_buf;	/* the Cookie header, cut up */
	struct req_cookie cookies[REQ_COOKIES_MAX];
	size_t		 ncookies;

	char		*body;		/* NUL-terminated; NULL when empty */
	size_t		 body_len;

	struct session_info sess;	/* valid when signed_in */
	int		 signed_in;
	const char	*arg;		/* path below a subtree route */

	struct sbuf	 headers;	/* extra response header lines */
	int		 status;	/* 0 until a response was sent */
};

/* Fill r from f; 0, or a status (400) to answer with page_error(). */
int		 http_req_init(struct req *r, FCGX_Request *f, struct worker *w);
/* Read the body into r->body (once); 0, or 400, 413 or 503. */
int		 http_req_body(struct req *r);
void		 http_req_free(struct req *r);

/* The value of a cookie, or NULL. */
/* The first value of name in the query string into out ("" when
 * absent): 1 found, 0 absent, -1 a malformed query string. */
int		 http_query(const struct req *r, const char *name, char *out,
		    size_t outsz);
const char	*http_cookie(const struct req *r, const char *name);

/* Add a response header line; -1 (and nothing added) on a bad value. */
int		 http_header(struct req *r, const char *name, const char *value);

/* Set-Cookie for a session-lifetime cookie: Path=/, HttpOnly,
 * SameSite=Strict, and Secure when the request came over HTTPS. */
int		 http_set_cookie(struct req *r, const char *name,
		    const char *value);

/* "Not Found" for 404; "Unknown" for codes the panel never sends. */
const char	*http_reason(int status);

/* Send the whole response; body may be NULL when len is 0. */
void		 http_send(struct req *r, int status, const char *ctype,
		    const char *body, size_t len);
/* A text/plain response. */
void		 http_text(struct req *r, int status, const char *text);
/* 303 See Other to a local path. */
void		 http_redirect(struct req *r, const char *location);

#endif
