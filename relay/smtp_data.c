/*
 * smtp_data — see smtp_data.h.  A byte-at-a-time state machine over the
 * connection's buffer; runs of plain text are copied to the spool in one
 * call, and only a stuffed leading dot is ever dropped.
 */
#include <string.h>
#include <strings.h>

#include "smtp_data.h"

enum dstate {
	D_BOL,		/* at the beginning of a line */
	D_DOT,		/* a '.' at the beginning of a line */
	D_DOT_CR,	/* ".\r" at the beginning of a line */
	D_TEXT,		/* inside a line */
	D_CR		/* a CR inside a line */
};

struct dscan {
	enum dstate	 st;
	size_t		 line_len;	/* octets of this line on the wire */
	int		 in_headers;
	char		 head[10];	/* first octets of a header line */
	size_t		 head_len;
	int		 held_cr;	/* CR of ".\r" not yet copied */
	int64_t		 limit;
	struct spool_file *f;
	struct smtp_data_result *res;
};

static void
dscan_emit(struct dscan *d, const char *p, size_t n)
{
	if (n == 0 || d->res->too_big)
		return;
	if (d->res->size + (int64_t)n > d->limit) {
		d->res->too_big = 1;
		return;
	}
	d->res->size += (int64_t)n;
	spool_write(d->f, p, n);
}

/* A CRLF ended a line: check its length, count Received: headers. */
static void
dscan_eol(struct dscan *d)
{
	if (d->line_len > SMTP_TEXT_LINE_MAX)
		d->res->too_long = 1;
	if (d->in_headers) {
		if (d->line_len == 2)
			d->in_headers = 0;
		else if (d->head_len == 9 &&
		    strncasecmp(d->head, "received:", 9) == 0)
			d->res->received++;
	}
	d->line_len = 0;
	d->head_len = 0;
	d->st = D_BOL;
}

/* Feed one octet; returns 1 at the end of the data. */
static int
dscan_octet(struct dscan *d, char c)
{
	d->line_len++;
	if (d->head_len < 9)
		d->head[d->head_len++] = c;
	if ((unsigned char)c >= 0x80)
		d->res->eight_bit = 1;
	switch (d->st) {
	case D_BOL:
		d->st = c == '.' ? D_DOT : c == '\r' ? D_CR : D_TEXT;
		break;
	case D_DOT:
		d->st = c == '\r' ? D_DOT_CR : D_TEXT;
		break;
	case D_DOT_CR:
		if (c == '\n')
			return 1;
		d->res->bare_eol = 1;	/* ".\r" then not LF */
		d->st = c == '\r' ? D_CR : D_TEXT;
		break;
	case D_TEXT:
		d->st = c == '\r' ? D_CR : D_TEXT;
		break;
	case D_CR:
		if (c == '\n') {
			dscan_eol(d);
			return 0;
		}
		d->res->bare_eol = 1;
		d->st = c == '\r' ? D_CR : D_TEXT;
		break;
	}
	if (c == '\n' && d->st != D_BOL)
		d->res->bare_eol = 1;	/* an LF without its CR */
	return 0;
}

/* Scan the buffered bytes; copy text runs; 1 at the end of the data. */
static int
dscan_buffer(struct dscan *d, struct conn *c)
{
	const char *p = c->rbuf + c->rpos, *run = p;
	const char *end = c->rbuf + c->rlen;
	enum dstate before;

	for (; p < end; p++) {
		before = d->st;
		if (dscan_octet(d, *p)) {
			/* ".\r\n": the dot was dropped, the CR is not text. */
			c->rpos = (size_t)(p + 1 - c->rbuf);
			return 1;
		}
		if (before == D_DOT_CR && d->held_cr) {
			/* The CR held back at the last buffer end is text. */
			dscan_emit(d, "\r", 1);
			d->held_cr = 0;
		}
		if (before == D_BOL && d->st == D_DOT) {
			dscan_emit(d, run, (size_t)(p - run));
			run = p + 1;	/* RFC 5321 4.5.2: drop one dot */
		}
	}
	if (d->st == D_DOT_CR && p > run) {
		/* ".\r" at the end of the buffer: hold the CR until we know
		 * whether an LF (end of data) follows. */
		dscan_emit(d, run, (size_t)(p - 1 - run));
		d->held_cr = 1;
	} else
		dscan_emit(d, run, (size_t)(p - run));
	c->rpos = c->rlen;
	return 0;
}

int
smtp_data_read(struct conn *c, struct spool_file *f, int64_t limit,
    int timeout, struct smtp_data_result *res)
{
	struct dscan d;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&d, 0, sizeof(d));
	d.st = D_BOL;
	d.in_headers = 1;
	d.limit = limit;
	d.f = f;
	d.res = res;
	for (;;) {
		if (dscan_buffer(&d, c))
			return CONN_OK;
		if ((rc = conn_fill(c, timeout)) != CONN_OK)
			return rc;
	}
}
