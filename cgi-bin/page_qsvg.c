/*
 * page_qsvg — the queue pictures, drawn here as SVG (no JavaScript):
 * queue size per hour and deliveries per day over the last 14 days, and
 * the queued mail by age.  Each is an accessible image (role="img",
 * <title>, <desc> with the numbers in words, a <title> per bar) and
 * carries its figures as data-* attributes on the root, so a test can
 * compare them with the queue.  Presentation attributes only (no style
 * attributes), so the panel's strict CSP has nothing to refuse.
 *
 * Served as image/svg+xml from /queue/chart.svg, /queue/ages.svg and
 * /queue/DOMAIN/{chart,ages}.svg; the caller checked the domain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "page_queue.h"
#include "sess.h"
#include "worker.h"

#define SVG_W	720
#define SVG_H	300
#define PLOT_X0	56
#define PLOT_X1	(SVG_W - 16)
#define TOP_Y0	34		/* queue size: y from here ... */
#define TOP_Y1	178		/* ... to here */
#define BAR_Y0	206		/* deliveries per day */
#define BAR_Y1	270

/* Text for XML character data and attribute values. */
static void
svg_text(struct sbuf *b, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '<': sbuf_puts(b, "&lt;"); break;
		case '>': sbuf_puts(b, "&gt;"); break;
		case '&': sbuf_puts(b, "&amp;"); break;
		case '"': sbuf_puts(b, "&quot;"); break;
		default: sbuf_add(b, s, 1);
		}
}

static void
svg_send(struct req *r, struct sbuf *b)
{
	http_send(r, 200, "image/svg+xml; charset=utf-8", b->buf, b->len);
	sbuf_free(b);
}

/* The root element, its <title> and the start of its <desc>. */
static void
svg_open(struct sbuf *b, const char *title, const char *data)
{
	sbuf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
	    "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"t d\" %s>\n"
	    "<title id=\"t\">", SVG_W, SVG_H, SVG_W, SVG_H, data);
	svg_text(b, title);
	sbuf_puts(b, "</title>\n<desc id=\"d\">");
}

static void
svg_frame(struct sbuf *b, const char *heading)
{
	sbuf_printf(b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
	    "fill=\"#ffffff\"/>\n<text x=\"%d\" y=\"20\" font-family="
	    "\"sans-serif\" font-size=\"14\" fill=\"#222222\">", SVG_W, SVG_H,
	    PLOT_X0);
	svg_text(b, heading);
	sbuf_puts(b, "</text>\n");
}

/* The axis maximum: the first of 1, 2, 5, 10, 20, 50 ... that is >= v. */
static int64_t
svg_nice_max(int64_t v)
{
	int64_t m = 1;

	for (;;) {
		if (m >= v)
			return m;
		if (m * 2 >= v)
			return m * 2;
		if (m * 5 >= v)
			return m * 5;
		m *= 10;
	}
}

static void
svg_axis_label(struct sbuf *b, int y, int64_t v)
{
	sbuf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
	    "font-family=\"sans-serif\" font-size=\"11\" fill=\"#555555\">"
	    "%lld</text>\n", PLOT_X0 - 6, y + 4, (long long)v);
	sbuf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#dddddd\"/>\n", PLOT_X0, y, PLOT_X1, y);
}

