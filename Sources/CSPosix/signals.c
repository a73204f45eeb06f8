#include "cs_posix.h"
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal = 0;
// Written (one byte) by the handler and never drained: once asked to stop, a stage stays stopped.
static int stop_pipe[2] = {-1, -1};

static void on_stop(int sig) {
    stop_signal = sig;
    if (stop_pipe[1] >= 0) {
        int saved = errno;   // write(2) is async-signal-safe; errno belongs to the code interrupted
        ssize_t ignored = write(stop_pipe[1], "", 1);
        (void)ignored;
        errno = saved;
    }
}

void cs_install_signal_handlers(void) {
    if (stop_pipe[0] < 0 && pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) stop_pipe[0] = stop_pipe[1] = -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; // no SA_RESTART: read(2) must return EINTR so the stage can flush and go
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int cs_stop_signal(void) { return stop_signal; }

int cs_wait_readable(int fd) {
    if (stop_signal) return 0;
    if (stop_pipe[0] < 0) return 1;   // no pipe (handlers not installed): read as before
    struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = stop_pipe[0], .events = POLLIN}};
    for (;;) {
        int n = poll(fds, 2, -1);
        if (n < 0 && errno == EINTR) { if (stop_signal) return 0; continue; }
        if (n < 0) return 1;             // let read(2) report what is wrong
        if (fds[1].revents) return 0;
        return 1;                        // readable, hung up or failed: read(2) tells which
    }
}

int cs_isatty(int fd) { return isatty(fd); }
