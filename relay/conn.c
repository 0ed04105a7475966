/*
 * conn — see conn.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "conn.h"

#define TICK_MS 250

void
conn_init(struct conn *c, int fd, const int *stop)
{
	c->fd = fd;
	c->ssl = NULL;
	c->stop = stop;
	c->rpos = c->rlen = c->wlen = 0;
	c->werr = 0;
}

void
conn_close(struct conn *c)
{
	conn_flush(c);
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
}

size_t
conn_pending(const struct conn *c)
{
	return c->rlen - c->rpos;
}

void
conn_discard(struct conn *c)
{
	c->rpos = c->rlen = 0;
}

static int
conn_stopping(const struct conn *c)
{
	return c->stop != NULL && __atomic_load_n(c->stop, __ATOMIC_RELAXED);
}

static int64_t
conn_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is readable (or writable); CONN_OK or an error. */
static int
conn_wait(struct conn *c, short events, int64_t deadline)
{
	struct pollfd p = { c->fd, events, 0 };
	int64_t left;
	int n;

	for (;;) {
		if (conn_stopping(c))
			return CONN_STOP;
		if ((left = deadline - conn_ms()) <= 0)
			return CONN_TIMEOUT;
		n = poll(&p, 1, left < TICK_MS ? (int)left : TICK_MS);
		if (n > 0)
			return CONN_OK;
		if (n == -1 && errno != EINTR)
			return CONN_ERROR;
	}
}

static ssize_t
conn_raw_read(struct conn *c, void *buf, size_t n, int *want_write)
{
	int r, e;

	*want_write = 0;
	if (c->ssl == NULL)
		return read(c->fd, buf, n);
	ERR_clear_error();
	r = SSL_read(c->ssl, buf, (int)n);
	if (r > 0)
		return r;
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_ZERO_RETURN)
		return 0;
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		*want_write = e == SSL_ERROR_WANT_WRITE;
		errno = EAGAIN;
		return -1;
	}
	errno = EIO;
	return -1;
}

/* conn_fill with an absolute deadline (conn_ms() clock). */
static int
conn_fill_until(struct conn *c, int64_t deadline)
{
	ssize_t n;
	int rc, ww = 0;

	if (conn_flush(c) == -1)
		return CONN_ERROR;
	if (c->rpos > 0) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	if (c->rlen == CONN_RBUF)
		return CONN_OK;
	for (;;) {
		if (c->ssl == NULL || !SSL_pending(c->ssl))
			if ((rc = conn_wait(c, ww ? POLLOUT : POLLIN,
			    deadline)) != CONN_OK)
				return rc;
		n = conn_raw_read(c, c->rbuf + c->rlen, CONN_RBUF - c->rlen,
		    &ww);
		if (n > 0) {
			c->rlen += (size_t)n;
			return CONN_OK;
		}
		if (n == 0)
			return CONN_EOF;
		if (errno != EAGAIN && errno != EINTR)
			return CONN_ERROR;
	}
}

int
conn_fill(struct conn *c, int timeout)
{
	return conn_fill_until(c, conn_ms() + (int64_t)timeout * 1000);
}

int
conn_getline(struct conn *c, char *line, size_t max, size_t *len, int *bare,
    int timeout)
{
	/* One deadline for the whole line: a client that dribbles a
	 * command an octet at a time (slow-loris) still times out. */
	int64_t deadline = conn_ms() + (int64_t)timeout * 1000;
	char *nl;
	size_t n, have;
	int rc, toolong = 0;

	*bare = 0;
	for (;;) {
		have = c->rlen - c->rpos;
		nl = memchr(c->rbuf + c->rpos, '\n', have);
		if (nl != NULL)
			break;
		if (have >= max) {	/* too long: drop what we have */
			toolong = 1;
			c->rpos = c->rlen;
		}
		if ((rc = conn_fill_until(c, deadline)) != CONN_OK)
			return rc;
	}
	n = (size_t)(nl - (c->rbuf + c->rpos)) + 1;
	if (toolong || n > max) {
		c->rpos += n;
		return CONN_TOOLONG;
	}
	memcpy(line, c->rbuf + c->rpos, n);
	c->rpos += n;
	n--;			/* the LF */
	if (n > 0 && line[n - 1] == '\r')
		n--;
	else
		*bare = 1;
	line[n] = '\0';
	*len = n;
	return CONN_OK;
}

static int
conn_raw_write(struct conn *c, const char *p, size_t n)
{
	int64_t deadline = conn_ms() + 60 * 1000;
	ssize_t w;
	short ev;
	int e;

	while (n > 0) {
		ev = POLLOUT;
		if (c->ssl != NULL) {
			ERR_clear_error();
			w = SSL_write(c->ssl, p, (int)n);
			if (w <= 0) {
				e = SSL_get_error(c->ssl, (int)w);
				if (e != SSL_ERROR_WANT_WRITE &&
				    e != SSL_ERROR_WANT_READ)
					return -1;
				if (e == SSL_ERROR_WANT_READ)
					ev = POLLIN;
				errno = EAGAIN;
				w = -1;
			}
		} else
			w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (errno != EAGAIN && errno != EINTR)
			return -1;
		/* Give up on a timeout, an error, and on shutdown too: a peer
		 * that does not read its replies must not keep us (conn_wait
		 * answers CONN_STOP at once, so retrying would spin). */
		else if (conn_wait(c, ev, deadline) != CONN_OK)
			return -1;
	}
	return 0;
}

int
conn_flush(struct conn *c)
{
	if (c->werr)
		return -1;
	if (c->wlen > 0 && conn_raw_write(c, c->wbuf, c->wlen) == -1)
		c->werr = 1;
	c->wlen = 0;
	return c->werr ? -1 : 0;
}

int
conn_write(struct conn *c, const char *p, size_t n)
{
	if (c->wlen + n > CONN_WBUF && conn_flush(c) == -1)
		return -1;
	if (n > CONN_WBUF)
		return conn_raw_write(c, p, n) == -1 ? (c->werr = 1, -1) : 0;
	memcpy(c->wbuf + c->wlen, p, n);
	c->wlen += n;
	return 0;
}

int
conn_reply(struct conn *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n > sizeof(buf) - 3)
		n = (int)sizeof(buf) - 3;
	buf[n++] = '\r';
	buf[n++] = '\n';
	return conn_write(c, buf, (size_t)n);
}

int
conn_starttls(struct conn *c, SSL_CTX *ctx, int timeout)
{
	int64_t deadline = conn_ms() + (int64_t)timeout * 1000;
	int r, e;

	if (conn_flush(c) == -1 || (c->ssl = SSL_new(ctx)) == NULL)
		return -1;
	SSL_set_fd(c->ssl, c->fd);
	for (;;) {
		ERR_clear_error();
		if ((r = SSL_accept(c->ssl)) == 1)
			return 0;
		e = SSL_get_error(c->ssl, r);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			return -1;
		if (conn_wait(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
		    deadline) != CONN_OK)
			return -1;
	}
}
