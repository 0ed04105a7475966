/*
 * spool — see spool.h.  The committer is one thread with its own database
 * connection; sessions queue commit jobs to it and sleep until their batch
 * is on stable storage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>

#include <sodium.h>

#include "db.h"
#include "log.h"
#include "spool.h"
#include "util.h"

struct commit_job {
	struct queue_msg_in	*msgs;
	size_t			 n;
	int			 done, result;
	char			 err[SPOOL_ERR_MAX];
	struct commit_job	*next;
};

static struct {
	char		 dir[4096], dbpath[4096];
	int		 in_fd, q_fd;
	struct db	*db;
	dev_t		 db_dev;
	ino_t		 db_ino;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 work, done;
	struct commit_job *head, *tail;
	int		 stopping, running;
} sp = { .in_fd = -1, .q_fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER, .done = PTHREAD_COND_INITIALIZER };

static const char b32[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

void
spool_new_id(char id[SPOOL_ID_MAX])
{
	struct timeval tv;
	uint64_t t;
	uint32_t r = randombytes_random();
	int i;

	gettimeofday(&tv, NULL);
	t = (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
	for (i = 10; i >= 0; i--, t >>= 5)
		id[i] = b32[t & 31];
	for (i = 11; i < 16; i++, r >>= 5)
		id[i] = b32[r & 31];
	id[16] = '\0';
}

static int
spool_valid_id(const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++)
		if (strchr(b32, name[i]) == NULL)
			return 0;
	return i == 16;
}

int
spool_path(const char *dir, const char *id, char *out, size_t outsz)
{
	if (!spool_valid_id(id))
		return -1;
	return (size_t)snprintf(out, outsz, "%s/queue/%s", dir, id) < outsz ?
	    0 : -1;
}

int64_t
spool_free_space(void)
{
	struct statvfs vfs;

	if (fstatvfs(sp.q_fd, &vfs) == -1)
		return -1;
	return (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
}

/* (Re)open the committer's database when it is closed or was replaced. */
static int
spool_db_ready(char *err)
{
	struct stat st;
	char derr[DB_ERR_MAX];

	if (stat(sp.dbpath, &st) == -1) {
		snprintf(err, SPOOL_ERR_MAX, "database %s: %s", sp.dbpath,
		    strerror(errno));
		sp.db = db_close(sp.db);
		return -1;
	}
	if (sp.db != NULL && st.st_dev == sp.db_dev && st.st_ino == sp.db_ino)
		return 0;
	sp.db = db_close(sp.db);
	if ((sp.db = db_open(sp.dbpath, 0, derr)) == NULL) {
		snprintf(err, SPOOL_ERR_MAX, "%s", derr);
		return -1;
	}
	if (db_check_version(sp.db) == -1) {
		snprintf(err, SPOOL_ERR_MAX, "%s", db_error(sp.db));
		sp.db = db_close(sp.db);
		return -1;
	}
	sp.db_dev = st.st_dev;
	sp.db_ino = st.st_ino;
	return 0;
}

/* One batch: a directory fsync and one transaction for every job. */
static void
spool_commit_batch(struct commit_job *jobs)
{
	struct commit_job *j;
	struct queue_msg_in *all = NULL;
	size_t n = 0, k;
	char err[SPOOL_ERR_MAX] = "";
	int rc = 0;

	for (j = jobs; j != NULL; j = j->next)
		n += j->n;
	if ((all = calloc(n, sizeof(*all))) == NULL) {
		snprintf(err, sizeof(err), "out of memory");
		rc = -1;
	}
	for (j = jobs, k = 0; rc == 0 && j != NULL; k += j->n, j = j->next)
		memcpy(all + k, j->msgs, j->n * sizeof(*all));
	if (rc == 0 && fsync(sp.q_fd) == -1) {
		snprintf(err, sizeof(err), "fsync %s/queue: %s", sp.dir,
		    strerror(errno));
		rc = -1;
	}
	if (rc == 0 && (rc = spool_db_ready(err)) == 0 &&
	    queue_insert(sp.db, all, n) != STORE_OK) {
		snprintf(err, sizeof(err), "%s", db_error(sp.db));
		sp.db = db_close(sp.db);	/* reopen next time */
		rc = -1;
	}
	free(all);
	pthread_mutex_lock(&sp.lock);
	for (j = jobs; j != NULL; j = j->next) {
		j->result = rc;
		util_strlcpy(j->err, err, sizeof(j->err));
		j->done = 1;
	}
	pthread_cond_broadcast(&sp.done);
	pthread_mutex_unlock(&sp.lock);
}

