// A hostile WASI command: argv[1] names the attack, the rest are its arguments. Every attempt prints one line
// "TRY <what>: ok" or "TRY <what>: err <strerror>", and whatever it managed to read, so the test can check that
// nothing outside the grant came back. Built with wasi-libc (preview1, adapted to a wasi:cli/run component).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void report(const char *what, int rc) {
  if (rc < 0) printf("TRY %s: err %s\n", what, strerror(errno));
  else printf("TRY %s: ok\n", what);
}

/** Opens and prints a file's first bytes; success is an escape when the path is outside the box. */
static void try_read_at(int dirfd, const char *path) {
  char what[600];
  snprintf(what, sizeof what, "read %s", path);
  int fd = openat(dirfd, path, O_RDONLY);
  if (fd < 0) { report(what, -1); return; }
  char buf[200] = {0};
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0) { report(what, -1); return; }
  printf("TRY %s: ok CONTENT[%s]\n", what, buf);
}
static void try_read(const char *path) { try_read_at(AT_FDCWD, path); }

static void try_write_at(int dirfd, const char *path) {
  char what[600];
  snprintf(what, sizeof what, "write %s", path);
  int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { report(what, -1); return; }
  ssize_t n = write(fd, "PWNED", 5);
  close(fd);
  report(what, n == 5 ? 0 : -1);
}
static void try_write(const char *path) { try_write_at(AT_FDCWD, path); }

static void try_list(const char *path) {
  DIR *d = opendir(path);
  char what[600];
  snprintf(what, sizeof what, "list %s", path);
  if (!d) { report(what, -1); return; }
  printf("TRY %s: ok ENTRIES[", what);
  struct dirent *e;
  while ((e = readdir(d))) printf("%s,", e->d_name);
  printf("]\n");
  closedir(d);
}

#define TRY(what, expr) report(what, (expr))

/** 1. A directory descriptor kept open while its path is swapped for a symlink that climbs out. */
static void stale(const char *hostlink) {
  TRY("mkdir /box/d", mkdir("/box/d", 0755));
  TRY("mkdir /box/e", mkdir("/box/e", 0755));
  int fd = open("/box/d", O_RDONLY | O_DIRECTORY);
  int fd2 = open("/box/e", O_RDONLY | O_DIRECTORY);
  report("open /box/d", fd);
  report("open /box/e", fd2);
  TRY("rename /box/d /box/gone", rename("/box/d", "/box/gone"));
  TRY("rmdir /box/e", rmdir("/box/e"));
  // Guest-planted escapes first; if the host refuses them, move the host-planted absolute link into place.
  TRY("symlink ../../.. /box/d", symlink("../../..", "/box/d"));
  TRY("symlink .. /box/e", symlink("..", "/box/e"));
  if (hostlink) {
    unlink("/box/d");
    TRY("rename hostlink /box/d", rename(hostlink, "/box/d"));
  }
  const char *paths[] = {"secret.txt", "../secret.txt", "../../secret.txt", "../../../secret.txt", "../../../../secret.txt"};
  for (int i = 0; i < 5; i++) {
    try_read_at(fd, paths[i]);
    try_read_at(fd2, paths[i]);
  }
  try_write_at(fd, "pwned.txt");
  try_write_at(fd, "../pwned.txt");
  try_write_at(fd, "../../pwned.txt");
  try_write_at(fd2, "pwned.txt");
  try_write_at(fd2, "../pwned.txt");
  TRY("mkdirat fd pwned-dir", mkdirat(fd, "pwned-dir", 0755));
  TRY("mkdirat fd2 pwned-dir", mkdirat(fd2, "pwned-dir", 0755));
  try_list("/box/d");
  try_read("/box/d/secret.txt");
  try_read("/box/e/secret.txt");
}

