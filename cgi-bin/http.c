/*
 * http — request parsing and response building.  See http.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "form.h"
#include "http.h"
#include "log.h"

/*
 * Sent with every response of the panel, errors included.  nginx adds
 * the same set to the files it serves from /static/ (nginx/nginx.conf.in);
 * change both together.
 */
static const char http_security_headers[] =
    "Content-Security-Policy: default-src 'none'; style-src 'self'; "
    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: same-origin\r\n"
    "X-Frame-Options: DENY\r\n"
    "Cache-Control: no-store\r\n";

/* FCGX_PutStr takes an int: write big bodies in slices. */
#define HTTP_PUT_SLICE (1 << 20)

static const char *
http_param(const struct req *r, const char *name)
{
	return FCGX_GetParam(name, r->fcgi->envp);
}

static enum http_method
http_method_of(const char *m)
{
	if (m == NULL)
		return HTTP_OTHER;
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	return HTTP_OTHER;
}

/* Cut "a=1; b=2" into name/value pairs; malformed pieces are skipped. */
static void
http_parse_cookies(struct req *r, const char *header)
{
	char *p, *piece, *eq, *save = NULL;
	size_t vlen;

	if (header == NULL || *header == '\0' ||
	    (r->cookie_buf = strdup(header)) == NULL)
		return;
	for (p = r->cookie_buf; r->ncookies < REQ_COOKIES_MAX &&
	    (piece = strtok_r(p, ";", &save)) != NULL; p = NULL) {
		while (*piece == ' ' || *piece == '\t')
			piece++;
		if ((eq = strchr(piece, '=')) == NULL || eq == piece)
			continue;
		*eq++ = '\0';
		vlen = strlen(eq);
		while (vlen > 0 && (eq[vlen - 1] == ' ' || eq[vlen - 1] == '\t'))
			eq[--vlen] = '\0';
		if (vlen >= 2 && eq[0] == '"' && eq[vlen - 1] == '"') {
			eq[vlen - 1] = '\0';
			eq++;
		}
		r->cookies[r->ncookies].name = piece;
		r->cookies[r->ncookies].value = eq;
		r->ncookies++;
	}
}

/* CONTENT_LENGTH as a size; -1 when it is not a plain decimal number. */
static long
http_content_length(const char *s)
{
	long n = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		if (n > REQ_BODY_MAX)	/* too big already: only check digits */
			continue;
		n = n * 10 + (*s - '0');
	}
	return n;
}

int
http_req_body(struct req *r)
{
	long n = http_content_length(http_param(r, "CONTENT_LENGTH"));
	int got;

	if (n < 0)
		return 400;
	if (n > REQ_BODY_MAX)
		return 413;
	if (n == 0 || r->body != NULL)
		return 0;
	if ((r->body = malloc((size_t)n + 1)) == NULL) {
		log_event(LOG_ERR, r->id, "out of memory for a %ld-byte body", n);
		return 503;
	}
	got = FCGX_GetStr(r->body, (int)n, r->fcgi->in);
	if (got != (int)n) {	/* the client went away mid-body */
		free(r->body);
		r->body = NULL;
		return 400;
	}
	r->body[n] = '\0';
	r->body_len = (size_t)n;
	return 0;
}

static const char *
http_or_empty(const char *s)
{
	return s != NULL ? s : "";
}

int
http_req_init(struct req *r, FCGX_Request *f, struct worker *w)
{
	const char *https;

	memset(r, 0, sizeof(*r));
	r->fcgi = f;
	r->worker = w;
	sbuf_init(&r->headers);
	if (auth_random_token(r->id, sizeof(r->id), 6) == -1)
		util_strlcpy(r->id, "-", sizeof(r->id));
	r->method_name = http_or_empty(http_param(r, "REQUEST_METHOD"));
	r->method = http_method_of(r->method_name);
	r->path = http_param(r, "DOCUMENT_URI");
	r->query = http_or_empty(http_param(r, "QUERY_STRING"));
	r->remote_addr = http_or_empty(http_param(r, "REMOTE_ADDR"));
	r->content_type = http_or_empty(http_param(r, "CONTENT_TYPE"));
	https = http_param(r, "HTTPS");
	r->https = https != NULL && strcasecmp(https, "on") == 0;
	http_parse_cookies(r, http_param(r, "HTTP_COOKIE"));
	if (r->path == NULL || r->path[0] != '/') {
		r->path = "/";	/* for the error page; the request is bad */
		return 400;
	}
	return 0;
}