static void *
spool_committer(void *arg)
{
	struct commit_job *jobs;

	(void)arg;
	pthread_mutex_lock(&sp.lock);
	for (;;) {
		while (sp.head == NULL && !sp.stopping)
			pthread_cond_wait(&sp.work, &sp.lock);
		if (sp.head == NULL)
			break;
		jobs = sp.head;
		sp.head = sp.tail = NULL;
		pthread_mutex_unlock(&sp.lock);
		/* Results are set under the lock, so no waiting session can
		 * return (and free its job) while the list is walked. */
		spool_commit_batch(jobs);
		pthread_mutex_lock(&sp.lock);
	}
	pthread_mutex_unlock(&sp.lock);
	return NULL;
}

static int
spool_mkdirs(const char *dir, char *err)
{
	char path[4200];

	if (mkdir(dir, 0750) == -1 && errno != EEXIST)
		goto fail;
	snprintf(path, sizeof(path), "%s/incoming", dir);
	if (mkdir(path, 0750) == -1 && errno != EEXIST)
		goto fail;
	if ((sp.in_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/queue", dir);
	if (mkdir(path, 0750) == -1 && errno != EEXIST)
		goto fail;
	if ((sp.q_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, SPOOL_ERR_MAX, "%.200s: %s", dir, strerror(errno));
	return -1;
}

/* Remove every entry of a directory for which keep() says no. */
static int
spool_sweep(int dfd, int (*keep)(const char *), int *removed)
{
	DIR *d;
	struct dirent *de;
	int fd;

	if ((fd = dup(dfd)) == -1 || (d = fdopendir(fd)) == NULL)
		return -1;
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || keep(de->d_name))
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0)
			(*removed)++;
	}
	closedir(d);
	return 0;
}

static int
spool_keep_none(const char *name)
{
	(void)name;
	return 0;
}

static int
spool_keep_queued(const char *name)
{
	/* Keep on database errors: never delete what might be acknowledged. */
	return !spool_valid_id(name) ||
	    queue_exists(sp.db, name) != STORE_NOTFOUND;
}

