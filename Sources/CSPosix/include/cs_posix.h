#ifndef CS_POSIX_H
#define CS_POSIX_H
// POSIX glue that must be C: signal handlers may only touch a volatile sig_atomic_t.

// Installs SIGINT/SIGTERM handlers (without SA_RESTART, so a blocking read returns EINTR)
// and ignores SIGPIPE (writes then fail with EPIPE, which the writer turns into a quiet exit).
void cs_install_signal_handlers(void);
// The signal that asked the stage to stop, or 0.
int cs_stop_signal(void);
// Stdout/stderr is a terminal.
int cs_isatty(int fd);
#endif
