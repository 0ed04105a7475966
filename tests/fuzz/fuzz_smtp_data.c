/*
 * fuzz_smtp_data — libFuzzer target for relay/smtp_data.c, with an
 * oracle.  Input: one control octet, then the octets a client sends
 * after "354".  The control octet picks how the text is cut into reads
 * (SOCK_SEQPACKET: each write is exactly one read, so every state of the
 * scanner gets crossed at a buffer end) and, now and then, a small size
 * limit.  A plain reference reading of RFC 5321 4.5.2 (lines end only at
 * CRLF, the data at the first line that is exactly ".", one leading dot
 * dropped) must agree with the scanner: where the data ends, whether a
 * bare CR or LF came before it, whether a line was too long or the text
 * too big, and, for a clean message, the exact text spooled and what is
 * left over for the next command.
 */
#define _GNU_SOURCE	/* memmem */
#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smtp_data.h"

#define FUZZ_MAX (CONN_RBUF - 1)	/* one conn buffer, one spool buffer */

struct fuzz_feed {
	int		 fd;
	const uint8_t	*p;
	size_t		 n;
	unsigned	 seed;
};

/* Write the text in pieces of 1..(seed % 64 + 1) octets, or whole. */
static void *
fuzz_feed(void *arg)
{
	struct fuzz_feed *f = arg;
	size_t off = 0, k, step = f->seed % 64 + 1;

	while (off < f->n) {
		k = f->seed >= 192 ? f->n - off : (off * 7 + 3) % step + 1;
		if (k > f->n - off)
			k = f->n - off;
		if (write(f->fd, f->p + off, k) != (ssize_t)k)
			break;
		off += k;
	}
	shutdown(f->fd, SHUT_WR);
	return NULL;
}

struct fuzz_want {
	int	 ended;		/* a line "." was found */
	size_t	 end;		/* offset just after its CRLF */
	int	 bare, too_long;
	uint8_t	*text;		/* un-stuffed text before the end */
	size_t	 len;
};

/* The reference reading: split at CRLF only. */
static void
fuzz_reference(const uint8_t *p, size_t n, struct fuzz_want *w)
{
	size_t pos = 0, eol, i;
	const uint8_t *crlf;

	memset(w, 0, sizeof(*w));
	w->text = malloc(n + 1);
	assert(w->text != NULL);
	while (pos < n) {
		crlf = memmem(p + pos, n - pos, "\r\n", 2);
		if (crlf == NULL)
			return;		/* no complete line: no end */
		eol = (size_t)(crlf - p);
		if (eol - pos == 1 && p[pos] == '.') {
			w->ended = 1;
			w->end = eol + 2;
			return;
		}
		for (i = pos; i < eol; i++)
			if (p[i] == '\r' || p[i] == '\n')
				w->bare = 1;
		if (eol + 2 - pos > SMTP_TEXT_LINE_MAX)
			w->too_long = 1;
		i = p[pos] == '.' ? pos + 1 : pos;
		memcpy(w->text + w->len, p + i, eol + 2 - i);
		w->len += eol + 2 - i;
		pos = eol + 2;
	}
}

static void
fuzz_compare(const struct fuzz_want *w, const uint8_t *p, size_t n,
    int64_t limit, int rc, const struct smtp_data_result *res,
    const struct spool_file *sf, const struct conn *c)
{
	size_t left;

	if (!w->ended) {
		assert(rc == CONN_EOF);
		return;
	}
	assert(rc == CONN_OK);
	assert(res->bare_eol == w->bare);
	/* What is buffered after the end is the start of what followed. */
	left = c->rlen - c->rpos;
	assert(left == n - w->end);	/* n < CONN_RBUF: all of it */
	assert(memcmp(c->rbuf + c->rpos, p + w->end, left) == 0);
	if (w->bare)
		return;		/* refused after the end: text irrelevant */
	assert(res->too_long == w->too_long);
	assert(res->too_big == ((int64_t)w->len > limit));
	if (res->too_big)
		return;
	assert(res->size == (int64_t)w->len);
	assert(sf->len == w->len);
	assert(memcmp(sf->buf, w->text, w->len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spool_file sf;
	static struct conn c;
	struct smtp_data_result res;
	struct fuzz_feed feed;
	struct fuzz_want want;
	pthread_t t;
	int sv[2], rc;
	int64_t limit;

	if (size < 1 || size > FUZZ_MAX)
		return 0;
	limit = data[0] % 8 == 0 ? data[0] / 8 * 4 : 1 << 20;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		abort();
	memset(&sf, 0, sizeof(sf));
	sf.fd = -1;
	conn_init(&c, sv[0], NULL);
	feed = (struct fuzz_feed){ sv[1], data + 1, size - 1, data[0] };
	if (pthread_create(&t, NULL, fuzz_feed, &feed) != 0)
		abort();
	rc = smtp_data_read(&c, &sf, limit, 5, &res);
	/* Take in what the feeder still sends, as the next command would. */
	if (rc == CONN_OK)
		while (c.rlen < CONN_RBUF && conn_fill(&c, 5) == CONN_OK)
			;
	pthread_join(t, NULL);
	close(sv[1]);
	conn_close(&c);
	fuzz_reference(data + 1, size - 1, &want);
	fuzz_compare(&want, data + 1, size - 1, limit, rc, &res, &sf, &c);
	free(want.text);
	return 0;
}
