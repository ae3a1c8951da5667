/*
 * doexec: the exec benchmark kernel developers run against the mm_struct
 * path (percpu-lab's `kernel` command compiles it with `cc -static -O2`).
 *
 *   doexec NPROCS SECONDS PIN [CPU,CPU,...]
 *
 * The parent forks NPROCS children. With PIN=1 child i binds itself to the
 * i-th CPU of the list (sched_setaffinity), so sched_exec never migrates it
 * and each process stays on its CPU, as the benchmark is quoted. Every child
 * waits for a common start time, then execs itself in a loop: each new
 * image is started in "loop" mode with its counter in argv (the execs
 * completed so far, this one included), adds one and execs again, until it
 * reads the clock past the deadline. It then writes
 * one line to the parent through the pipe inherited across every exec:
 *
 *   proc <i> cpu <cpu it ended on> execs <n> ns <window>
 *
 * where n execs completed in a window of `ns` nanoseconds measured from the
 * common start to the moment the last image read the clock. The parent
 * prints the children's lines and exits 0 when all of them reported.
 *
 * Each process execs its own copy of the binary (DIR/<i>/doexec in a
 * fresh directory under $TMPDIR or /tmp, removed at the end), as kernel
 * developers run doexec and as the lab's --binary static models it: the
 * file's locks (its mapping's i_mmap_rwsem) are private to the process,
 * and only what the kernel shares between processes meets. Every image is
 * named doexec, so perf samples carry that name.
 *
 * A static binary keeps the dynamic loader out of the cycle (one image, no
 * shared libraries), which is the case the lab's --binary static models.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 4096
#define START_DELAY_NS 100000000LL /* every child is forked and pinned before the window opens */

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(long long t)
{
	struct timespec ts = { .tv_sec = t / 1000000000LL, .tv_nsec = t % 1000000000LL };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void die(const char *what)
{
	fprintf(stderr, "doexec: %s: %s\n", what, strerror(errno));
	_exit(1);
}

/* argv: doexec loop <proc> <count> <start_ns> <deadline_ns> <fd> */
static int loop(char **argv)
{
	long long count = atoll(argv[3]);
	long long start = atoll(argv[4]);
	long long deadline = atoll(argv[5]);
	int fd = atoi(argv[6]);
	long long t = now_ns();
	char next[32];
	char line[128];

	if (t >= deadline) {
		int n = snprintf(line, sizeof(line), "proc %s cpu %d execs %lld ns %lld\n",
				 argv[2], sched_getcpu(), count, t - start);
		if (write(fd, line, n) != n)
			die("write");
		return 0;
	}
	snprintf(next, sizeof(next), "%lld", count + 1);
	argv[3] = next;
	execv(argv[0], argv);
	die("execv");
	return 1;
}

/* Copy the running binary to dir/doexec, executable. */
static void copy_self(const char *dir, char *path, size_t size)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	if (mkdir(dir, 0700) != 0)
		die("mkdir");
	snprintf(path, size, "%s/doexec", dir);
	in = open("/proc/self/exe", O_RDONLY);
	out = open(path, O_WRONLY | O_CREAT | O_EXCL, 0700);
	if (in < 0 || out < 0)
		die("open copy");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			die("write copy");
	if (n < 0 || close(out) != 0)
		die("copy");
	close(in);
}

static int parse_cpus(char *list, int *cpus, int n)
{
	int i = 0;
	for (char *tok = strtok(list, ","); tok != NULL && i < n; tok = strtok(NULL, ","))
		cpus[i++] = atoi(tok);
	return i;
}

static void child(char *self, int proc, int cpu, int pin, long long start, long long deadline, int fd)
{
	char sproc[16], sstart[32], sdeadline[32], sfd[16];
	char *argv[] = { self, "loop", sproc, "1", sstart, sdeadline, sfd, NULL };

	if (pin) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0)
			die("sched_setaffinity");
	}
	snprintf(sproc, sizeof(sproc), "%d", proc);
	snprintf(sstart, sizeof(sstart), "%lld", start);
	snprintf(sdeadline, sizeof(sdeadline), "%lld", deadline);
	snprintf(sfd, sizeof(sfd), "%d", fd);
	sleep_until(start);
	/*
	 * The window opens with this exec, so it is the first one counted: the
	 * image it starts sees 1, the count of execs completed in the window.
	 */
	execv(self, argv);
	die("execv");
}

int main(int argc, char **argv)
{
	/* The parent's tables live on its heap: the images of the loop stay as small as the program. */
	int *cpus;
	char (*copies)[PATH_MAX];
	char top[256], dir[512];
	const char *tmp = getenv("TMPDIR");
	int nprocs, pin, fds[2], reported = 0, failed = 0;
	double seconds;
	long long start, deadline;
	char buf[4096];
	FILE *in;

	if (argc == 7 && strcmp(argv[1], "loop") == 0)
		return loop(argv);
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: doexec NPROCS SECONDS PIN [CPU,CPU,...]\n");
		return 2;
	}
	nprocs = atoi(argv[1]);
	seconds = atof(argv[2]);
	pin = atoi(argv[3]);
	if (nprocs < 1 || nprocs > MAX_PROCS || seconds <= 0) {
		fprintf(stderr, "doexec: NPROCS must be 1..%d and SECONDS positive\n", MAX_PROCS);
		return 2;
	}
	cpus = calloc(nprocs, sizeof(*cpus));
	copies = calloc(nprocs, sizeof(*copies));
	if (cpus == NULL || copies == NULL)
		die("calloc");
	for (int i = 0; i < nprocs; i++)
		cpus[i] = i;
	if (argc == 5 && parse_cpus(argv[4], cpus, nprocs) < nprocs) {
		fprintf(stderr, "doexec: the CPU list needs %d entries\n", nprocs);
		return 2;
	}
	if (tmp == NULL || *tmp == '\0' || strlen(tmp) > 200)
		tmp = "/tmp";
	snprintf(top, sizeof(top), "%s/doexec.XXXXXX", tmp);
	if (mkdtemp(top) == NULL)
		die("mkdtemp");
	for (int i = 0; i < nprocs; i++) {
		snprintf(dir, sizeof(dir), "%s/%d", top, i);
		copy_self(dir, copies[i], sizeof(copies[i]));
	}
	if (pipe(fds) != 0)
		die("pipe");
	start = now_ns() + START_DELAY_NS;
	deadline = start + (long long)(seconds * 1e9);
	for (int i = 0; i < nprocs; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(fds[0]);
			child(copies[i], i, cpus[i], pin, start, deadline, fds[1]);
		}
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	if (in == NULL)
		die("fdopen");
	while (fgets(buf, sizeof(buf), in) != NULL) {
		fputs(buf, stdout);
		reported++;
	}
	for (int i = 0; i < nprocs; i++) {
		int status;
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	for (int i = 0; i < nprocs; i++) {
		unlink(copies[i]);
		*strrchr(copies[i], '/') = '\0';
		rmdir(copies[i]);
	}
	rmdir(top);
	if (reported != nprocs || failed != 0) {
		fprintf(stderr, "doexec: %d of %d processes reported, %d failed\n", reported, nprocs, failed);
		return 1;
	}
	return 0;
}