/** 2. Symlinks planted by the guest that point out of the box, absolute targets, chains; and host-planted ones. */
static void symlinks(const char *hostpath) {
  TRY("symlink ../../outside /box/l1", symlink("../outside", "/box/l1"));
  TRY("symlink .. /box/l2", symlink("..", "/box/l2"));
  TRY("symlink /etc /box/l3", symlink("/etc", "/box/l3"));
  if (hostpath) TRY("symlink <host path> /box/l4", symlink(hostpath, "/box/l4"));
  TRY("symlink l5b /box/l5a", symlink("l5b", "/box/l5a"));
  TRY("symlink sub/../.. /box/l5b", symlink("sub/../..", "/box/l5b"));
  TRY("symlink ../secret.txt /box/l6", symlink("../secret.txt", "/box/l6"));
  TRY("mkdir /box/sub", mkdir("/box/sub", 0755));
  TRY("symlink ../../secret.txt /box/sub/l7", symlink("../../secret.txt", "/box/sub/l7"));
  const char *reads[] = {"/box/l1/secret.txt", "/box/l2/secret.txt", "/box/l3/passwd", "/box/l4/secret.txt", "/box/l5a/secret.txt",
                         "/box/l6", "/box/sub/l7", "/box/hostdir/secret.txt", "/box/hostrel/secret.txt", "/box/hostfile",
                         "/box/hostchain/secret.txt"};
  for (unsigned i = 0; i < sizeof reads / sizeof *reads; i++) try_read(reads[i]);
  try_write("/box/l1/pwned.txt");
  try_write("/box/l2/pwned.txt");
  try_write("/box/l4/pwned.txt");
  try_write("/box/hostdir/pwned.txt");
  try_write("/box/hostrel/pwned.txt");
  try_write("/box/hostfile");
  TRY("mkdir /box/hostdir/pwned-dir", mkdir("/box/hostdir/pwned-dir", 0755));
  try_list("/box/hostdir");
  try_list("/box/l2");
  // Positive control: a symlink that stays inside the box still works.
  TRY("symlink inside.txt /box/ok", symlink("inside.txt", "/box/ok"));
  try_read("/box/ok");
}

/** 3. Hard links: of an outside file, through a planted symlink, of a planted file symlink. */
static void links(void) {
  TRY("link /box/../secret.txt /box/h1", link("/box/../secret.txt", "/box/h1"));
  TRY("link /box/hostdir/secret.txt /box/h2", link("/box/hostdir/secret.txt", "/box/h2"));
  TRY("link /box/hostfile /box/h3", link("/box/hostfile", "/box/h3"));
  TRY("linkat follow /box/hostfile /box/h4", linkat(AT_FDCWD, "/box/hostfile", AT_FDCWD, "/box/h4", AT_SYMLINK_FOLLOW));
  TRY("link /box/inside.txt /box/hostdir/h5", link("/box/inside.txt", "/box/hostdir/h5"));
  TRY("link /box/inside.txt /box/../h6", link("/box/inside.txt", "/box/../h6"));
  const char *reads[] = {"/box/h1", "/box/h2", "/box/h3", "/box/h4"};
  for (int i = 0; i < 4; i++) try_read(reads[i]);
  try_write("/box/h2");
  try_write("/box/h4");
  // Positive control: a link inside the box works.
  TRY("link /box/inside.txt /box/h-ok", link("/box/inside.txt", "/box/h-ok"));
  try_read("/box/h-ok");
}

