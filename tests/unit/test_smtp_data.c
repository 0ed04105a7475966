/*
 * test_smtp_data — the DATA scanner: end-of-data detection, dot
 * unstuffing, smuggling forms (bare CR / bare LF), limits, Received:
 * counting, and what is left in the buffer after the end (pipelining).
 * Every case runs twice: delivered in one piece, and one octet at a time
 * (so each state is crossed at a buffer boundary).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "db.h"
#include "smtp_data.h"
#include "spool.h"

static char tmpdir[] = "/tmp/bmx-test-data.XXXXXX";

static const struct dcase {
	const char	*in;
	const char	*text;		/* expected spooled text */
	const char	*rest;		/* left in the buffer after the end */
	int		 bare, too_long, too_big, received, eight_bit;
	int64_t		 limit;
} cases[] = {
	{ "hello\r\n.\r\n", "hello\r\n", "", 0, 0, 0, 0, 0, 0 },
	{ ".\r\n", "", "", 0, 0, 0, 0, 0, 0 },
	{ "\r\n.\r\n", "\r\n", "", 0, 0, 0, 0, 0, 0 },
	{ "..x\r\n.\r\n", ".x\r\n", "", 0, 0, 0, 0, 0, 0 },
	{ "a\r\n..\r\n.\r\n", "a\r\n.\r\n", "", 0, 0, 0, 0, 0, 0 },
	{ "a\r\n...\r\n.\r\n", "a\r\n..\r\n", "", 0, 0, 0, 0, 0, 0 },
	{ "a\r\n.b\r\n.\r\n", "a\r\nb\r\n", "", 0, 0, 0, 0, 0, 0 },
	{ "x\r\n.\r\nNOOP\r\n", "x\r\n", "NOOP\r\n", 0, 0, 0, 0, 0, 0 },
	{ "x\r\n.\r\nQUIT\r\nRSET\r\n", "x\r\n", "QUIT\r\nRSET\r\n", 0, 0, 0,
	    0, 0, 0 },
	/* Smuggling: none of these ends the data; each is flagged. */
	{ "a\n.\nMAIL FROM:<e@x>\r\n.\r\n", NULL, "", 1, 0, 0, 0, 0, 0 },
	{ "a\r\n.\nMAIL FROM:<e@x>\r\n.\r\n", NULL, "", 1, 0, 0, 0, 0, 0 },
	{ "a\n.\r\nMAIL FROM:<e@x>\r\n.\r\n", NULL, "", 1, 0, 0, 0, 0, 0 },
	{ "a\r.\rMAIL FROM:<e@x>\r\n.\r\n", NULL, "", 1, 0, 0, 0, 0, 0 },
	{ "a\r\n.\r\rMAIL FROM:<e@x>\r\n.\r\n", NULL, "", 1, 0, 0, 0, 0, 0 },
	{ "a\r\n.\r.\r\n.\r\n", NULL, "", 1, 0, 0, 0, 0, 0 },
	{ "a\rb\r\n.\r\n", NULL, "", 1, 0, 0, 0, 0, 0 },
	{ "a\nb\r\n.\r\n", NULL, "", 1, 0, 0, 0, 0, 0 },
	{ "a\r\r\n.\r\n", NULL, "", 1, 0, 0, 0, 0, 0 },
	/* Received: headers count only in the header section. */
	{ "Received: a\r\nreceived: b\r\nX: y\r\n\r\nReceived: c\r\n.\r\n",
	    NULL, "", 0, 0, 0, 2, 0, 0 },
	/* Limits. */
	{ "0123456789ab\r\n.\r\n", NULL, "", 0, 0, 1, 0, 0, 10 },
	{ "0123456\r\n.\r\n", "0123456\r\n", "", 0, 0, 0, 0, 0, 9 },
	{ "gr\xc3\xbc\xc3\x9f\r\n.\r\n", "gr\xc3\xbc\xc3\x9f\r\n", "", 0, 0, 0,
	    0, 1, 0 },
};

static void
setup(void)
{
	char db[300], err[DB_ERR_MAX];
	struct db *h;
	int removed;

	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(db, sizeof(db), "%s/t.db", tmpdir);
	h = db_open(db, 1, err);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(db_migrate(h, db_schema_version()), 0);
	db_close(h);
	ck_assert_msg(spool_init(tmpdir, db, "t", &removed, err) == 0, "%s",
	    err);
}

