#ifndef CS_POSIX_H
#define CS_POSIX_H
// POSIX glue that must be C: signal handlers may only touch a volatile sig_atomic_t.

// Installs SIGINT/SIGTERM handlers (without SA_RESTART, so a blocking read returns EINTR)
// and ignores SIGPIPE (writes then fail with EPIPE, which the writer turns into a quiet exit).
void cs_install_signal_handlers(void);
// The signal that asked the stage to stop, or 0.
int cs_stop_signal(void);
// Waits until `fd` can be read (or read(2) would report an error or the end) or a stop signal has come:
// 1 to go on and read, 0 when the stage was asked to stop. A signal that lands just before a blocking
// read would otherwise be missed (the read does not return EINTR for it): the handler also writes to a
// pipe this waits on, so the stop is seen whenever it came.
int cs_wait_readable(int fd);
// Stdout/stderr is a terminal.
int cs_isatty(int fd);
#endif