/* The queue-size line over QVIEW_HOURS hours; last point is now. */
static void
svg_queue_line(struct sbuf *b, const struct qview_hour *h, int64_t now_n)
{
	int64_t max = now_n, v;
	double x, y, step = (double)(PLOT_X1 - PLOT_X0) / (QVIEW_HOURS - 1);
	int i;

	for (i = 0; i < QVIEW_HOURS; i++)
		if (h[i].queued > max)
			max = h[i].queued;
	max = svg_nice_max(max);
	svg_axis_label(b, TOP_Y0, max);
	svg_axis_label(b, TOP_Y1, 0);
	sbuf_puts(b, "<polyline fill=\"none\" stroke=\"#1f6fb2\" "
	    "stroke-width=\"2\" points=\"");
	for (i = 0; i < QVIEW_HOURS; i++) {
		v = i == QVIEW_HOURS - 1 ? now_n : h[i].queued;
		x = PLOT_X0 + i * step;
		y = TOP_Y1 - (double)v * (TOP_Y1 - TOP_Y0) / (double)max;
		sbuf_printf(b, "%s%.1f,%.1f", i ? " " : "", x, y);
	}
	y = TOP_Y1 - (double)now_n * (TOP_Y1 - TOP_Y0) / (double)max;
	sbuf_printf(b, "\"/>\n<circle cx=\"%d\" cy=\"%.1f\" r=\"4\" "
	    "fill=\"#1f6fb2\"><title>now: %lld message%s queued</title>"
	    "</circle>\n", PLOT_X1, y, (long long)now_n, now_n == 1 ? "" : "s");
}

/* Fourteen day bars of delivered (and, on top, bounced) recipients. */
static void
svg_day_bars(struct sbuf *b, const struct qview_hour *h)
{
	int64_t day[14][2], max = 0;
	double w = (double)(PLOT_X1 - PLOT_X0) / 14, bh, bb;
	char iso[32];
	int d, i;

	memset(day, 0, sizeof(day));
	for (i = 0; i < QVIEW_HOURS; i++) {
		day[i / 24][0] += h[i].delivered;
		day[i / 24][1] += h[i].bounced;
	}
	for (d = 0; d < 14; d++)
		if (day[d][0] + day[d][1] > max)
			max = day[d][0] + day[d][1];
	max = svg_nice_max(max);
	svg_axis_label(b, BAR_Y0, max);
	svg_axis_label(b, BAR_Y1, 0);
	for (d = 0; d < 14; d++) {
		util_iso8601(h[d * 24].hour, iso, sizeof(iso));
		bh = (double)day[d][0] * (BAR_Y1 - BAR_Y0) / (double)max;
		bb = (double)day[d][1] * (BAR_Y1 - BAR_Y0) / (double)max;
		sbuf_printf(b, "<g data-day=\"%.10s\" data-delivered=\"%lld\" "
		    "data-bounced=\"%lld\"><title>%.10s: %lld delivered, %lld "
		    "bounced</title>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#2e8b57\"/>\n<rect x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\" fill=\"#c0392b\"/></g>\n", iso,
		    (long long)day[d][0], (long long)day[d][1], iso,
		    (long long)day[d][0], (long long)day[d][1],
		    PLOT_X0 + d * w + 2, BAR_Y1 - bh, w - 4, bh,
		    PLOT_X0 + d * w + 2, BAR_Y1 - bh - bb, w - 4, bb);
		if (d % 2 == 0)
			sbuf_printf(b, "<text x=\"%.1f\" y=\"%d\" font-family="
			    "\"sans-serif\" font-size=\"10\" fill=\"#555555\">"
			    "%.5s</text>\n", PLOT_X0 + d * w + 2, SVG_H - 12,
			    iso + 5);
	}
}

/* Messages queued now in what the picture covers. */
static int
svg_now(struct db *db, const struct actor *who, const char *domain,
    int64_t now, int64_t *n)
{
	int64_t bins[QVIEW_AGE_BINS];
	int i;

	if (qview_ages(db, who, domain, now, bins) != STORE_OK)
		return -1;
	for (*n = 0, i = 0; i < QVIEW_AGE_BINS; i++)
		*n += bins[i];
	return 0;
}

