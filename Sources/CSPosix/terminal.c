#include "cs_terminal.h"
#include <sys/ioctl.h>
#include <unistd.h>

int cs_terminal_columns(int fd) {
    struct winsize ws;
    if (!isatty(fd)) return 0;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
    return ws.ws_col;
}