int
spool_init(const char *dir, const char *dbpath, const char *node,
    int *removed, char *err)
{
	(void)node;
	*removed = 0;
	if (util_strlcpy(sp.dir, dir, sizeof(sp.dir)) >= sizeof(sp.dir) ||
	    util_strlcpy(sp.dbpath, dbpath, sizeof(sp.dbpath)) >=
	    sizeof(sp.dbpath)) {
		snprintf(err, SPOOL_ERR_MAX, "path too long");
		return -1;
	}
	if (spool_mkdirs(dir, err) == -1 || spool_db_ready(err) == -1)
		return -1;
	if (spool_sweep(sp.in_fd, spool_keep_none, removed) == -1 ||
	    spool_sweep(sp.q_fd, spool_keep_queued, removed) == -1 ||
	    fsync(sp.q_fd) == -1) {
		snprintf(err, SPOOL_ERR_MAX, "recovery in %.200s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (pthread_create(&sp.thread, NULL, spool_committer, NULL) != 0) {
		snprintf(err, SPOOL_ERR_MAX, "cannot start the committer");
		return -1;
	}
	sp.running = 1;
	return 0;
}

void
spool_shutdown(void)
{
	if (sp.running) {
		pthread_mutex_lock(&sp.lock);
		sp.stopping = 1;
		pthread_cond_signal(&sp.work);
		pthread_mutex_unlock(&sp.lock);
		pthread_join(sp.thread, NULL);
		sp.running = 0;
	}
	sp.db = db_close(sp.db);
	if (sp.in_fd != -1)
		close(sp.in_fd);
	if (sp.q_fd != -1)
		close(sp.q_fd);
	sp.in_fd = sp.q_fd = -1;
}

int
spool_open(struct spool_file *f, char *err)
{
	spool_new_id(f->id);
	f->error = 0;
	f->size = 0;
	f->len = 0;
	f->fd = openat(sp.in_fd, f->id, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0640);
	if (f->fd == -1) {
		snprintf(err, SPOOL_ERR_MAX, "create %s/incoming/%s: %s", sp.dir,
		    f->id, strerror(errno));
		return -1;
	}
	return 0;
}

static void
spool_flush(struct spool_file *f)
{
	size_t off = 0;
	ssize_t n;

	while (f->error == 0 && off < f->len) {
		n = write(f->fd, f->buf + off, f->len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			f->error = errno;
		else
			off += (size_t)n;
	}
	f->len = 0;
}

void
spool_write(struct spool_file *f, const void *p, size_t n)
{
	const char *s = p;
	size_t c;

	f->size += (int64_t)n;
	while (n > 0 && f->error == 0) {
		c = SPOOL_BUF - f->len < n ? SPOOL_BUF - f->len : n;
		memcpy(f->buf + f->len, s, c);
		f->len += c;
		s += c;
		n -= c;
		if (f->len == SPOOL_BUF)
			spool_flush(f);
	}
}

void
spool_abort(struct spool_file *f)
{
	if (f->fd != -1) {
		close(f->fd);
		unlinkat(sp.in_fd, f->id, 0);
		f->fd = -1;
	}
}

/* Undo the renames and links of a failed commit. */
static void
spool_unqueue(struct queue_msg_in *msgs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		unlinkat(sp.q_fd, msgs[i].id, 0);
}

/* Flush, fsync, close; then move into queue/ with links for more ids. */
static int
spool_settle(struct spool_file *f, struct queue_msg_in *msgs, size_t n,
    char *err)
{
	size_t i;

	spool_flush(f);
	if (f->error == 0 && fsync(f->fd) == -1)
		f->error = errno;
	if (close(f->fd) == -1 && f->error == 0)
		f->error = errno;
	f->fd = -1;
	if (f->error == 0 && renameat(sp.in_fd, f->id, sp.q_fd, f->id) == -1)
		f->error = errno;
	if (f->error != 0) {
		snprintf(err, SPOOL_ERR_MAX, "spool %s: %s", f->id,
		    strerror(f->error));
		unlinkat(sp.in_fd, f->id, 0);
		return -1;
	}
	for (i = 1; i < n; i++)
		if (linkat(sp.q_fd, f->id, sp.q_fd, msgs[i].id, 0) == -1) {
			snprintf(err, SPOOL_ERR_MAX, "link %s: %s", msgs[i].id,
			    strerror(errno));
			spool_unqueue(msgs, i);
			return -1;
		}
	return 0;
}

int
spool_commit(struct spool_file *f, struct queue_msg_in *msgs, size_t n,
    char *err)
{
	struct commit_job job;

	if (spool_settle(f, msgs, n, err) == -1)
		return -1;
	memset(&job, 0, sizeof(job));
	job.msgs = msgs;
	job.n = n;
	pthread_mutex_lock(&sp.lock);
	if (sp.stopping) {
		pthread_mutex_unlock(&sp.lock);
		snprintf(err, SPOOL_ERR_MAX, "shutting down");
		spool_unqueue(msgs, n);
		return -1;
	}
	if (sp.tail != NULL)
		sp.tail->next = &job;
	else
		sp.head = &job;
	sp.tail = &job;
	pthread_cond_signal(&sp.work);
	while (!job.done)
		pthread_cond_wait(&sp.done, &sp.lock);
	pthread_mutex_unlock(&sp.lock);
	if (job.result == -1) {
		snprintf(err, SPOOL_ERR_MAX, "%s", job.err);
		spool_unqueue(msgs, n);
		return -1;
	}
	return 0;
}