void
pq_svg_chart(struct req *r, const char *domain)
{
	struct qview_hour *h = calloc(QVIEW_HOURS, sizeof(*h));
	int64_t now = util_now(), qnow, del = 0, bou = 0;
	struct db *db = worker_db(r->worker);
	char data[160], title[VALID_NAME_MAX + 96];
	struct actor who;
	struct sbuf b;
	int i;

	sess_actor(r, &who);
	if (db == NULL || h == NULL || qview_history(db, &who, domain, now, h) !=
	    STORE_OK || svg_now(db, &who, domain, now, &qnow) == -1) {
		free(h);
		page_error(r, db == NULL ? 503 : 500, NULL);
		return;
	}
	for (i = 0; i < QVIEW_HOURS; i++) {
		del += h[i].delivered;
		bou += h[i].bounced;
	}
	snprintf(data, sizeof(data), "data-queued=\"%lld\" data-delivered="
	    "\"%lld\" data-bounced=\"%lld\"", (long long)qnow, (long long)del,
	    (long long)bou);
	snprintf(title, sizeof(title), "Queue and deliveries, last 14 days: %s",
	    domain != NULL ? domain : "all domains");
	sbuf_init(&b);
	svg_open(&b, title, data);
	sbuf_printf(&b, "Blue line: messages queued, sampled every hour. Bars: "
	    "recipients delivered (green) and bounced (red) per day. Queued "
	    "now: %lld message%s. In the last 14 days %lld recipient%s "
	    "delivered and %lld bounced.</desc>\n", (long long)qnow,
	    qnow == 1 ? "" : "s", (long long)del, del == 1 ? " was" : "s were",
	    (long long)bou);
	svg_frame(&b, title);
	svg_queue_line(&b, h, qnow);
	svg_day_bars(&b, h);
	sbuf_puts(&b, "</svg>\n");
	free(h);
	svg_send(r, &b);
}

void
pq_svg_ages(struct req *r, const char *domain)
{
	int64_t bins[QVIEW_AGE_BINS], total = 0, max = 0;
	struct db *db = worker_db(r->worker);
	char data[64], title[VALID_NAME_MAX + 64];
	double w = (double)(PLOT_X1 - PLOT_X0) / QVIEW_AGE_BINS, bh;
	struct actor who;
	struct sbuf b;
	int i;

	sess_actor(r, &who);
	if (db == NULL || qview_ages(db, &who, domain, util_now(), bins) !=
	    STORE_OK) {
		page_error(r, db == NULL ? 503 : 500, NULL);
		return;
	}
	for (i = 0; i < QVIEW_AGE_BINS; i++) {
		total += bins[i];
		if (bins[i] > max)
			max = bins[i];
	}
	max = svg_nice_max(max);
	snprintf(data, sizeof(data), "data-total=\"%lld\"", (long long)total);
	snprintf(title, sizeof(title), "Queued mail by age: %s",
	    domain != NULL ? domain : "all domains");
	sbuf_init(&b);
	svg_open(&b, title, data);
	sbuf_printf(&b, "%lld message%s queued.", (long long)total,
	    total == 1 ? "" : "s");
	for (i = 0; i < QVIEW_AGE_BINS; i++)
		sbuf_printf(&b, " %s: %lld.", qview_age_labels[i],
		    (long long)bins[i]);
	sbuf_puts(&b, "</desc>\n");
	svg_frame(&b, title);
	svg_axis_label(&b, TOP_Y0, max);
	svg_axis_label(&b, BAR_Y1, 0);
	for (i = 0; i < QVIEW_AGE_BINS; i++) {
		bh = (double)bins[i] * (BAR_Y1 - TOP_Y0) / (double)max;
		sbuf_printf(&b, "<g data-bin=\"%d\" data-count=\"%lld\"><title>"
		    "%s: %lld message%s</title>\n<rect x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\" fill=\"#1f6fb2\"/></g>\n"
		    "<text x=\"%.1f\" y=\"%d\" font-family=\"sans-serif\" "
		    "font-size=\"11\" fill=\"#555555\">%s</text>\n", i,
		    (long long)bins[i], qview_age_labels[i], (long long)bins[i],
		    bins[i] == 1 ? "" : "s", PLOT_X0 + i * w + 4, BAR_Y1 - bh,
		    w - 8, bh, PLOT_X0 + i * w + 4, SVG_H - 12,
		    qview_age_labels[i]);
	}
	sbuf_puts(&b, "</svg>\n");
	svg_send(r, &b);
}