/** 4. `..`, absolute and odd paths. */
static void paths(const char *hostpath) {
  TRY("mkdir /box/a", mkdir("/box/a", 0755));
  const char *reads[] = {"/box/../secret.txt", "/box/a/../../secret.txt", "/box/./../secret.txt", "/box/a/../a/../../secret.txt",
                         "/etc/passwd", "//etc/passwd", "/../etc/passwd", "/box/../../../../etc/passwd", "../secret.txt",
                         "secret.txt", "box/../secret.txt", "/box//..//secret.txt", "/box/.../secret.txt", "/proc/self/environ"};
  for (unsigned i = 0; i < sizeof reads / sizeof *reads; i++) try_read(reads[i]);
  if (hostpath) try_read(hostpath);
  // A very long path that climbs out after many in-and-out steps.
  static char longp[8192];
  strcpy(longp, "/box");
  for (int i = 0; i < 800; i++) strcat(longp, "/a/..");
  strcat(longp, "/../secret.txt");
  int fd = open(longp, O_RDONLY);
  if (fd >= 0) { char b[100] = {0}; read(fd, b, 99); printf("TRY read <long climbing path>: ok CONTENT[%s]\n", b); close(fd); }
  else report("read <long climbing path>", -1);
  // Components of 255 and 256 bytes, a path beyond PATH_MAX.
  static char name[400];
  memset(name, 'n', 255); name[255] = 0;
  char p[600];
  snprintf(p, sizeof p, "/box/%s", name);
  try_write(p);
  memset(name, 'm', 256); name[256] = 0;
  snprintf(p, sizeof p, "/box/%s", name);
  try_write(p);
  static char huge[9000];
  strcpy(huge, "/box/");
  for (int i = 0; i < 40; i++) strcat(huge, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/");
  strcat(huge, "x");
  fd = open(huge, O_WRONLY | O_CREAT, 0644);
  report("write <path beyond PATH_MAX>", fd);
  if (fd >= 0) close(fd);
  // Odd names: newline, escape, UTF-8.
  try_write("/box/new\nline");
  try_write("/box/esc\x1b[31mred");
  try_write("/box/caf\xc3\xa9-\xf0\x9f\x98\x80");
  try_write("/box/../outside-new.txt");
  try_write("/box/a/../../outside-new2.txt");
  try_write("/outside-root.txt");
  try_list("/");
  try_list("/box/..");
}

/** 5. rename/unlink/rmdir to and from outside paths; chdir tricks. */
static void moves(void) {
  TRY("rename /box/inside.txt /box/../moved.txt", rename("/box/inside.txt", "/box/../moved.txt"));
  TRY("rename /box/../secret.txt /box/stolen.txt", rename("/box/../secret.txt", "/box/stolen.txt"));
  TRY("rename /box/hostdir/secret.txt /box/stolen2.txt", rename("/box/hostdir/secret.txt", "/box/stolen2.txt"));
  TRY("rename /box/inside.txt /box/hostdir/moved2.txt", rename("/box/inside.txt", "/box/hostdir/moved2.txt"));
  TRY("rename /box/inside.txt /box/hostdir/secret.txt", rename("/box/inside.txt", "/box/hostdir/secret.txt"));
  TRY("unlink /box/../secret.txt", unlink("/box/../secret.txt"));
  TRY("unlink /box/hostdir/secret.txt", unlink("/box/hostdir/secret.txt"));
  TRY("rmdir /box/hostdir/victim-dir", rmdir("/box/hostdir/victim-dir"));
  TRY("rmdir /box/../victim-dir", rmdir("/box/../victim-dir"));
  TRY("rmdir /box", rmdir("/box"));
  TRY("rmdir /box/..", rmdir("/box/.."));
  TRY("mkdir /box/c", mkdir("/box/c", 0755));
  TRY("chdir /box/c", chdir("/box/c"));
  try_read("../../secret.txt");
  try_read("../../../secret.txt");
  TRY("rename inside ../../moved3.txt", rename("../inside.txt", "../../moved3.txt"));
  TRY("chdir /box/hostdir", chdir("/box/hostdir"));
  try_read("secret.txt");
  TRY("unlink secret.txt (cwd hostdir)", unlink("secret.txt"));
  TRY("chdir /box/..", chdir("/box/.."));
  try_read("secret.txt");
  // Removing the planted link itself is fine; its target must survive.
  TRY("unlink /box/hostfile", unlink("/box/hostfile"));
  TRY("rename /box/inside.txt /box/renamed-inside.txt", rename("/box/inside.txt", "/box/renamed-inside.txt"));
}

static void do_readlink(void) {
  const char *links[] = {"/box/hostdir", "/box/hostfile", "/box/hostrel"};
  for (int i = 0; i < 3; i++) {
    char buf[512] = {0};
    ssize_t n = readlink(links[i], buf, sizeof buf - 1);
    char what[100];
    snprintf(what, sizeof what, "readlink %s", links[i]);
    if (n < 0) report(what, -1);
    else printf("TRY %s: ok TARGET[%s]\n", what, buf);
  }
}

/** 8. Every write path on a read-only grant. */
static void readonly(void) {
  try_write("/box/new.txt");
  int fd = open("/box/inside.txt", O_WRONLY | O_TRUNC);
  report("open O_TRUNC /box/inside.txt", fd);
  fd = open("/box/inside.txt", O_WRONLY | O_APPEND);
  report("open O_APPEND /box/inside.txt", fd);
  if (fd >= 0) report("append", write(fd, "PWNED", 5) == 5 ? 0 : -1);
  fd = open("/box/inside.txt", O_RDONLY);
  report("ftruncate read fd", fd >= 0 ? ftruncate(fd, 0) : -1);
  TRY("truncate /box/inside.txt", truncate("/box/inside.txt", 0));
  TRY("rename /box/inside.txt /box/renamed.txt", rename("/box/inside.txt", "/box/renamed.txt"));
  TRY("unlink /box/inside.txt", unlink("/box/inside.txt"));
  TRY("mkdir /box/newdir", mkdir("/box/newdir", 0755));
  TRY("rmdir /box/subdir", rmdir("/box/subdir"));
  TRY("symlink inside.txt /box/sl", symlink("inside.txt", "/box/sl"));
  TRY("link /box/inside.txt /box/hl", link("/box/inside.txt", "/box/hl"));
  struct timespec ts[2] = {{1, 0}, {1, 0}};
  TRY("utimensat /box/inside.txt", utimensat(AT_FDCWD, "/box/inside.txt", ts, 0));
  if (fd >= 0) TRY("futimens read fd", futimens(fd, ts));
  try_write("/box/subdir/new.txt");
  try_read("/box/inside.txt");
}

static void info(void) {
  int n = 0;
  for (char **e = environ; e && *e; e++, n++) printf("ENV[%s]\n", *e);
  printf("ENVCOUNT %d\n", n);
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  printf("MONOTONIC %lld\n", (long long)t.tv_sec);
  char buf[4096];
  size_t total = 0;
  ssize_t r;
  printf("STDIN[");
  while ((r = read(0, buf, sizeof buf)) > 0) {
    fwrite(buf, 1, (size_t)r, stdout);
    total += (size_t)r;
  }
  printf("]\nSTDINBYTES %zu\n", total);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) { fprintf(stderr, "usage: attacker <attack> [args]\n"); return 2; }
  const char *a = argv[1];
  const char *arg = argc > 2 ? argv[2] : NULL;
  if (!strcmp(a, "read")) { for (int i = 2; i < argc; i++) try_read(argv[i]); }
  else if (!strcmp(a, "stale")) stale(arg);
  else if (!strcmp(a, "symlinks")) symlinks(arg);
  else if (!strcmp(a, "links")) links();
  else if (!strcmp(a, "paths")) paths(arg);
  else if (!strcmp(a, "moves")) moves();
  else if (!strcmp(a, "readlink")) do_readlink();
  else if (!strcmp(a, "moved-symlink")) {
    // Open /box/a/b, move it up to /box/b, then plant through the old fd a link whose `..`s were fine at the old
    // depth but leave the box at the new one; then try to read through it from the box.
    mkdir("/box/a", 0755);
    mkdir("/box/a/b", 0755);
    int fd = open("/box/a/b", O_RDONLY | O_DIRECTORY);
    printf("TRY open /box/a/b: %s\n", fd >= 0 ? "ok" : strerror(errno));
    printf("TRY rename up: %s\n", rename("/box/a/b", "/box/b") == 0 ? "ok" : strerror(errno));
    printf("TRY symlinkat ../../secret.txt: %s\n", symlinkat("../../secret.txt", fd, "l") == 0 ? "ok" : strerror(errno));
    printf("TRY symlinkat ../inside.txt: %s\n", symlinkat("../inside.txt", fd, "ok") == 0 ? "ok" : strerror(errno));
    try_read("/box/b/l");
    try_read("/box/b/ok");
  }
  else if (!strcmp(a, "special")) {
    // Host-planted FIFO: opening it must neither block the guest nor reach the host's pipe.
    int fd = open(arg, O_RDONLY);
    printf("TRY open %s: %s\n", arg, fd >= 0 ? "ok" : strerror(errno));
  }
  else if (!strcmp(a, "readonly")) readonly();
  else if (!strcmp(a, "info")) { printf("ARGV0[%s]\n", argv[0]); info(); }
  else if (!strcmp(a, "spin")) { volatile unsigned long x = 0; for (;;) x++; }
  else if (!strcmp(a, "membomb")) {
    static char *volatile keep;
    // Allocates and touches 1 MiB blocks until malloc fails; stops by itself at 512 MiB so an unenforced limit
    // cannot take the machine down.
    size_t mib = 0;
    for (; mib < 512; mib++) {
      char *p = malloc(1 << 20);
      if (!p) break;
      memset(p, 1, 1 << 20);
      keep = p; // escapes, so clang cannot elide the allocation
    }
    printf("GOT %zu MiB\n", mib);
  } else if (!strcmp(a, "flood")) {
    // Writes argv[2] MiB to stdout as fast as it can.
    static char block[1 << 16];
    memset(block, 'A', sizeof block);
    long mib = arg ? atol(arg) : 1024;
    for (long i = 0; i < mib * 16; i++) fwrite(block, 1, sizeof block, stdout);
    fflush(stdout);
  } else if (!strcmp(a, "tty")) {
    printf("before\x1b]0;pwned-title\x07\x1b[2J\x1b[31mred\rX\x08\x9b" "31m after\n");
  } else { fprintf(stderr, "unknown attack %s\n", a); return 2; }
  return 0;
}
