/*
 * cpuprobe — how fast the machine's CPU runs while a benchmark runs.
 *
 * Every 5 ms it times a fixed piece of arithmetic (about 25 us) by its
 * own thread CPU time.  Waiting for a CPU does not count in that time, so
 * on a machine of its own the piece always costs about the same.  On a
 * virtual machine it does not: the host can slow a virtual CPU down, and
 * the guest still counts the time as run.  The probe calls a piece slow
 * when it cost more than four times the cheapest one, and reports, when
 * it ends (after SECONDS, or on SIGTERM/SIGINT):
 *
 *   cpuprobe: pieces N slow S (P %) cheapest C us median M us windows W
 *
 * where a window is a run of slow pieces with less than 50 ms between
 * them; M over C is how much slower than its best the CPU ran on the
 * whole.  Its own load is about 0.5 % of one CPU.
 *
 *   cpuprobe SECONDS
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PROBE_EVERY_NS	5000000L	/* 5 ms between pieces */
#define PROBE_ROUNDS	20000		/* arithmetic steps per piece */
#define PROBE_SLOW	4.0		/* slow: over 4 x the cheapest */

static volatile sig_atomic_t probe_stop;

static void
probe_signal(int sig)
{
	(void)sig;
	probe_stop = 1;
}

static double
probe_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One piece: its thread CPU time in seconds. */
static double
probe_piece(void)
{
	static volatile unsigned x = 1;
	double t0 = probe_clock(CLOCK_THREAD_CPUTIME_ID);
	unsigned v = x;
	int i;

	for (i = 0; i < PROBE_ROUNDS; i++)
		v = v * 1103515245u + 12345u;
	x = v;
	return probe_clock(CLOCK_THREAD_CPUTIME_ID) - t0;
}

static int
probe_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct timespec pause = { 0, PROBE_EVERY_NS };
	struct sigaction sa = { .sa_handler = probe_signal };
	double end, cost, cheapest = 1, last_slow = -1, now, *costs;
	long n = 0, slow = 0, windows = 0, i, max;

	if (argc != 2 || atof(argv[1]) <= 0) {
		fprintf(stderr, "usage: cpuprobe SECONDS\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	max = (long)(atof(argv[1]) * 1e9 / PROBE_EVERY_NS) + 1;
	if ((costs = calloc((size_t)max, sizeof(*costs))) == NULL)
		return 1;
	end = probe_clock(CLOCK_MONOTONIC) + atof(argv[1]);
	/* Collect first, judge at the end: the cheapest piece is only known
	 * then. */
	while (!probe_stop && n < max &&
	    (now = probe_clock(CLOCK_MONOTONIC)) < end) {
		cost = probe_piece();
		costs[n++] = cost;
		if (cost < cheapest)
			cheapest = cost;
		nanosleep(&pause, NULL);
	}
	for (i = 0; i < n; i++) {
		if (costs[i] <= PROBE_SLOW * cheapest)
			continue;
		slow++;
		/* pieces are PROBE_EVERY_NS apart: 10 pieces ~ 50 ms */
		if (last_slow < 0 || i - last_slow > 10)
			windows++;
		last_slow = i;
	}
	qsort(costs, (size_t)n, sizeof(*costs), probe_cmp);
	printf("cpuprobe: pieces %ld slow %ld (%.1f %%) cheapest %.1f us "
	    "median %.1f us windows %ld\n", n, slow,
	    n > 0 ? 100.0 * slow / n : 0.0, cheapest * 1e6,
	    n > 0 ? costs[n / 2] * 1e6 : 0.0, windows);
	free(costs);
	return 0;
}
