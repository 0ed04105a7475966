/*
 * notify — see notify.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "notify.h"
#include "spool.h"
#include "store.h"

static struct {
	char	node[256];
	char	panel_url[512];
	int64_t	lifetime;
} nt = { "localhost", "", 14 * 86400 };

void
notify_init(const char *node, const char *panel_url, int64_t lifetime)
{
	util_strlcpy(nt.node, node, sizeof(nt.node));
	util_strlcpy(nt.panel_url, panel_url, sizeof(nt.panel_url));
	nt.lifetime = lifetime;
}

/* "2026-11-29 04:10 UTC" (seconds too when secs), or the Date: form. */
enum notify_fmt { NT_MIN, NT_SEC, NT_DATE };

static const char *
notify_time(int64_t t, enum notify_fmt f, char *buf, size_t bufsz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	if (f == NT_DATE)
		strftime(buf, bufsz, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	else if (f == NT_SEC)
		strftime(buf, bufsz, "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		strftime(buf, bufsz, "%Y-%m-%d %H:%M UTC", &tm);
	return buf;
}

static const char *
notify_subject(const struct notice *x, char *buf, size_t bufsz)
{
	if (x->kind == NOTICE_START)
		snprintf(buf, bufsz, "Mail for %s is being queued", x->domain);
	else if (x->kind == NOTICE_DAILY)
		snprintf(buf, bufsz, "Mail for %s is still queued (%lld "
		    "message%s)", x->domain, (long long)x->nmsg,
		    x->nmsg == 1 ? "" : "s");
	else
		snprintf(buf, bufsz, "Mail for %s has been delivered: the queue "
		    "is empty", x->domain);
	return buf;
}

/* s as printable ASCII (the notice is 7-bit text): others become '?'. */
static const char *
notify_plain(const char *s, char *buf, size_t bufsz)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < bufsz; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* The text part: what is queued, why, and what happens next. */
static void
notify_body(const struct notice *x, const char *panel_url, struct sbuf *out)
{
	char t[64], why[256];

	if (x->kind == NOTICE_DRAIN) {
		sbuf_printf(out, "Every message we kept for %s has been "
		    "delivered to your mail server\r\n(or returned to its "
		    "sender). Nothing is queued any more.\r\n", x->domain);
		if (x->since > 0)
			sbuf_printf(out, "\r\nMail had been queuing since %s."
			    "\r\n", notify_time(x->since, NT_MIN,
			    t, sizeof(t)));
	} else {
		sbuf_printf(out, "Your primary mail server for %s does not take "
		    "mail right now, so our\r\nbackup MX keeps it for you and "
		    "delivers it as soon as the server is back.\r\n\r\n",
		    x->domain);
		sbuf_printf(out, "Queued: %lld message%s, %lld bytes\r\n",
		    (long long)x->nmsg, x->nmsg == 1 ? "" : "s",
		    (long long)x->bytes);
		if (x->oldest > 0)
			sbuf_printf(out, "Oldest: arrived %s\r\n",
			    notify_time(x->oldest, NT_MIN, t,
			    sizeof(t)));
		if (x->last_error[0] != '\0')
			sbuf_printf(out, "Last error: %s\r\n", notify_plain(
			    x->last_error, why, sizeof(why)));
		if (x->next_probe > 0)
			sbuf_printf(out, "Next check of your server: %s\r\n",
			    notify_time(x->next_probe, NT_SEC,
			    t, sizeof(t)));
		sbuf_printf(out, "\r\nMail that cannot be delivered within %lld "
		    "days is returned to its sender.\r\n",
		    (long long)(nt.lifetime / 86400));
	}
	if (panel_url[0] != '\0')
		sbuf_printf(out, "\r\nThe queue in the control panel:\r\n%s/queue/"
		    "%s\r\n", panel_url, x->domain);
	sbuf_puts(out, "\r\nYou can switch these messages off on that page.\r\n"
	    "-- \r\nBackupMX\r\n");
}

void
notify_compose(const struct notice *x, const char *node, const char *panel_url,
    int64_t now, const char *msgid, struct sbuf *out)
{
	char subj[VALID_NAME_MAX + 96], date[64];

	sbuf_printf(out, "From: BackupMX <postmaster@%s>\r\n", node);
	sbuf_printf(out, "To: <%s>\r\n", x->email);
	sbuf_printf(out, "Subject: %s\r\n", notify_subject(x, subj,
	    sizeof(subj)));
	sbuf_printf(out, "Date: %s\r\n", notify_time(now,
	    NT_DATE, date, sizeof(date)));
	sbuf_printf(out, "Message-ID: <%s.notice@%s>\r\n", msgid, node);
	sbuf_puts(out, "MIME-Version: 1.0\r\nContent-Type: text/plain; "
	    "charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n"
	    "Auto-Submitted: auto-generated\r\n");
	sbuf_printf(out, "X-Backupmx-Notice: %s %s\r\n\r\n",
	    x->kind == NOTICE_START ? "queuing" : x->kind == NOTICE_DAILY ?
	    "still-queued" : "drained", x->domain);
	notify_body(x, panel_url, out);
}

static int
notify_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Put one notice in the queue; 0 or -1. */
static int
notify_queue(const struct notice *x, int64_t now)
{
	struct spool_file *f = malloc(sizeof(*f));
	struct queue_msg_in q;
	struct queue_rcpt_in r;
	char err[SPOOL_ERR_MAX] = "", id[SPOOL_ID_MAX];
	const char *at = strrchr(x->email, '@');
	struct sbuf sb;
	int rc = -1;

	if (f == NULL || at == NULL || at[1] == '\0' || spool_open(f, err) == -1) {
		log_event(LOG_ERR, NULL, "%s: cannot queue the owner notice: %s",
		    x->domain, err[0] ? err : "no contact domain");
		free(f);
		return -1;
	}
	sbuf_init(&sb);
	notify_compose(x, nt.node, nt.panel_url, now, f->id, &sb);
	spool_write(f, sb.buf, sb.len);
	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	r.address = x->email;
	q.id = f->id;
	q.node = nt.node;
	q.domain = at + 1;
	q.sender = "";
	q.size = (int64_t)sb.len;
	q.arrival = now;
	q.expires = now + nt.lifetime;
	q.is_bounce = 1;	/* returned-mail class: never notified about */
	q.smtputf8 = !notify_ascii(x->email);
	q.rcpt = &r;
	q.nrcpt = 1;
	util_strlcpy(id, f->id, sizeof(id));
	if ((rc = spool_commit(f, &q, 1, err)) == 0)
		log_event(LOG_INFO, id, "owner notice (%s) for %s to <%s>",
		    x->kind == NOTICE_START ? "queuing" : x->kind ==
		    NOTICE_DAILY ? "still queued" : "drained", x->domain,
		    x->email);
	else
		log_event(LOG_ERR, NULL, "%s: cannot queue the owner notice: %s",
		    x->domain, err);
	sbuf_free(&sb);
	free(f);
	return rc;
}

void
notify_tick(struct db *db)
{
	static int64_t last;	/* the scheduler thread's alone */
	struct notice *list;
	int64_t now = util_now();
	size_t n, i;

	if (now - last < NOTIFY_INTERVAL)
		return;
	last = now;
	if (stats_notices(db, nt.node, now, &list, &n) != STORE_OK) {
		log_event(LOG_ERR, NULL, "owner notices: %s", db_error(db));
		return;
	}
	for (i = 0; i < n; i++)
		if (notify_queue(&list[i], now) == 0 &&
		    stats_notice_sent(db, &list[i], now) != STORE_OK)
			log_event(LOG_ERR, NULL, "owner notice state: %s",
			    db_error(db));
	free(list);
}