void
http_req_free(struct req *r)
{
	free(r->cookie_buf);
	free(r->body);
	sbuf_free(&r->headers);
	r->cookie_buf = r->body = NULL;
}

int
http_query(const struct req *r, const char *name, char *out, size_t outsz)
{
	struct form q;
	const char *v;
	int found = 0;

	out[0] = '\0';
	if (form_parse(&q, r->query, strlen(r->query), NULL) == -1)
		return -1;
	if ((v = form_get(&q, name)) != NULL) {
		util_strlcpy(out, v, outsz);
		found = 1;
	}
	form_free(&q);
	return found;
}

const char *
http_cookie(const struct req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ncookies; i++)
		if (strcmp(r->cookies[i].name, name) == 0)
			return r->cookies[i].value;
	return NULL;
}

static int
http_header_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int
http_header(struct req *r, const char *name, const char *value)
{
	if (!http_header_safe(name) || !http_header_safe(value) ||
	    strchr(name, ':') != NULL || *name == '\0') {
		log_event(LOG_ERR, r->id, "refused header %.40s: bad value", name);
		return -1;
	}
	sbuf_printf(&r->headers, "%s: %s\r\n", name, value);
	return 0;
}

int
http_set_cookie(struct req *r, const char *name, const char *value)
{
	char line[512];
	int n;

	/* RFC 6265 cookie-octets: no separators in the name or the value. */
	if (*name == '\0' || strpbrk(name, "=;, \"\\") != NULL ||
	    strpbrk(value, ";, \"\\") != NULL)
		return -1;
	n = snprintf(line, sizeof(line), "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict%s", name, value, r->https ? "; Secure" : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	return http_header(r, "Set-Cookie", line);
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

static void
http_put(struct req *r, const char *p, size_t len)
{
	size_t n;

	while (len > 0) {
		n = len < HTTP_PUT_SLICE ? len : HTTP_PUT_SLICE;
		if (FCGX_PutStr(p, (int)n, r->fcgi->out) != (int)n)
			return;		/* nginx went away: nothing to tell */
		p += n;
		len -= n;
	}
}

void
http_send(struct req *r, int status, const char *ctype, const char *body,
    size_t len)
{
	struct sbuf h;

	if (r->status != 0) {
		log_event(LOG_ERR, r->id, "second response (%d) suppressed",
		    status);
		return;
	}
	sbuf_init(&h);
	sbuf_printf(&h, "Status: %d %s\r\n", status, http_reason(status));
	sbuf_puts(&h, http_security_headers);
	if (ctype != NULL)
		sbuf_printf(&h, "Content-Type: %s\r\n", ctype);
	sbuf_printf(&h, "Content-Length: %zu\r\n", len);
	if (r->headers.len > 0)
		sbuf_add(&h, r->headers.buf, r->headers.len);
	sbuf_add(&h, "\r\n", 2);
	http_put(r, h.buf, h.len);
	if (r->method != HTTP_HEAD && body != NULL)
		http_put(r, body, len);
	sbuf_free(&h);
	r->status = status;
	/* 503s are outages, logged once by whoever noticed; 500s are bugs. */
	if (status >= 500 && status != 503)
		log_event(LOG_WARNING, r->id, "%s %s: %d %s, client=%s",
		    r->method_name, r->path, status, http_reason(status),
		    r->remote_addr);
}

void
http_text(struct req *r, int status, const char *text)
{
	http_send(r, status, "text/plain; charset=utf-8", text, strlen(text));
}

void
http_redirect(struct req *r, const char *location)
{
	static const char body[] = "See Other\n";

	/* Only local paths: an absolute URL here would be an open redirect. */
	if (location[0] != '/' || location[1] == '/' || location[1] == '\\' ||
	    http_header(r, "Location", location) == -1) {
		http_text(r, 500, "bad redirect\n");
		return;
	}
	http_send(r, 303, "text/plain; charset=utf-8", body, sizeof(body) - 1);
}