static void
teardown(void)
{
	char cmd[300];

	spool_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

struct feeder {
	int		 fd;
	const char	*p;
	size_t		 n;
	int		 slow;
};

static void *
feed(void *arg)
{
	struct feeder *f = arg;
	size_t i;

	if (!f->slow) {
		ck_assert_int_eq(write(f->fd, f->p, f->n), (ssize_t)f->n);
	} else
		for (i = 0; i < f->n; i++) {
			ck_assert_int_eq(write(f->fd, f->p + i, 1), 1);
			usleep(300);
		}
	shutdown(f->fd, SHUT_WR);
	return NULL;
}

/* Run the scanner over input; returns the conn result. */
static int
scan(const char *in, size_t n, int slow, int64_t limit,
    struct spool_file *sf, struct smtp_data_result *res, struct conn *c)
{
	struct feeder fd;
	pthread_t t;
	char err[SPOOL_ERR_MAX];
	int sv[2], rc;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(spool_open(sf, err), 0);
	conn_init(c, sv[0], NULL);
	fd = (struct feeder){ sv[1], in, n, slow };
	ck_assert_int_eq(pthread_create(&t, NULL, feed, &fd), 0);
	rc = smtp_data_read(c, sf, limit, 5, res);
	if (rc == CONN_OK) {	/* take what is left, as the session would */
		while (conn_fill(c, 5) == CONN_OK && c->rlen < CONN_RBUF)
			;
	}
	pthread_join(t, NULL);
	close(sv[1]);
	return rc;
}

START_TEST(scanner)
{
	const struct dcase *k = &cases[_i / 2];
	struct spool_file *sf = malloc(sizeof(*sf));
	struct smtp_data_result res;
	struct conn *c = malloc(sizeof(*c));
	int rc;

	rc = scan(k->in, strlen(k->in), _i % 2, k->limit ? k->limit : 1 << 20,
	    sf, &res, c);
	ck_assert_int_eq(rc, CONN_OK);
	ck_assert_msg(res.bare_eol == k->bare, "case %d: bare %d", _i / 2,
	    res.bare_eol);
	ck_assert_int_eq(res.too_long, k->too_long);
	ck_assert_int_eq(res.too_big, k->too_big);
	ck_assert_int_eq(res.received, k->received);
	ck_assert_int_eq(res.eight_bit, k->eight_bit);
	if (k->text != NULL) {
		ck_assert_int_eq(sf->len, strlen(k->text));
		ck_assert_int_eq(res.size, (int64_t)strlen(k->text));
		ck_assert_msg(memcmp(sf->buf, k->text, sf->len) == 0,
		    "case %d: text differs", _i / 2);
	}
	ck_assert_int_eq(conn_pending(c), strlen(k->rest));
	ck_assert(memcmp(c->rbuf + c->rpos, k->rest, strlen(k->rest)) == 0);
	spool_abort(sf);
	conn_close(c);
	free(c);
	free(sf);
}
END_TEST

START_TEST(line_lengths)
{
	struct spool_file *sf = malloc(sizeof(*sf));
	struct smtp_data_result res;
	struct conn *c = malloc(sizeof(*c));
	char in[1100];

	/* 998 octets + CRLF is the longest allowed line. */
	memset(in, 'x', 998);
	memcpy(in + 998, "\r\n.\r\n", 6);
	ck_assert_int_eq(scan(in, strlen(in), 0, 1 << 20, sf, &res, c),
	    CONN_OK);
	ck_assert_int_eq(res.too_long, 0);
	spool_abort(sf);
	conn_close(c);
	memset(in, 'x', 999);
	memcpy(in + 999, "\r\n.\r\n", 6);
	ck_assert_int_eq(scan(in, strlen(in), 0, 1 << 20, sf, &res, c),
	    CONN_OK);
	ck_assert_int_eq(res.too_long, 1);
	spool_abort(sf);
	conn_close(c);
	free(c);
	free(sf);
}
END_TEST

START_TEST(big_message_and_eof)
{
	size_t n = 300 * 1024, i;
	char *in = malloc(n + 8);
	struct spool_file *sf = malloc(sizeof(*sf));
	struct smtp_data_result res;
	struct conn *c = malloc(sizeof(*c));

	for (i = 0; i < n; i++)	/* lines of 80 octets */
		in[i] = (i % 80 == 78) ? '\r' : (i % 80 == 79) ? '\n' : 'a';
	memcpy(in + n, ".\r\n", 4);
	ck_assert_int_eq(scan(in, n + 3, 0, 1 << 20, sf, &res, c), CONN_OK);
	ck_assert_int_eq(res.size, (int64_t)n);
	ck_assert_int_eq(sf->size, (int64_t)n);
	ck_assert_int_eq(res.bare_eol, 0);
	spool_abort(sf);
	conn_close(c);
	/* The peer goes away before the end: the message is incomplete. */
	ck_assert_int_eq(scan(in, 1000, 0, 1 << 20, sf, &res, c), CONN_EOF);
	spool_abort(sf);
	conn_close(c);
	free(in);
	free(c);
	free(sf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("smtp_data");
	TCase *tc = tcase_create("scan");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, scanner, 0,
	    (int)(2 * sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, line_lengths);
	tcase_add_test(tc, big_message_and_eof);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
